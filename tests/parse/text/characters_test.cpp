// tests/parse/text/characters_test.cpp — the shared character helpers: one white-space collapser,
// one reference decoder, NFC, lower-casing.
#include "parse/text/characters.hpp"
#include "parse/text/entities.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper::parse;

TEST(Characters, CollapsesUnicodeWhitespaceRuns)
{
    EXPECT_EQ(collapse_whitespace("  a \t\n b\xC2\xA0\xC2\xA0" "c\xE2\x80\x89" "d  "), "a b c d");
    EXPECT_EQ(collapse_whitespace("x\xE2\x80\x8By"), "xy"); // zero-width space is dropped
    EXPECT_EQ(collapse_whitespace("a\xC2\x85" "b\xE1\x9A\x80" "c"), "a b c"); // NEL, Ogham space mark
}

TEST(Characters, DropsSoftHyphensInsideWords)
{
    EXPECT_EQ(collapse_whitespace("Ver\xC2\xAD" "tei\xC2\xAD" "lung"), "Verteilung");
    bool pending = false;
    std::string out;
    append_collapsed(out, "Zei\xC2\xAD", pending);
    append_collapsed(out, "tung", pending);
    EXPECT_EQ(out, "Zeitung");
}

TEST(Characters, NormalizesToComposedForm)
{
    EXPECT_EQ(normalize_nfc("Mu\xCC\x88ller"), "M\xC3\xBCller"); // u + combining diaeresis
    EXPECT_EQ(normalize_nfc("plain ascii"), "plain ascii");
    EXPECT_EQ(normalize_nfc("bad \xC3("), "bad \xC3("); // invalid UTF-8 comes back as it was
}

TEST(Characters, DecodesReferencesWithTheOneReader)
{
    EXPECT_EQ(decode_references("Fish &amp; Chips &eacute;t&#233; &#x2014; &bogus; & more"),
        "Fish & Chips \xC3\xA9t\xC3\xA9 \xE2\x80\x94 &bogus; & more");
}

// tests/core/text_test.cpp — string helpers.
#include "core/text.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;

TEST(Text, SanitizesInvalidUtf8WithReplacementCharacter)
{
    EXPECT_EQ(sanitize_utf8("ok \xC3\xA4"), "ok \xC3\xA4");
    EXPECT_EQ(sanitize_utf8("bad \xC3(x"), "bad \xEF\xBF\xBD(x");
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80")); // a UTF-16 surrogate is not UTF-8
}

TEST(Text, TruncatesWithoutSplittingASequence)
{
    EXPECT_EQ(truncate_utf8("a\xC3\xA4", 2), "a");
    EXPECT_EQ(truncate_utf8("abc", 5), "abc");
}

TEST(Text, ComparesAsciiCaseInsensitively)
{
    EXPECT_TRUE(iequals("Content-Type", "content-type"));
    EXPECT_TRUE(icontains("Hello World", "WORLD"));
    EXPECT_FALSE(istarts_with("ab", "abc"));
}

TEST(Text, FindsWhatWouldSplitAHeaderLine)
{
    EXPECT_FALSE(has_line_break_or_nul("consent=yes; lang=de"));
    EXPECT_TRUE(has_line_break_or_nul("x\r\nX-Injected: 1"));
    EXPECT_TRUE(has_line_break_or_nul("x\ny"));
    EXPECT_TRUE(has_line_break_or_nul(std::string_view("x\0y", 3)));
}

TEST(Text, StripsTerminalControlCharactersFromRelayedText)
{
    EXPECT_EQ(strip_control_characters("ok\x1b[2J\x1b]0;title\x07 done\n"), "ok[2J]0;title done\n");
    EXPECT_EQ(strip_control_characters("a\xC2\x9B" "31mb\tc\x7F"), "a31mb\tc");
    EXPECT_EQ(strip_control_characters("caf\xC3\xA9 \xFF"), "caf\xC3\xA9 \xEF\xBF\xBD");
}

// tests/parse/feed/charset_test.cpp — choosing and converting a feed's encoding: BOM, HTTP charset,
// XML declaration, detection, mislabelled UTF-8, EBCDIC and the codecs only ICU has.
#include "parse/feed/decode.hpp"
#include "parse/text/charset.hpp"
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::testing;
using parse::decode_feed_bytes;

TEST(FeedCharset, ByteOrderMarkDecidesOverLabels)
{
    const FeedDocument feed = parse_fixture("feedparser/encoding/utf-16le-bom.xml");
    EXPECT_EQ(feed.encoding, "utf-16le");
    EXPECT_FALSE(feed.bozo);
    const FeedDocument utf8 = parse_fixture("gofeed/universal/rss_feed_bom.xml");
    EXPECT_EQ(utf8.title, "Feed Title");
}

TEST(FeedCharset, RecognisesUtf16And32WithoutByteOrderMark)
{
    EXPECT_EQ(parse_fixture("feedparser/encoding/utf-16be-autodetect.xml").encoding, "utf-16be");
    EXPECT_EQ(parse_fixture("feedparser/encoding/utf-32le-autodetect.xml").encoding, "utf-32le");
}

TEST(FeedCharset, HttpCharsetOverridesTheXmlDeclaration)
{
    const auto options = options_with("http://example.com/feed", { { "Content-Type", "text/xml;charset = us-ascii" } });
    const FeedDocument feed = parse_fixture("feedparser/encoding/http_text_xml_charset_overrides_encoding.xml", options);
    EXPECT_EQ(feed.encoding, "us-ascii");
    EXPECT_FALSE(feed.bozo);
}

TEST(FeedCharset, ReadsAHttpCharsetWithAnUnbalancedQuote)
{
    // The label was once kept with its quote ("\"windows-1251"), unknown, and the feed was bozo.
    const std::string feed_bytes = "<rss><channel><title>\xCC\xEE\xF1\xF2</title></channel></rss>"; // "Мост" in windows-1251
    const FeedDocument feed = parse_ok(feed_bytes, options_with("http://example.com/feed", { { "Content-Type", "text/xml; charset=\"windows-1251" } }));
    EXPECT_EQ(feed.title, "Мост");
    EXPECT_EQ(feed.encoding, "windows-1251");
    EXPECT_FALSE(feed.bozo) << feed.bozo_message;
}

TEST(FeedCharset, DecodesTheDeclaredLegacyEncoding)
{
    const FeedDocument feed = parse_fixture("miniflux/parser/testdata/encoding_WINDOWS-1251.xml");
    EXPECT_EQ(feed.encoding, "windows-1251");
    ASSERT_EQ(feed.entries.size(), 50u);
    EXPECT_EQ(feed.entries[0].title, "\xD0\xA6\xD0\xB8\xD1\x82\xD0\xB0\xD1\x82\xD0\xB0 #17703"); // "Цитата #17703"
    EXPECT_EQ(parse_fixture("miniflux/encoding/testdata/windows-1252.xml").title, "Euro \xE2\x82\xAC");
}

TEST(FeedCharset, RecoversUtf8BytesUnderAWrongDeclaration)
{
    const FeedDocument feed = parse_fixture("miniflux/encoding/testdata/utf8-incorrect-prolog.xml");
    EXPECT_EQ(feed.encoding, "utf-8");
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].title, "Caf\xC3\xA9");
}

TEST(FeedCharset, FallsBackToDetectionAndSetsBozoWhenUndeclaredBytesAreNotUtf8)
{
    const FeedDocument feed = parse_fixture("feedparser/illformed/chardet/koi8r.xml");
    EXPECT_EQ(feed.encoding, "koi8-r");
    EXPECT_TRUE(feed.bozo);
    const FeedDocument french = parse_fixture("miniflux/parser/testdata/no_encoding_ISO-8859-1.xml");
    ASSERT_EQ(french.entries.size(), 10u);
    EXPECT_EQ(french.entries[9].title, "Psychologue \xC3\xA0 domicile : de la clinique \xC3\xA0 l'\xC3\xA9tat brut");
}

TEST(FeedCharset, IgnoresAnUnknownLabelAndReadsUtf8)
{
    const FeedDocument feed = parse_fixture("miniflux/encoding/testdata/invalid-prolog.xml");
    EXPECT_EQ(feed.encoding, "utf-8");
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].title, "Caf\xC3\xA9");
}

TEST(FeedCharset, ReadsEbcdicFeeds)
{
    const FeedDocument feed = parse_fixture("synthetic/charsets/cp037.xml");
    EXPECT_EQ(feed.encoding, "cp037");
    EXPECT_EQ(feed.title, "\xC3\x98"); // byte 0x80 in cp037 is U+00D8
}

TEST(FeedCharset, UsesIcuForCodecsGlibcLacksAndKeepsTheDeclaredName)
{
    const FeedDocument greek = parse_fixture("synthetic/charsets/macgreek.xml");
    EXPECT_EQ(greek.encoding, "macgreek");
    EXPECT_EQ(greek.title, "\xC3\x84"); // Mac Greek 0x80 is U+00C4
    EXPECT_EQ(parse_fixture("synthetic/charsets/csibm861.xml").encoding, "csibm861");
}

TEST(FeedCharset, DecodesGb2312AsItsSupersetGb18030)
{
    const auto options = options_with("http://example.com/", { { "Content-Type", "application/atom+xml" } });
    EXPECT_EQ(parse_fixture("feedparser/encoding/http_application_atom_xml_gb2312_encoding.xml", options).encoding, "gb18030");
}

TEST(FeedCharset, MapsC1ControlsToWindows1252Characters)
{
    const FeedDocument raw = parse_fixture("feedparser/encoding/demoronize-1.xml");
    ASSERT_EQ(raw.entries.size(), 1u);
    EXPECT_EQ(raw.entries[0].summary, "don\xE2\x80\x99t");
    const FeedDocument reference = parse_fixture("feedparser/encoding/demoronize-2.xml");
    EXPECT_EQ(reference.entries[0].summary, "don\xE2\x80\x99t");
}

TEST(FeedCharset, NonXmlMediaTypeMakesTheDocumentBozo)
{
    const auto options = options_with("http://example.com/", { { "Content-Type", "text/plain" } });
    EXPECT_TRUE(parse_fixture("feedparser/encoding/bozo_http_text_plain.xml", options).bozo);
}

TEST(FeedCharset, BytesThatDoNotFitTheEncodingBecomeReplacementCharacters)
{
    const auto decoded = decode_feed_bytes("\xEF\xBB\xBF<rss><channel><title>a\xFF" "b</title></channel></rss>", "");
    EXPECT_TRUE(decoded.bozo);
    EXPECT_NE(decoded.utf8.find("a\xEF\xBF\xBD" "b"), std::string::npos);
}

TEST(FeedCharset, SingleByteTablesAgreeWithStreamingConversion)
{
    std::string all_bytes;
    for (int value = 0x20; value < 0x100; ++value)
        all_bytes += static_cast<char>(value);
    auto table = parse::convert_to_utf8(all_bytes, "koi8-r");
    ASSERT_TRUE(table);
    EXPECT_FALSE(table->lossy);
    EXPECT_NE(table->utf8.find("\xD0\xB0"), std::string::npos); // 'а' (0xC1 in KOI8-R)
    EXPECT_TRUE(parse::is_utf8(table->utf8));
    EXPECT_FALSE(parse::is_utf8("\xC0\x80"));       // overlong
    EXPECT_FALSE(parse::is_utf8("\xED\xA0\x80"));   // surrogate
    EXPECT_TRUE(parse::is_utf8("plain ascii text, longer than eight bytes"));
}

TEST(FeedCharset, KeepsDamagedUtf8AsUtf8AndOnlyDetectsLegacyText)
{
    // Mostly well-formed UTF-8 with two stray bytes: still UTF-8, the strays become U+FFFD.
    const FeedDocument damaged = parse_ok("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>\xF0\x9D\x90\x94\xF0\x9D\x90\x93 "
                                          "\xF0\x9D\x92\x86\xF0\x9D\x92\x93\xFF\xFE</title></channel></rss>");
    EXPECT_EQ(damaged.encoding, "utf-8");
    EXPECT_TRUE(damaged.bozo);
    EXPECT_EQ(damaged.title, "\xF0\x9D\x90\x94\xF0\x9D\x90\x93 \xF0\x9D\x92\x86\xF0\x9D\x92\x93\xEF\xBF\xBD\xEF\xBF\xBD");
    // Latin-1 text under a UTF-8 declaration: no valid sequence at all, so detection decides.
    const std::string french = "Le caf\xE9 \xE9tait d\xE9j\xE0 pr\xEAt quand la f\xEAte a commenc\xE9 \xE0 l'h\xF4tel; "
                               "les \xE9l\xE8ves ont r\xE9p\xE9t\xE9 la le\xE7on de fran\xE7" "ais apr\xE8s le d\xEEner.";
    const FeedDocument latin = parse_ok("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><title>" + french + "</title></channel></rss>");
    EXPECT_TRUE(latin.bozo);
    EXPECT_NE(latin.encoding, "utf-8");
    EXPECT_TRUE(latin.title.starts_with("Le caf\xC3\xA9 \xC3\xA9tait d\xC3\xA9j\xC3\xA0 pr\xC3\xAAt")) << latin.title;
}

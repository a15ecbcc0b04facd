// tests/parse/feed/illformed_test.cpp — the lenient path: documents a strict XML parser rejects
// still yield their entries, with bozo set; caps and entity rules keep hostile input cheap.
#include "parse/feed/xml_repair.hpp"
#include "parse/feed/xml_scan.hpp"
#include "parse/text/entities.hpp"
#include "test_support.hpp"

#include <chrono>

using namespace feedkeeper;
using namespace feedkeeper::testing;

TEST(FeedIllformed, DecodesHtmlNamedEntitiesThatXmlDoesNotDefine)
{
    const FeedDocument feed = parse_fixture("feedparser/entities/aelig.xml");
    EXPECT_EQ(feed.title, "testing \xC3\xA6 entity");
    EXPECT_TRUE(feed.bozo);
    EXPECT_EQ(parse_fixture("feedparser/entities/upper_THORN.xml").title, "testing \xC3\x9E entity");
    EXPECT_EQ(parse_fixture("feedparser/entities/lang.xml").title, "testing \xE2\x8C\xA9 entity"); // HTML 4's U+2329
}

TEST(FeedIllformed, KeepsUndefinedEntitiesAsText)
{
    EXPECT_EQ(parse_fixture("feedparser/entities/doesnotexist.xml").title, "testing &doesnotexist; entity");
}

TEST(FeedIllformed, EscapesBareAmpersandsAndStillDecodesLaterEntities)
{
    const FeedDocument feed = parse_fixture("gofeed/rss/issue_305_bare_ampersand.xml");
    EXPECT_TRUE(feed.bozo);
    EXPECT_EQ(feed.title, "Fish & Chips & more <3");
    EXPECT_EQ(parse_fixture("gofeed/rss/issue_320_legacy_entity_prefix.xml").title, "?page=1&copy=2;mode=x & done");
}

TEST(FeedIllformed, DropsControlCharacters)
{
    const FeedDocument feed = parse_ok("<rss><channel><title>a\x01" "b\x0C" "c</title><item><title>i</title></item></channel></rss>");
    EXPECT_TRUE(feed.bozo);
    EXPECT_EQ(feed.title, "abc");
    EXPECT_EQ(feed.entries.size(), 1u);
}

TEST(FeedIllformed, SkipsJunkBeforeTheXmlDeclaration)
{
    const FeedDocument feed = parse_ok("garbage from a PHP warning\n<?xml version=\"1.0\"?><rss><channel><title>t</title></channel></rss>");
    EXPECT_TRUE(feed.bozo);
    EXPECT_EQ(feed.title, "t");
}

TEST(FeedIllformed, RecoversTheItemsOfATruncatedDocument)
{
    const FeedDocument feed = parse_ok("<rss version='2.0'><channel><title>t</title><item><title>one</title></item><item><title>two</title><link>http://ex");
    EXPECT_TRUE(feed.bozo);
    ASSERT_EQ(feed.entries.size(), 2u);
    EXPECT_EQ(feed.entries[1].title, "two");
    EXPECT_EQ(feed.entries[1].link, "http://ex");
    EXPECT_TRUE(parse_fixture("feedparser/illformed/rss_incomplete_cdata.xml").bozo);
    EXPECT_TRUE(parse_fixture("feedparser/illformed/aaa_illformed.xml").bozo);
}

TEST(FeedIllformed, ClosesMismatchedTagsAndFixesAttributes)
{
    const FeedDocument feed = parse_ok("<rss><channel><item><title>a < b</title><description><p>open</description>"
                                       "<enclosure url=http://e.x/a.mp3 type='audio/mpeg' length=\"3\" length=\"4\"/></item>"
                                       "<item><title>second</title></item></channel></rss>");
    EXPECT_TRUE(feed.bozo);
    ASSERT_EQ(feed.entries.size(), 2u);
    EXPECT_EQ(feed.entries[0].title, "a < b");
    ASSERT_EQ(feed.entries[0].enclosures.size(), 1u);
    EXPECT_EQ(feed.entries[0].enclosures[0].url, "http://e.x/a.mp3");
    EXPECT_EQ(feed.entries[0].enclosures[0].length, "3");
}

TEST(FeedIllformed, UndeclaredNamespacePrefixMakesTheDocumentBozo)
{
    EXPECT_TRUE(parse_fixture("feedparser/illformed/undeclared_namespace.xml").bozo);
    const FeedDocument feed = parse_ok("<rss><channel><item><content:encoded>body</content:encoded></item></channel></rss>");
    EXPECT_EQ(feed.entries.at(0).content, "body"); // read by its conventional prefix all the same
}

TEST(FeedIllformed, AWellFormedDocumentWithADoctypeIsNotBozo)
{
    const FeedDocument feed = parse_fixture("feedparser/illformed/always_strip_doctype.xml");
    EXPECT_FALSE(feed.bozo);
    EXPECT_EQ(feed.title, "found");
}

TEST(FeedIllformed, NeverExpandsInternalDtdEntities)
{
    // No DTD processing: &id; is not XML's or HTML's, so it stays text (feedparser would expand it).
    EXPECT_EQ(parse_fixture("feedparser/wellformed/rss/entity_in_doctype.xml").entries.at(0).id, "&id;2006-05-04:/blog/");
}

TEST(FeedIllformed, ABillionLaughsDocumentIsCheap)
{
    std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
    for (int level = 1; level <= 9; ++level) {
        doc += "<!ENTITY lol" + std::to_string(level) + " \"";
        for (int copy = 0; copy < 10; ++copy)
            doc += "&lol" + (level == 1 ? std::string() : std::to_string(level - 1)) + ";";
        doc += "\">";
    }
    doc += "]><rss><channel><title>&lol9;</title></channel></rss>";
    const auto start = std::chrono::steady_clock::now();
    const FeedDocument feed = parse_ok(doc);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
    EXPECT_EQ(feed.title, "&lol9;");
}

TEST(FeedIllformed, ItemsPastTheCapMarkTheDocumentTruncated)
{
    parse::FeedParseOptions options;
    options.limits.max_entries = 10;
    std::string rss = "<rss><channel>";
    std::string json = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"t\", \"items\": [";
    for (int i = 0; i < 11; ++i) {
        rss += "<item><title>" + std::to_string(i) + "</title></item>";
        json += std::string(i ? "," : "") + "{\"id\": \"" + std::to_string(i) + "\"}";
    }
    rss += "</channel></rss>";
    json += "]}";
    for (const std::string& document : { rss, json }) {
        const FeedDocument capped = parse_ok(document, options);
        EXPECT_EQ(capped.entries.size(), 10u);
        EXPECT_TRUE(capped.truncated) << document.substr(0, 20);
    }
    options.limits.max_entries = 11;
    EXPECT_FALSE(parse_ok(rss, options).truncated) << "exactly at the cap drops nothing";
    EXPECT_FALSE(parse_ok(json, options).truncated);
}

TEST(FeedIllformed, CapsDocumentSizeEntriesTextAndDepth)
{
    parse::FeedParseOptions options;
    options.limits.max_document_bytes = 100;
    auto too_large = parse::parse_feed(std::string(101, ' '), options);
    ASSERT_FALSE(too_large);
    EXPECT_EQ(too_large.error().code, Errc::too_large);

    std::string many = "<rss><channel>";
    for (int i = 0; i < 50; ++i)
        many += "<item><title>" + std::to_string(i) + "</title></item>";
    many += "</channel></rss>";
    options = {};
    options.limits.max_entries = 10;
    options.limits.max_text_bytes = 5;
    EXPECT_EQ(parse_ok(many, options).entries.size(), 10u);
    const FeedDocument long_title = parse_ok("<rss><channel><title>\xC3\xA4\xC3\xA4\xC3\xA4</title></channel></rss>", options);
    EXPECT_EQ(long_title.title, "\xC3\xA4\xC3\xA4"); // cut at 5 bytes, not inside a character

    std::string deep = "<feed xmlns='http://www.w3.org/2005/Atom'><entry><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>";
    for (int i = 0; i < 100000; ++i)
        deep += "<b>";
    deep += "x</content></entry></feed>";
    options = {};
    options.limits.max_depth = 50;
    const FeedDocument nested = parse_ok(deep, options);
    ASSERT_EQ(nested.entries.size(), 1u);
    EXPECT_LT(nested.entries[0].content.size(), 51u * 7u);

    auto deep_json = parse::parse_feed("{\"items\": " + std::string(100000, '['), options);
    ASSERT_FALSE(deep_json);
    EXPECT_EQ(deep_json.error().code, Errc::too_deep);
}

TEST(FeedIllformed, RepairReportsNothingForAWellFormedDocument)
{
    const auto repaired = parse::repair_xml("<a x=\"1\"><![CDATA[ & < ]]><b>t &amp; &#38;</b></a>");
    EXPECT_EQ(repaired.fixes, 0u);
    EXPECT_FALSE(parse::scan_document("<a>&amp;&#x26;&lt;</a>").needs_repair);
    EXPECT_TRUE(parse::scan_document("<a>&eacute;</a>").needs_repair);
}

TEST(FeedIllformed, EntityTableIsSortedAndComplete)
{
    EXPECT_EQ(parse::html_entity_count, 2125u);
    for (std::size_t i = 1; i < parse::html_entity_count; ++i)
        EXPECT_LT(parse::html_entity_table[i - 1].name, parse::html_entity_table[i].name);
    ASSERT_NE(parse::find_html_entity("eacute"), nullptr);
    EXPECT_EQ(parse::find_html_entity("eacute")->value, "\xC3\xA9");
    EXPECT_TRUE(parse::find_html_entity("copy")->legacy);
    EXPECT_EQ(parse::find_html_entity("NotNestedGreaterGreater")->value, "\xE2\xAA\xA2\xCC\xB8");
    EXPECT_EQ(parse::find_html_entity("nosuchentity"), nullptr);
}

TEST(FeedIllformed, RepairIsLinearInStrayEndTags)
{
    // Each stray end tag once searched the whole stack of open elements: 100,000 open and
    // 1,000,000 stray took hours. Within CTest's timeout only if the lookup does not walk the stack.
    const std::size_t open = 100'000;
    const std::size_t stray = 1'000'000;
    std::string xml = "<r>";
    for (std::size_t i = 0; i < open; ++i)
        xml += "<a>";
    for (std::size_t i = 0; i < stray; ++i)
        xml += "</b>";
    xml += "</r>";
    const auto repaired = parse::repair_xml(xml);

    std::string expected = "<r>";
    for (std::size_t i = 0; i < open; ++i)
        expected += "<a>";
    for (std::size_t i = 0; i < open; ++i)
        expected += "</a>";
    expected += "</r>";
    EXPECT_EQ(repaired.xml, expected);
    EXPECT_EQ(repaired.fixes, stray + 1); // each stray </b>, and </r> closing the <a>s
    EXPECT_EQ(repaired.first_problem, "a stray end tag </b>");
}

TEST(FeedIllformed, RepairClosesToTheNearestMatchingStartTag)
{
    const auto repaired = parse::repair_xml("<r><a><b><a><c></a>t</b></q></r>");
    EXPECT_EQ(repaired.xml, "<r><a><b><a><c></c></a>t</b></a></r>");
    EXPECT_EQ(repaired.fixes, 3u); // <c> closed by </a>, stray </q>, <a> closed by </r>
}

TEST(FeedIllformed, RepairIsLinearInRepeatedAttributes)
{
    // Each attribute was compared with every earlier one of its tag: 500,000 took many minutes.
    const std::size_t count = 500'000;
    std::string xml = "<r";
    std::string expected = "<r";
    for (std::size_t i = 0; i < count; ++i) {
        const std::string name = " a" + std::to_string(i);
        xml += name + "=\"1\"" + name + "='2'";
        expected += name + "=\"1\"";
    }
    xml += " a0=\"3\"/>";
    expected += "/>";
    const auto repaired = parse::repair_xml(xml);
    EXPECT_EQ(repaired.xml, expected);
    EXPECT_EQ(repaired.fixes, count + 1);
    EXPECT_EQ(repaired.first_problem, "a repeated attribute");
}

namespace {

// xmlns:p0="urn:p0" … xmlns:p<count-1>="urn:p<count-1>"
std::string prefix_declarations(std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count; ++i)
        out += " xmlns:p" + std::to_string(i) + "=\"urn:p" + std::to_string(i) + "\"";
    return out;
}

} // namespace

TEST(FeedIllformed, NamespaceLookupsDoNotWalkEveryDeclarationInScope)
{
    // Each element name was resolved by walking every declaration in scope, innermost first, and
    // the default namespace is the outermost: 500,000 declarations and 1,000,000 elements took hours.
    std::string xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"" + prefix_declarations(500'000) + ">";
    for (int i = 0; i < 1'000'000; ++i)
        xml += "<x/>";
    xml += "<title>many</title><entry><p7:x/><title>only</title></entry></feed>";
    const FeedDocument feed = parse_ok(xml);
    EXPECT_FALSE(feed.bozo);
    EXPECT_EQ(feed.title, "many");
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].title, "only");
}

TEST(FeedIllformed, SerializingManyPrefixedAttributesIsLinear)
{
    // Each prefixed attribute of xhtml content looked its prefix up among all declarations in scope
    // and among those already written: 500,000 attributes took many minutes.
    const std::size_t count = 500'000;
    std::string xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\"" + prefix_declarations(count)
        + "><entry><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><span";
    std::string expected = "<span";
    for (std::size_t i = 0; i < count; ++i) {
        const std::string prefix = "p" + std::to_string(i);
        xml += " " + prefix + ":a=\"1\"";
        expected += " xmlns:" + prefix + "=\"urn:" + prefix + "\" " + prefix + ":a=\"1\"";
    }
    xml += ">s</span></div></content></entry></feed>";
    expected += ">s</span>";
    parse::FeedParseOptions options;
    options.limits.max_text_bytes = 64 * 1024 * 1024;
    const FeedDocument feed = parse_ok(xml, options);
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].content, expected);
}

TEST(FeedIllformed, InnerNamespaceDeclarationsShadowOuterOnesOnlyWhileInScope)
{
    const FeedDocument feed = parse_ok(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:a=\"urn:outer\"><entry><title>t</title>"
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
        "<p xmlns:a=\"urn:inner\"><b a:x=\"1\">i</b></p><p a:y=\"2\">o</p></div></content></entry></feed>");
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].content,
        "<p><b xmlns:a=\"urn:inner\" a:x=\"1\">i</b></p><p xmlns:a=\"urn:outer\" a:y=\"2\">o</p>");
}

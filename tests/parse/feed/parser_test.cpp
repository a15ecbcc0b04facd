// tests/parse/feed/parser_test.cpp — formats and vocabularies: RSS 0.9x/1.0/2.0, Atom 0.3/1.0,
// CDF, JSON Feed; text constructs; the modules news feeds use.
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::testing;

TEST(FeedParser, ReadsAnRss2ItemWithItsModules)
{
    const FeedDocument feed = parse_ok(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>News &amp; more</title><link>https://example.com/</link><language>de-DE</language>
  <atom:link rel="self" href="https://example.com/feed.xml"/>
  <lastBuildDate>Tue, 06 Dec 2022 10:00:00 +0100</lastBuildDate>
  <item>
    <title>First</title>
    <link>https://example.com/1</link>
    <guid isPermaLink="false">urn:example:1</guid>
    <description>&lt;p&gt;Teaser&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>
    <dc:creator>Erika Mustermann</dc:creator>
    <category>Politik</category><dc:subject>Inland</dc:subject>
    <pubDate>Tue, 06 Dec 2022 09:14:00 +0000</pubDate>
    <enclosure url="https://example.com/a.mp3" type="audio/mpeg" length="12216320"/>
    <media:thumbnail url="https://example.com/t.jpg"/>
  </item>
</channel></rss>)");
    EXPECT_EQ(feed.format, FeedFormat::rss20);
    EXPECT_EQ(feed.title, "News & more");
    EXPECT_EQ(feed.link, "https://example.com/");
    EXPECT_EQ(feed.self_link, "https://example.com/feed.xml");
    EXPECT_EQ(feed.language, "de-DE");
    EXPECT_EQ(format_rfc3339(feed.updated), "2022-12-06T09:00:00Z");
    ASSERT_EQ(feed.entries.size(), 1u);
    const FeedEntry& entry = feed.entries[0];
    EXPECT_EQ(entry.title, "First");
    EXPECT_EQ(entry.link, "https://example.com/1");
    EXPECT_EQ(entry.id, "urn:example:1");
    EXPECT_FALSE(entry.id_is_permalink);
    EXPECT_EQ(entry.summary, "<p>Teaser</p>");
    EXPECT_EQ(entry.content, "<p>Full <b>text</b></p>");
    EXPECT_EQ(entry.content_kind, TextKind::html);
    EXPECT_EQ(entry.author, "Erika Mustermann");
    EXPECT_EQ(entry.categories, (std::vector<std::string> { "Politik", "Inland" }));
    EXPECT_EQ(format_rfc3339(entry.published), "2022-12-06T09:14:00Z");
    ASSERT_EQ(entry.enclosures.size(), 1u);
    EXPECT_EQ(entry.enclosures[0].url, "https://example.com/a.mp3");
    EXPECT_EQ(entry.enclosures[0].type, "audio/mpeg");
    EXPECT_EQ(entry.enclosures[0].length, "12216320");
    EXPECT_EQ(entry.thumbnail, "https://example.com/t.jpg");
}

TEST(FeedParser, TakesAPermalinkGuidAsLinkOnlyWhenThereIsNoLink)
{
    EXPECT_EQ(parse_fixture("feedparser/wellformed/rss/item_guid_isPermaLink_map_link.xml").entries.at(0).link, "http://guid.example.com/");
    EXPECT_TRUE(parse_fixture("feedparser/wellformed/rss/item_guid_not_permalink.xml").entries.at(0).link.empty());
    EXPECT_EQ(parse_fixture("gofeed/rss/rss_channel_item_links.xml").entries.at(0).link, "http://example3.org");
}

TEST(FeedParser, ReadsTheAuthorsNameWithoutEmail)
{
    EXPECT_EQ(parse_fixture("feedparser/wellformed/rss/item_author_map_author_detail_name3.xml").entries.at(0).author, "Example editor");
    EXPECT_EQ(parse::parse_feed("<rss><channel><item><author>Jo Doe &lt;jo@example.com&gt;</author></item></channel></rss>")->entries.at(0).author, "Jo Doe");
}

TEST(FeedParser, ReadsRdfFeedsAndIgnoresForeignElementsWithCoreNames)
{
    const FeedDocument feed = parse_fixture("feedparser/wellformed/namespace/rss1.0withModulesNoDefNSLocalNameClash.xml");
    EXPECT_EQ(feed.format, FeedFormat::rss10);
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].summary, "correct description");
    const FeedDocument heise = parse_fixture("miniflux/parser/testdata/rdf_UTF8.xml");
    EXPECT_EQ(heise.entries.size(), 60u);
    EXPECT_EQ(heise.title, "heise online News");
}

TEST(FeedParser, TakesAnRss10ItemsRdfAboutAsItsIdentityWhenItNamesNoOther)
{
    const FeedDocument feed = parse_ok(R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:x="urn:example:other">
  <channel rdf:about="https://example.com/rss"><title>RDF</title><link>https://example.com/</link></channel>
  <item rdf:about="https://example.com/news/1?from=rss"><title>Absolute</title><link>https://example.com/news/1</link></item>
  <item rdf:about="news/2"><title>Relative</title></item>
  <item rdf:about="https://example.com/news/3"><title>Has an identifier</title><dc:identifier>urn:example:3</dc:identifier></item>
  <item x:about="https://example.com/news/4"><title>Another vocabulary's about</title><link>https://example.com/news/4</link></item>
</rdf:RDF>)",
        options_with("https://example.com/feeds/rss"));
    EXPECT_EQ(feed.format, FeedFormat::rss10);
    ASSERT_EQ(feed.entries.size(), 4u);
    EXPECT_EQ(feed.entries[0].id, "https://example.com/news/1?from=rss");
    EXPECT_EQ(feed.entries[0].link, "https://example.com/news/1") << "the link stays the item's own";
    EXPECT_EQ(feed.entries[1].id, "https://example.com/feeds/news/2") << "a URI reference, resolved against the document";
    EXPECT_TRUE(feed.entries[1].link.empty());
    EXPECT_EQ(feed.entries[2].id, "urn:example:3") << "dc:identifier names the item";
    EXPECT_TRUE(feed.entries[3].id.empty()) << "only rdf:about";
    // RSS 2.0 has no rdf:about: an item without guid stays without id.
    const FeedDocument rss2 = parse_ok(R"(<rss version="2.0" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel><title>T</title>
  <item rdf:about="https://example.com/a"><title>A</title><guid>g-1</guid></item></channel></rss>)");
    ASSERT_EQ(rss2.entries.size(), 1u);
    EXPECT_EQ(rss2.entries[0].id, "g-1");
}

TEST(FeedParser, ReadsAtom10TextConstructsOfEveryType)
{
    const FeedDocument feed = parse_ok(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="html">A &amp;lt;b&amp;gt; title</title>
  <link rel="alternate" type="text/html" href="https://example.org/"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <entry>
    <title type="text">Plain &lt;title&gt;</title>
    <id>tag:example.org,2003:3.2397</id>
    <published>2003-12-13T08:29:29-04:00</published>
    <updated>2003-12-13T18:30:02Z</updated>
    <author><name>Mark</name><email>mark@example.org</email></author>
    <category term="cat1" label="Category"/>
    <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b><br/></p></div></summary>
    <content type="application/octet-stream">SGVsbG8=</content>
    <link rel="enclosure" type="video/mp4" href="https://example.org/m.mp4" length="42"/>
  </entry>
</feed>)");
    EXPECT_EQ(feed.format, FeedFormat::atom10);
    EXPECT_EQ(feed.title, "A &lt;b&gt; title");
    EXPECT_EQ(feed.link, "https://example.org/");
    EXPECT_EQ(feed.language, "en");
    ASSERT_EQ(feed.entries.size(), 1u);
    const FeedEntry& entry = feed.entries[0];
    EXPECT_EQ(entry.title, "Plain <title>");
    EXPECT_EQ(entry.title_kind, TextKind::plain);
    EXPECT_EQ(entry.id, "tag:example.org,2003:3.2397");
    EXPECT_EQ(format_rfc3339(entry.published), "2003-12-13T12:29:29Z");
    EXPECT_EQ(entry.author, "Mark");
    EXPECT_EQ(entry.categories, std::vector<std::string> { "cat1" });
    EXPECT_EQ(entry.summary, "<p>Hello <b>world</b><br /></p>");
    EXPECT_EQ(entry.summary_kind, TextKind::html);
    EXPECT_EQ(entry.content, "Hello");
    ASSERT_EQ(entry.enclosures.size(), 1u);
    EXPECT_EQ(entry.enclosures[0].length, "42");
}

TEST(FeedParser, LeavesUnknownTextMediaTypesUndecoded)
{
    EXPECT_EQ(parse_fixture("gofeed/atom/atom10_feed_entry_title_custom_type.xml").entries.at(0).title, "test");
    const FeedDocument feed = parse_fixture("gofeed/atom/issue_275_extensions_and_source.xml");
    ASSERT_EQ(feed.entries.size(), 4u);
    EXPECT_EQ(feed.entries[0].title, "e1"); // <source> inside the entry does not override it
    EXPECT_EQ(feed.entries[1].content, "hello");
    EXPECT_EQ(feed.entries[2].content, "{\"a\":1}");
}

TEST(FeedParser, ReadsAtom03EscapedAndBase64Modes)
{
    const FeedDocument escaped = parse_fixture("feedparser/wellformed/atom/entry_title_escaped_markup.xml");
    EXPECT_EQ(escaped.format, FeedFormat::atom03);
    EXPECT_EQ(escaped.entries.at(0).title, "Example <b>Atom</b>");
    EXPECT_EQ(parse_fixture("feedparser/wellformed/atom10/entry_content_base64.xml").entries.at(0).content, "Example <b>Atom</b>");
}

TEST(FeedParser, SerializesSvgInXhtmlContentWithItsNamespace)
{
    const FeedDocument feed = parse_fixture("feedparser/wellformed/namespace/atomsvg.xml");
    const std::string& content = feed.entries.at(0).content;
    EXPECT_NE(content.find("<svg "), std::string::npos);
    EXPECT_NE(content.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_EQ(content.find("svg:"), std::string::npos);
}

TEST(FeedParser, ReadsCdfChannels)
{
    const FeedDocument feed = parse_fixture("feedparser/wellformed/cdf/item_href_map_link.xml");
    EXPECT_EQ(feed.format, FeedFormat::cdf);
    EXPECT_EQ(feed.entries.at(0).link, "http://www.example.org/");
}

TEST(FeedParser, ReadsItunesAndMediaFallbacks)
{
    const FeedDocument itunes = parse_fixture("feedparser/wellformed/itunes/itunes_item_category_nested.xml");
    EXPECT_EQ(itunes.entries.at(0).categories, (std::vector<std::string> { "Technology", "Gadgets" }));
    EXPECT_EQ(parse_fixture("feedparser/wellformed/media-rss/item_media_title1.xml").entries.at(0).title, "bar");
}

TEST(FeedParser, ReadsXmlLangAsLanguageWithHyphens)
{
    EXPECT_EQ(parse_fixture("feedparser/wellformed/lang/feed_xml_lang_underscore.xml").language, "en-US");
    const auto options = options_with("", { { "Content-Language", "fr, en" } });
    EXPECT_EQ(parse_ok("<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title></feed>", options).language, "fr");
}

TEST(FeedParser, ReportsThePublishersPollIntervalHint)
{
    const FeedDocument ttl = parse_ok("<rss version='2.0'><channel><ttl>90</ttl></channel></rss>");
    EXPECT_EQ(ttl.update_interval, std::chrono::seconds(90 * 60));
    const FeedDocument sy = parse_ok(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        xmlns="http://purl.org/rss/1.0/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
        <channel><title>t</title><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel></rdf:RDF>)");
    EXPECT_EQ(sy.update_interval, std::chrono::seconds(1800));
}

TEST(FeedParser, ReadsJsonFeed)
{
    const FeedDocument feed = parse_ok(R"({
        "version": "https://jsonfeed.org/version/1.1", "title": "JSON", "home_page_url": "https://example.org/",
        "language": "en",
        "items": [{"id": "1", "url": "/posts/1", "title": "One", "content_html": "<p><a href=\"x\">x</a></p>",
                   "summary": "S", "date_published": "2020-01-02T03:04:05+01:00", "authors": [{"name": "Ann"}],
                   "tags": ["a", "b"], "attachments": [{"url": "https://example.org/a.mp3", "mime_type": "audio/mpeg", "size_in_bytes": 12}]}]
    })", options_with("https://example.org/feed.json"));
    EXPECT_EQ(feed.format, FeedFormat::json11);
    EXPECT_EQ(feed.title, "JSON");
    ASSERT_EQ(feed.entries.size(), 1u);
    const FeedEntry& entry = feed.entries[0];
    EXPECT_EQ(entry.link, "https://example.org/posts/1");
    EXPECT_EQ(entry.content, "<p><a href=\"https://example.org/posts/x\">x</a></p>");
    EXPECT_EQ(format_rfc3339(entry.published), "2020-01-02T02:04:05Z");
    EXPECT_EQ(entry.author, "Ann");
    EXPECT_EQ(entry.categories, (std::vector<std::string> { "a", "b" }));
    ASSERT_EQ(entry.enclosures.size(), 1u);
    EXPECT_EQ(entry.enclosures[0].length, "12");
}

TEST(FeedParser, RefusesDocumentsThatAreNoFeed)
{
    auto html = parse::parse_feed("<html><body>not a feed</body></html>");
    ASSERT_FALSE(html);
    EXPECT_EQ(html.error().code, Errc::parse);
    EXPECT_FALSE(parse::parse_feed("{\"not\": \"a feed\"}"));
    EXPECT_FALSE(parse::parse_feed(""));
}

TEST(FeedParser, PrefersTheHtmlAlternateAmongAtomLinks)
{
    const FeedDocument feed = parse_ok(R"(<feed xmlns="http://www.w3.org/2005/Atom">
  <link rel="alternate" type="application/rss+xml" href="https://example.org/rss"/>
  <link rel="alternate" type="text/html" href="https://example.org/"/>
  <entry><link rel="related" href="https://example.org/r"/><link href="https://example.org/1"/>
         <link rel="alternate" type="text/html" href="https://example.org/other"/></entry>
</feed>)");
    EXPECT_EQ(feed.link, "https://example.org/");
    EXPECT_EQ(feed.entries.at(0).link, "https://example.org/1"); // the first of equally good ones
}

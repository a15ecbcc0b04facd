// tests/parse/feed/fixtures_test.cpp — real-world feeds end to end (counts, titles, links).
#include "parse/feed/entry_identity.hpp"
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::testing;

TEST(FeedFixtures, ReadsGolemDeInIso88591)
{
    const FeedDocument feed = parse_fixture("miniflux/parser/testdata/encoding_ISO-8859-1.xml");
    EXPECT_FALSE(feed.bozo);
    EXPECT_EQ(feed.encoding, "iso-8859-1");
    EXPECT_EQ(feed.title, "Golem.de");
    ASSERT_EQ(feed.entries.size(), 40u);
    EXPECT_EQ(feed.entries[20].title, "Quartalszahlen: Intel legt 19-Milliarden-USD-Rekord vor");
    EXPECT_TRUE(feed.entries[20].link.starts_with("https://www.golem.de/news/quartalszahlen-intel-legt-19-mill"));
    for (const FeedEntry& entry : feed.entries)
        EXPECT_TRUE(entry.published.has_value()) << entry.title;
    const auto keys = parse::entry_keys(feed);
    EXPECT_EQ(keys.size(), 40u);
}

TEST(FeedFixtures, ReadsHeiseRdfWithUmlauts)
{
    const FeedDocument feed = parse_fixture("miniflux/parser/testdata/rdf_UTF8.xml");
    ASSERT_EQ(feed.entries.size(), 60u);
    EXPECT_EQ(feed.entries[0].title, "OLED-TVs: Vorsichtsma\xC3\x9Fnahmen gegen Einbrennen");
    EXPECT_TRUE(feed.entries[30].title.starts_with("Webhosting und Cloud Computing: Aus 1&1 und ProfitBricks"));
}

TEST(FeedFixtures, ReadsTheKoreanAttributeInEmbeddedHtml)
{
    const FeedDocument feed = parse_fixture("feedparser/encoding/euc-kr-attribute.xml");
    EXPECT_EQ(feed.encoding, "euc-kr");
    EXPECT_EQ(feed.entries.at(0).summary, "<img alt=\"\xEB\x85\x84\" />");
}

TEST(FeedFixtures, ReadsADateInANamedZoneOnlyWithADatabase)
{
    const FeedDocument without = parse_fixture("synthetic/dates/miniflux_003.xml");
    EXPECT_EQ(format_rfc3339(without.entries.at(0).published), "2023-03-31T20:19:00Z");
    parse::ZoneOffsetLookup pacific = [](std::string_view, Timestamp) -> std::optional<std::chrono::seconds> { return std::chrono::hours(-7); };
    parse::FeedParseOptions options;
    options.dates.zones = &pacific;
    EXPECT_EQ(format_rfc3339(parse_fixture("synthetic/dates/miniflux_003.xml", options).entries.at(0).published), "2023-04-01T03:19:00Z");
}

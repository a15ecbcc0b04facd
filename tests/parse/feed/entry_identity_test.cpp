// tests/parse/feed/entry_identity_test.cpp — entry keys for the store: guid, else link, else a hash.
#include "parse/feed/entry_identity.hpp"
#include "parse/feed/parser.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;
using parse::entry_keys;
using parse::EntryKeySource;

namespace {

FeedEntry entry(std::string id, std::string link, std::string title = "t")
{
    FeedEntry out;
    out.id = std::move(id);
    out.link = std::move(link);
    out.title = std::move(title);
    return out;
}

} // namespace

TEST(FeedIdentity, UsesGuidsWhenTheyAreReliable)
{
    FeedDocument feed;
    feed.entries = { entry("a", "http://x/1"), entry("b", "http://x/1") };
    const auto keys = entry_keys(feed);
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].key, "id:a");
    EXPECT_EQ(keys[1].source, EntryKeySource::id);
}

TEST(FeedIdentity, FallsBackToLinksWhenGuidsRepeatOrAreMissing)
{
    FeedDocument feed;
    feed.entries = { entry("same", "http://x/1?utm_source=feed"), entry("same", "http://x/2"), entry("", "http://x/3") };
    const auto keys = entry_keys(feed);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].key, "link:http://x/1");
    EXPECT_EQ(keys[1].source, EntryKeySource::link);
    EXPECT_EQ(keys[2].key, "link:http://x/3");
}

TEST(FeedIdentity, HashesTitleAndDateWhenNothingElseIdentifiesAnEntry)
{
    FeedDocument feed;
    feed.entries = { entry("", "", "one"), entry("", "", "two"), entry("", "", "one") };
    feed.entries[2].published = Timestamp(std::chrono::seconds(86400));
    const auto keys = entry_keys(feed);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0].source, EntryKeySource::content_hash);
    EXPECT_TRUE(keys[0].key.starts_with("sha256:"));
    EXPECT_NE(keys[0].key, keys[1].key);
    EXPECT_NE(keys[0].key, keys[2].key); // same title, different date
    EXPECT_EQ(entry_keys(feed)[0].key, keys[0].key); // stable
}

TEST(FeedIdentity, MixesSourcesPerEntryWhenNeitherFieldIsReliableForAll)
{
    FeedDocument feed;
    feed.entries = { entry("g1", ""), entry("", "http://x/2"), entry("", "") };
    const auto keys = entry_keys(feed);
    EXPECT_EQ(keys[0].key, "id:g1");
    EXPECT_EQ(keys[1].key, "link:http://x/2");
    EXPECT_EQ(keys[2].source, EntryKeySource::content_hash);
}

TEST(FeedIdentity, KeysRss10ItemsByTheirRdfAbout)
{
    // Two items with the same link (an RSS 1.0 feed of one page's sections): rdf:about tells them apart.
    auto feed = parse::parse_feed(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="https://example.com/rss"><title>RDF</title></channel>
  <item rdf:about="https://example.com/page#one"><title>One</title><link>https://example.com/page</link></item>
  <item rdf:about="https://example.com/page#two"><title>Two</title><link>https://example.com/page</link></item>
</rdf:RDF>)", {});
    ASSERT_TRUE(feed) << feed.error().message;
    const auto keys = entry_keys(*feed);
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].key, "id:https://example.com/page#one");
    EXPECT_EQ(keys[1].key, "id:https://example.com/page#two");
    EXPECT_EQ(keys[1].source, EntryKeySource::id);
}

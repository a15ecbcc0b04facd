// tests/store/backfills_test.cpp — schema 5 from an archive of the last release (schema 4), and the
// backfill table's page-and-cursor transaction: items stored once, the cursor moved with them.
#include "store_test_support.hpp"

#include "store/backfills.hpp"
#include "store/schema.hpp"

#include <filesystem>

namespace feedkeeper::store::testing {
namespace {

const std::string schema_4_archive = std::string(FEEDKEEPER_TEST_DATA) + "/archives/schema-4-release-79659f4.db";

EntryInput item(const std::string& url, const char* published)
{
    EntryInput input;
    input.key = "link:" + url;
    input.entry.link = url;
    input.entry.title = "Item " + url.substr(url.rfind('/') + 1);
    input.entry.published = at(published);
    input.link_is_unique = true;
    return input;
}

} // namespace

TEST(Backfills, ASchemaFourArchiveMigratesToBackfillsKeepingItsRecords)
{
    TemporaryDirectory directory;
    const std::string path = directory.file("archive.db");
    std::filesystem::copy_file(schema_4_archive, path);
    ASSERT_EQ(sql(path, "PRAGMA user_version"), "4");
    auto opened = Archive::open(path);
    ASSERT_TRUE(opened) << opened.error().message;
    Archive& archive = **opened;
    EXPECT_EQ(sql(path, "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_EQ(*archive.maintenance().integrity_check(), "ok");
    EXPECT_EQ(sql(path, "PRAGMA foreign_key_check"), "");
    EXPECT_EQ(sql(path, "SELECT count(*) FROM backfills"), "0");
    EXPECT_EQ(sql(path, "SELECT count(*) FROM entries WHERE discovered_by = 'feed'"), "6") << "the release's records stay as they were";
    EXPECT_EQ(sql(path, "SELECT count(*) FROM articles"), "5") << "4 articles and the consent wall's page";

    auto started = archive.backfills().start_or_resume({ .feed_id = 3, .source = "sitemap" }, at("2026-12-07T03:00:00Z"));
    ASSERT_TRUE(started) << started.error().message;
    EXPECT_EQ(started->state, BackfillState::running);
    EXPECT_EQ(started->feed_url, "http://127.0.0.1:18933/feed/");
    EXPECT_EQ(started->cursor, "{}");
}

TEST(Backfills, APageIsStoredOnceWithItsCursorAndAResumeFindsThatCursor)
{
    TemporaryDirectory directory;
    const std::string path = directory.file("archive.db");
    auto opened = Archive::open(path);
    ASSERT_TRUE(opened);
    Archive& archive = **opened;
    auto feed = archive.feeds().add({ .url = "https://news.example/feed/" });
    ASSERT_TRUE(feed);
    // A feed poll brought one item already.
    ASSERT_TRUE(archive.entries().save(feed->id, { item("https://news.example/2024/01/a-b-c/", "2024-01-02T00:00:00Z") }, at("2026-12-01T00:00:00Z")));

    auto backfill = archive.backfills().start_or_resume({ .feed_id = feed->id, .source = "paged" }, at("2026-12-07T03:00:00Z"));
    ASSERT_TRUE(backfill);
    const std::vector<EntryInput> page { item("https://news.example/2024/01/a-b-c/", "2024-01-02T00:00:00Z"),
        item("https://news.example/2023/12/d-e-f/", "2023-12-30T00:00:00Z"), item("https://news.example/2023/12/g-h-i/", "2023-12-29T00:00:00Z") };
    auto saved = archive.backfills().save_page(*backfill, page, "backfill:paged", 3, "paged", R"({"paged":{"page":2}})", at("2026-12-07T03:00:01Z"), 1000);
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(saved->new_items, 2);
    EXPECT_EQ(saved->known, 1);
    EXPECT_EQ(sql(path, "SELECT count(*) FROM jobs WHERE kind = 'backfill' AND state = 'pending'"), "2");
    EXPECT_EQ(sql(path, "SELECT group_concat(discovered_by, ',') FROM (SELECT discovered_by FROM entries ORDER BY id)"), "feed,backfill:paged,backfill:paged");

    // The same page again (a walk that lost its cursor): nothing new.
    auto again = archive.backfills().save_page(*backfill, page, "backfill:paged", 3, "paged", R"({"paged":{"page":2}})", at("2026-12-07T03:00:02Z"), 1000);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->new_items, 0);
    EXPECT_EQ(sql(path, "SELECT count(*) FROM entries"), "3");

    // A second start with the same options resumes it, cursor and counts included; other options supersede it.
    auto resumed = archive.backfills().start_or_resume({ .feed_id = feed->id, .source = "paged" }, at("2026-12-07T04:00:00Z"));
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->id, backfill->id);
    EXPECT_EQ(resumed->cursor, R"({"paged":{"page":2}})");
    EXPECT_EQ(resumed->queued, 2);
    EXPECT_EQ(resumed->pending, 2);
    auto other = archive.backfills().start_or_resume({ .feed_id = feed->id, .source = "sitemap" }, at("2026-12-07T04:00:00Z"));
    ASSERT_TRUE(other);
    EXPECT_NE(other->id, backfill->id);
    EXPECT_EQ(sql(path, "SELECT state FROM backfills WHERE id = " + std::to_string(backfill->id)), "stopped");
}

TEST(Backfills, AFeedItemWhosePageABackfillQueuedTakesThatJobAsTodays)
{
    TemporaryDirectory directory;
    const std::string path = directory.file("archive.db");
    auto opened = Archive::open(path);
    ASSERT_TRUE(opened);
    Archive& archive = **opened;
    auto feed = archive.feeds().add({ .url = "https://news.example/feed/" });
    ASSERT_TRUE(feed);
    auto backfill = archive.backfills().start_or_resume({ .feed_id = feed->id, .source = "sitemap" }, at("2026-12-07T03:00:00Z"));
    ASSERT_TRUE(backfill);
    const EntryInput page = item("https://news.example/2026/12/today/", "2026-12-07T02:00:00Z");
    ASSERT_TRUE(archive.backfills().save_page(*backfill, { page }, "backfill:sitemap", 1, "sitemap", "{}", at("2026-12-07T03:00:01Z"), 1000));
    ASSERT_EQ(sql(path, "SELECT group_concat(kind) FROM jobs WHERE state = 'pending'"), "backfill");

    // The feed announces the same page (under its own guid, with a tracking parameter): one job,
    // now at today's priority, and still one record.
    EntryInput announced = item("https://news.example/2026/12/today/?utm_source=rss", "2026-12-07T02:00:00Z");
    announced.key = "guid:today";
    ASSERT_TRUE(archive.entries().save(feed->id, { announced }, at("2026-12-07T03:00:02Z")));
    EXPECT_EQ(sql(path, "SELECT group_concat(kind) FROM jobs WHERE state = 'pending'"), "article") << "fetched once, not behind the past";
    EXPECT_EQ(sql(path, "SELECT count(*) FROM entries"), "1");

    // Another feed's item with that page (a new record of its own) takes the same job too.
    auto other = archive.feeds().add({ .url = "https://other.example/feed/" });
    ASSERT_TRUE(other);
    auto second = archive.backfills().start_or_resume({ .feed_id = other->id, .source = "sitemap" }, at("2026-12-07T03:00:03Z"));
    ASSERT_TRUE(second);
    const EntryInput older = item("https://news.example/2026/11/older/", "2026-11-07T02:00:00Z");
    ASSERT_TRUE(archive.backfills().save_page(*second, { older }, "backfill:sitemap", 1, "sitemap", "{}", at("2026-12-07T03:00:04Z"), 1000));
    ASSERT_TRUE(archive.entries().save(feed->id, { item("https://news.example/2026/11/older/", "2026-11-07T02:00:00Z") }, at("2026-12-07T03:00:05Z")));
    EXPECT_EQ(sql(path, "SELECT group_concat(kind, ',') FROM (SELECT kind FROM jobs WHERE state = 'pending' ORDER BY id)"), "article,article");
}

} // namespace feedkeeper::store::testing

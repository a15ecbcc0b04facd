// tests/store/migration_test.cpp — archives written by an earlier release (tests/data/archives)
// opened by this one: migrated in place, nothing they hold lost.
#include "store_test_support.hpp"

#include "store/schema.hpp"

#include <filesystem>
#include <map>

namespace feedkeeper::store::testing {
namespace {

const std::string release_archive = std::string(FEEDKEEPER_TEST_DATA) + "/archives/schema-2-release-0724d2f.db";
const std::string schema_3_archive = std::string(FEEDKEEPER_TEST_DATA) + "/archives/schema-3-release-206dea6.db";

class Migration : public ArchiveTest {
protected:
    void SetUp() override
    {
        std::filesystem::copy_file(release_archive, path());
        ASSERT_EQ(sql(path(), "PRAGMA user_version"), "2");
    }
};

} // namespace

TEST_F(Migration, AnArchiveOfTheLastReleaseKeepsEverythingItHolds)
{
    archive = open_archive();
    ASSERT_TRUE(archive);
    EXPECT_EQ(sql(path(), "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
    EXPECT_EQ(sql(path(), "PRAGMA foreign_key_check"), "");
    EXPECT_EQ(sql(path(), "PRAGMA page_size"), "4096") << "an existing archive keeps its pages (only new ones get 16 KiB)";
    auto stats = archive->reader().stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->feeds, 2);
    EXPECT_EQ(stats->articles, 4);
    EXPECT_EQ(stats->revisions, 4);
    EXPECT_EQ(stats->captures, 6);
    EXPECT_EQ(stats->pending_jobs, 2);
    auto other = archive->feeds().find("other");
    ASSERT_TRUE(other && *other);
    EXPECT_EQ((*other)->cookies, "consent=yes");
    EXPECT_EQ(sql(path(), "SELECT count(*) FROM site_blocks"), "22") << "the learned template survives";
    auto search = archive->reader().search("Haushalt", 10);
    ASSERT_TRUE(search);
    EXPECT_EQ(search->size(), 1u) << "the full-text index survives";
}

TEST_F(Migration, ThePendingJobsOfTheLastReleaseGetTheirHostsAndCanBeClaimed)
{
    archive = open_archive();
    ASSERT_TRUE(archive);
    auto jobs = archive->jobs().due(Timestamp::max(), 10);
    ASSERT_TRUE(jobs);
    ASSERT_EQ(jobs->size(), 2u);
    for (const Job& job : *jobs) {
        EXPECT_EQ(job.host, "127.0.0.1");
        EXPECT_EQ(job.kind, JobKind::article);
        EXPECT_EQ(job.attempts, 1);
        EXPECT_TRUE(job.entry_id && job.feed_id);
    }
    ASSERT_TRUE(archive->jobs().register_worker("test-worker", "test", at("2030-01-01T00:00:00Z")));
    WorkClaim claim;
    claim.worker = "test-worker";
    claim.now = at("2030-01-01T00:00:00Z");
    claim.horizon = claim.now;
    claim.lease_until = claim.now + std::chrono::minutes(5);
    auto work = archive->jobs().claim(claim);
    ASSERT_TRUE(work);
    EXPECT_EQ(work->jobs.size(), 2u);
    ASSERT_EQ(work->hosts.size(), 1u);
    EXPECT_EQ(work->hosts[0].host, "127.0.0.1");
}

TEST_F(Migration, AnArchiveOfSchemaOneKeepsItsLearnedSiteBlocks)
{
    // Schema 1 as released: site_blocks without seen_at.
    sql(path(), "DROP INDEX site_blocks_single");
    sql(path(), "ALTER TABLE site_blocks DROP COLUMN seen_at");
    sql(path(), "INSERT INTO site_blocks (host, fingerprint, pages) VALUES ('news.example', 42, 1)");
    sql(path(), "PRAGMA user_version = 1");
    archive = open_archive();
    ASSERT_TRUE(archive);
    EXPECT_EQ(sql(path(), "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_GT(std::stoll(sql(path(), "SELECT seen_at FROM site_blocks WHERE fingerprint = 42")), 1'700'000'000) << "counts as seen at the migration";
    EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
}

TEST(MigrationToRecords, AnArchiveOfSchemaThreeGetsARecordForEveryItem)
{
    TemporaryDirectory directory;
    const std::string path = directory.file("archive.db");
    std::filesystem::copy_file(schema_3_archive, path);
    ASSERT_EQ(sql(path, "PRAGMA user_version"), "3");
    auto opened = Archive::open(path);
    ASSERT_TRUE(opened) << opened.error().message;
    Archive& archive = **opened;
    EXPECT_EQ(sql(path, "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_EQ(*archive.maintenance().integrity_check(), "ok");
    EXPECT_EQ(sql(path, "PRAGMA foreign_key_check"), "");

    std::map<std::string, RevisionRecord> records;
    auto visited = archive.reader().for_each_revision({}, [&](const RevisionRecord& record) {
        EXPECT_TRUE(records.emplace(record.url, record).second) << "twice: " << record.url;
        return true;
    });
    ASSERT_TRUE(visited);
    ASSERT_EQ(records.size(), 6u) << "4 articles, the consent wall, the 404";
    std::size_t articles = 0;
    for (const auto& [url, record] : records)
        if (record.status == RecordStatus::article) {
            ++articles;
            EXPECT_EQ(record.body_source, BodySource::page);
            EXPECT_FALSE(record.body.empty());
        }
    EXPECT_EQ(articles, 4u);
    const RevisionRecord& wall = records["http://127.0.0.1:18932/wall/consent.html"];
    EXPECT_EQ(wall.status, RecordStatus::consent_wall) << "the page stored without a revision has one now";
    EXPECT_EQ(wall.revision, 1);
    EXPECT_EQ(wall.body_source, BodySource::none) << "the feed's text was not kept by schema 3";
    EXPECT_EQ(wall.title, "Record harvest") << "the item's title";
    EXPECT_TRUE(wall.capture_id) << "tied to its capture";
    const RevisionRecord& missing = records["http://127.0.0.1:18932/wall/missing.html"];
    EXPECT_TRUE(missing.from_entry());
    EXPECT_EQ(missing.status, RecordStatus::pending) << "its job is still queued";
    EXPECT_EQ(missing.title, "A gone story");

    auto stats = archive.reader().stats();
    ASSERT_TRUE(stats);
    std::map<RecordStatus, std::int64_t> counts(stats->records.begin(), stats->records.end());
    EXPECT_EQ(counts[RecordStatus::article], 4);
    EXPECT_EQ(counts[RecordStatus::consent_wall], 1);
    EXPECT_EQ(counts[RecordStatus::pending], 1);
    EXPECT_EQ(stats->revisions, 5);

    // The wall passed after the upgrade: the same record, a new revision, the counts moved.
    ArticleInput passed = article("http://127.0.0.1:18932/wall/consent.html", page("Record harvest", prose(9, 120)));
    auto saved = archive.articles().save(passed);
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->revision, 2);
    stats = archive.reader().stats();
    counts = std::map<RecordStatus, std::int64_t>(stats->records.begin(), stats->records.end());
    EXPECT_EQ(counts[RecordStatus::article], 5);
    EXPECT_EQ(counts[RecordStatus::consent_wall], 0);
}

} // namespace feedkeeper::store::testing

// tests/store/migration_test.cpp — archives written by an earlier release (tests/data/archives)
// opened by this one: migrated in place, nothing they hold lost.
#include "store_test_support.hpp"

#include "store/schema.hpp"

#include <filesystem>

namespace feedkeeper::store::testing {
namespace {

const std::string release_archive = std::string(FEEDKEEPER_TEST_DATA) + "/archives/schema-2-release-0724d2f.db";

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
    EXPECT_EQ(*archive->integrity_check(), "ok");
    EXPECT_EQ(sql(path(), "PRAGMA foreign_key_check"), "");
    auto stats = archive->stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->feeds, 2);
    EXPECT_EQ(stats->articles, 4);
    EXPECT_EQ(stats->revisions, 4);
    EXPECT_EQ(stats->captures, 6);
    EXPECT_EQ(stats->pending_jobs, 2);
    auto other = archive->find_feed("other");
    ASSERT_TRUE(other && *other);
    EXPECT_EQ((*other)->cookies, "consent=yes");
    EXPECT_EQ(sql(path(), "SELECT count(*) FROM site_blocks"), "22") << "the learned template survives";
    auto search = archive->search("Haushalt", 10);
    ASSERT_TRUE(search);
    EXPECT_EQ(search->size(), 1u) << "the full-text index survives";
}

TEST_F(Migration, ThePendingJobsOfTheLastReleaseGetTheirHostsAndCanBeClaimed)
{
    archive = open_archive();
    ASSERT_TRUE(archive);
    auto jobs = archive->due_jobs(Timestamp::max(), 10);
    ASSERT_TRUE(jobs);
    ASSERT_EQ(jobs->size(), 2u);
    for (const Job& job : *jobs) {
        EXPECT_EQ(job.host, "127.0.0.1");
        EXPECT_EQ(job.kind, JobKind::article);
        EXPECT_EQ(job.attempts, 1);
        EXPECT_TRUE(job.entry_id && job.feed_id);
    }
    ASSERT_TRUE(archive->register_worker("test-worker", "test", at("2030-01-01T00:00:00Z")));
    WorkClaim claim;
    claim.worker = "test-worker";
    claim.now = at("2030-01-01T00:00:00Z");
    claim.horizon = claim.now;
    claim.lease_until = claim.now + std::chrono::minutes(5);
    auto work = archive->claim_jobs(claim);
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
    EXPECT_EQ(*archive->integrity_check(), "ok");
}

} // namespace feedkeeper::store::testing

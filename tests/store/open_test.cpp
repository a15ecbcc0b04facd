// tests/store/open_test.cpp — opening the archive: migrations (fresh, idempotent, newer schema,
// foreign file), durability settings, and the failures a user can meet: a read-only file and a
// full disk (simulated with the archive's size cap, which fails exactly like ENOSPC: SQLITE_FULL).
#include "store_test_support.hpp"

#include "store/schema.hpp"

#include <sqlite3.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace feedkeeper::store::testing {
namespace {

using Open = ArchiveTest;

TEST_F(Open, FreshArchiveIsMigratedToTheCurrentSchemaInWalModeWith16KiBPages)
{
    EXPECT_EQ(sql(path(), "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_EQ(sql(path(), "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(sql(path(), "PRAGMA application_id"), std::to_string(0x464b5052));
    EXPECT_EQ(sql(path(), "PRAGMA page_size"), "16384") << "set before the first table, or SQLite keeps 4096";
    EXPECT_EQ(sql(path(), "PRAGMA auto_vacuum"), "2") << "incremental";
    EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
    auto stats = archive->reader().stats();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->articles, 0);
    EXPECT_EQ(stats->feeds, 0);
}

TEST_F(Open, ReopeningMigratesNothingAndKeepsTheData)
{
    add_feed("https://news.example/feed.xml");
    save(article("https://news.example/a", page("A", prose(1, 50))));
    archive.reset();
    archive = open_archive();
    archive = open_archive(); // twice: idempotent
    ASSERT_TRUE(archive);
    EXPECT_EQ(sql(path(), "PRAGMA user_version"), std::to_string(schema_version()));
    EXPECT_EQ(archive->reader().stats()->articles, 1);
    EXPECT_EQ(archive->feeds().list()->size(), 1u);
}

TEST_F(Open, ReadOnlyReaderSeesWhatTheWriterCommits)
{
    auto reader = open_archive(OpenMode::read_only);
    ASSERT_TRUE(reader);
    save(article("https://news.example/a", page("A", prose(1, 50))));
    EXPECT_EQ(reader->reader().stats()->articles, 1);
    EXPECT_FALSE(reader->feeds().add(NewFeed { .url = "https://x.example/" })) << "a reader cannot write";
}

TEST_F(Open, ArchiveWrittenByANewerFeedkeeperIsRefusedAndLeftAlone)
{
    archive.reset();
    sql(path(), "PRAGMA user_version = 99");
    for (OpenMode mode : { OpenMode::read_write, OpenMode::read_only }) {
        auto opened = Archive::open(path(), mode);
        ASSERT_FALSE(opened);
        EXPECT_EQ(opened.error().code, Errc::unsupported);
        EXPECT_NE(opened.error().message.find("newer feedkeeper"), std::string::npos) << opened.error().message;
    }
    EXPECT_EQ(sql(path(), "PRAGMA user_version"), "99");
}

TEST_F(Open, SqliteDatabaseOfAnotherProgramIsNotTouched)
{
    const std::string other = directory.file("other.db");
    sql(other, "CREATE TABLE notes (text TEXT)");
    auto opened = Archive::open(other);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, Errc::invalid_argument);
    EXPECT_NE(opened.error().message.find("not a feedkeeper archive"), std::string::npos) << opened.error().message;
    EXPECT_EQ(sql(other, "SELECT count(*) FROM sqlite_schema"), "1");
}

TEST_F(Open, ReaderOfAMissingArchiveSaysWhereItLooked)
{
    auto opened = Archive::open(directory.file("missing.db"), OpenMode::read_only);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, Errc::not_found);
    EXPECT_NE(opened.error().message.find("missing.db"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(directory.file("missing.db")));
}

// Root ignores file permissions; the test drops to an unprivileged file-system uid for the open.
class AsUnprivilegedUser {
public:
    AsUnprivilegedUser() : m_previous(geteuid() == 0 ? setfsuid(65534) : -1) { }
    ~AsUnprivilegedUser()
    {
        if (m_previous >= 0)
            setfsuid(static_cast<uid_t>(m_previous));
    }

private:
    int m_previous;
};

TEST_F(Open, ReadOnlyFileGivesAClearErrorAtOpenAndStaysIntact)
{
    save(article("https://news.example/a", page("A", prose(1, 50))));
    archive.reset(); // last connection closed: the WAL is checkpointed into the file
    ASSERT_EQ(chmod(path().c_str(), 0444), 0);
    ASSERT_EQ(chmod(directory.path().c_str(), 0777), 0); // the reader may still create its -shm
    {
        AsUnprivilegedUser unprivileged;
        auto opened = Archive::open(path(), OpenMode::read_write);
        ASSERT_FALSE(opened);
        EXPECT_EQ(opened.error().code, Errc::read_only);
        EXPECT_NE(opened.error().message.find("read-only"), std::string::npos) << opened.error().message;
        EXPECT_NE(opened.error().message.find(path()), std::string::npos) << opened.error().message;
    }
    ASSERT_EQ(chmod(path().c_str(), 0644), 0);
    archive = open_archive();
    EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
    EXPECT_EQ(archive->reader().stats()->articles, 1);
}

TEST_F(Open, FullDiskFailsTheWriteWithDiskFullAndLeavesTheArchiveConsistent)
{
    save(article("https://news.example/first", page("First", prose(1, 200))));
    archive.reset();
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(path()));
    archive = open_archive(OpenMode::read_write, ArchiveOptions { .max_bytes = size + 8192 });
    ASSERT_TRUE(archive);

    // A capture of random (incompressible) bytes larger than what is left.
    std::string big(512 * 1024, '\0');
    std::mt19937 random(7);
    for (char& c : big)
        c = static_cast<char>(random());
    ArticleInput input = article("https://news.example/big", page("Big", prose(2, 200)));
    input.response.body = big;
    auto saved = archive->articles().save(input);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().code, Errc::disk_full);
    EXPECT_NE(saved.error().message.find("disk is full"), std::string::npos) << saved.error().message;
    EXPECT_NE(saved.error().message.find("https://news.example/big"), std::string::npos) << saved.error().message;

    // Nothing of the failed article, everything before it; the connection stays usable.
    EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
    EXPECT_FALSE(*archive->articles().find("https://news.example/big"));
    EXPECT_TRUE(*archive->articles().find("https://news.example/first"));
    auto stats = archive->reader().stats();
    EXPECT_EQ(stats->articles, 1);
    EXPECT_EQ(stats->captures, 1);
    EXPECT_TRUE(archive->articles().save(article("https://news.example/small", page("Small", "A short text."))))
        << "a smaller write still fits: the failure left no statement or transaction behind";

    archive.reset(); // once space is back, the same article goes in
    archive = open_archive();
    EXPECT_TRUE(archive->articles().save(input));
    EXPECT_EQ(archive->reader().stats()->articles, 3);
}

TEST_F(Open, BusyArchiveWaitsForTheOtherWriterThenSucceeds)
{
    auto second = open_archive(OpenMode::read_write, ArchiveOptions { .busy_timeout = std::chrono::milliseconds(100) });
    ASSERT_TRUE(second);
    // The first connection holds the write lock in an open transaction of a plain connection.
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &holder), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    auto blocked = second->articles().save(article("https://news.example/a", page("A", "Text.")));
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::busy);
    EXPECT_NE(blocked.error().message.find("locked"), std::string::npos) << blocked.error().message;
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    EXPECT_TRUE(second->articles().save(article("https://news.example/a", page("A", "Text."))));
}

} // namespace
} // namespace feedkeeper::store::testing

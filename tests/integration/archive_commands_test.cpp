// tests/integration/archive_commands_test.cpp — the archive through the real binary after a
// crawl of the fixture: reextract works from stored captures without fetching, readers (export,
// search, status) work while another process holds the write lock, search folds diacritics,
// exports honour their filters, and prune purges nothing unless asked.
#include "tests/support/http_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace feedkeeper::testing;

namespace {

const std::string fixture = std::string(FEEDKEEPER_TEST_DATA) + "/caucasuswatch";

class ArchiveCommands : public ::testing::Test {
protected:
    void SetUp() override
    {
        server.serve_directory(fixture, "/");
        server.route("/feed/", TestResponse { .headers = { { "Content-Type", "application/rss+xml; charset=UTF-8" } },
                                   .body = replace_base(read_text_file(fixture + "/feed/index.xml"), server.base_url()) });
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
        ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed/" }).exit_code, 0);
        auto crawled = feedkeeper({ "crawl", "--once" });
        ASSERT_EQ(crawled.exit_code, 0) << crawled.err;
    }

    ProcessResult feedkeeper(std::vector<std::string> arguments)
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv, ProcessOptions { .timeout = std::chrono::milliseconds(30'000) });
    }

    std::size_t lines(const std::string& text)
    {
        std::size_t count = 0;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
            count += !line.empty();
        return count;
    }

    HttpTestServer server;
    TemporaryDirectory directory;
};

TEST_F(ArchiveCommands, ReextractRunsFromStoredCapturesWithoutFetching)
{
    server.clear_requests();
    auto reextracted = feedkeeper({ "reextract", "--all" });
    ASSERT_EQ(reextracted.exit_code, 0) << reextracted.err;
    EXPECT_TRUE(server.requests().empty()) << "nothing is fetched again";
    EXPECT_NE(reextracted.out.find("re-extracted: "), std::string::npos) << reextracted.out;
    EXPECT_NE(reextracted.out.find(", 0 failed"), std::string::npos) << reextracted.out;
    auto status = nlohmann::json::parse(feedkeeper({ "status", "--json" }).out);
    EXPECT_EQ(status["articles"], 4) << "no article duplicated by re-extraction";
    EXPECT_EQ(status["captures"], 6) << "the feed, robots.txt (a 404 here) and four pages; reextract stores no capture";
}

TEST_F(ArchiveCommands, ReadersWorkWhileAnotherProcessWrites)
{
    sqlite3* writer = nullptr;
    ASSERT_EQ(sqlite3_open(directory.file("archive.db").c_str(), &writer), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE; UPDATE feeds SET title = 'changing'", nullptr, nullptr, nullptr), SQLITE_OK);

    auto exported = feedkeeper({ "export", "--format", "jsonl" });
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    EXPECT_EQ(lines(exported.out), 4u);
    auto searched = feedkeeper({ "search", "hochwasser", "--json" });
    EXPECT_EQ(searched.exit_code, 0) << searched.err;
    auto status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(nlohmann::json::parse(status.out)["articles"], 4);

    sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(writer);
}

TEST_F(ArchiveCommands, SearchFromTheCommandLineFoldsDiacritics)
{
    auto searched = feedkeeper({ "search", "hauser", "--json" }); // the title says "Häuser"
    ASSERT_EQ(searched.exit_code, 0) << searched.err;
    const auto hits = nlohmann::json::parse(searched.out);
    ASSERT_FALSE(hits.empty());
    EXPECT_NE(hits[0]["url"].get<std::string>().find("hochwasser-in-dagestan"), std::string::npos) << hits.dump(2);
    EXPECT_FALSE(hits[0]["snippet"].get<std::string>().empty());
    auto nothing = feedkeeper({ "search", "zzzxqy" });
    EXPECT_EQ(nothing.exit_code, 0);
    EXPECT_NE(nothing.err.find("no matches"), std::string::npos);
}

TEST_F(ArchiveCommands, ExportsHonourFormatFeedAndDates)
{
    for (const char* format : { "csv", "md", "opml", "warc" }) {
        const std::string output = directory.file(std::string("out.") + format);
        auto exported = feedkeeper({ "export", "--format", format, "--output", output });
        EXPECT_EQ(exported.exit_code, 0) << format << ": " << exported.err;
        EXPECT_FALSE(read_text_file(output).empty()) << format;
    }
    EXPECT_EQ(lines(feedkeeper({ "export", "--format", "jsonl", "--feed", server.base_url() + "/feed/" }).out), 4u);
    EXPECT_EQ(lines(feedkeeper({ "export", "--format", "jsonl", "--since", "2030-01-01" }).out), 0u);
    auto bad = feedkeeper({ "export", "--format", "jsonl", "--since", "yesterday" });
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--since"), std::string::npos) << bad.err;
}

TEST_F(ArchiveCommands, OpmlExportIsReadBackByImportOpml)
{
    const std::string opml = directory.file("subscriptions.opml");
    ASSERT_EQ(feedkeeper({ "add", "https://other.example/rss?a=1&b=2", "--name", "Andere & Co" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "export", "--format", "opml", "--output", opml }).exit_code, 0);
    auto imported = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("second.db"), "--config", directory.file("feedkeeper.toml"), "import-opml", opml });
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto feeds = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("second.db"), "feeds", "--json" });
    ASSERT_EQ(feeds.exit_code, 0) << feeds.err;
    std::set<std::string> urls;
    for (const auto& feed : nlohmann::json::parse(feeds.out))
        urls.insert(feed["url"].get<std::string>());
    EXPECT_EQ(urls, (std::set<std::string> { server.base_url() + "/feed/", "https://other.example/rss?a=1&b=2" }));
}

TEST_F(ArchiveCommands, ReadOnlyArchiveFileIsAClearErrorForWritersAndFineForReaders)
{
    ASSERT_EQ(chmod(directory.file("archive.db").c_str(), 0444), 0);
    ASSERT_EQ(chmod(directory.path().c_str(), 0777), 0);
    // Root ignores permissions: run the binary as nobody (setpriv, util-linux) when we are root.
    std::vector<std::string> prefix;
    if (geteuid() == 0) {
        if (access("/usr/bin/setpriv", X_OK) != 0)
            GTEST_SKIP() << "running as root without setpriv: cannot make the file read-only for the binary";
        prefix = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups" };
    }
    auto as_user = [&](std::vector<std::string> arguments) {
        std::vector<std::string> argv = prefix;
        for (std::string part : { std::string(FEEDKEEPER_BINARY), std::string("--db"), directory.file("archive.db"), std::string("--config"), directory.file("feedkeeper.toml") })
            argv.push_back(part);
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    };
    auto added = as_user({ "add", "https://other.example/rss" });
    EXPECT_EQ(added.exit_code, 2) << added.err;
    EXPECT_EQ(added.err.rfind("feedkeeper: error: ", 0), 0u) << added.err;
    EXPECT_NE(added.err.find("read-only"), std::string::npos) << added.err;
    EXPECT_NE(added.err.find(directory.file("archive.db")), std::string::npos) << added.err;
    auto exported = as_user({ "export", "--format", "jsonl" });
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    EXPECT_EQ(lines(exported.out), 4u);
    ASSERT_EQ(chmod(directory.file("archive.db").c_str(), 0644), 0);
    EXPECT_EQ(nlohmann::json::parse(feedkeeper({ "status", "--json" }).out)["feeds"].size(), 1u) << "nothing was added";
}

TEST_F(ArchiveCommands, PrunePurgesNothingUnlessAPolicyIsGiven)
{
    auto refused = feedkeeper({ "prune" });
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("nothing is purged by default"), std::string::npos) << refused.err;
    auto dry = feedkeeper({ "prune", "--captures-older-than", "1d", "--dry-run" });
    ASSERT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_NE(dry.out.find("would drop the bodies of 0 captures"), std::string::npos) << dry.out;
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[store]\nkeep_captures = \"30d\"\n");
    auto pruned = feedkeeper({ "prune" });
    ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
    EXPECT_NE(pruned.out.find("dropped the bodies of 0 captures"), std::string::npos) << pruned.out;
    EXPECT_EQ(lines(feedkeeper({ "export", "--format", "jsonl" }).out), 4u);
}

int user_version(const std::string& path)
{
    sqlite3* db = nullptr;
    int version = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
        sqlite3_exec(db, "PRAGMA user_version", [](void* out, int, char** values, char**) { *static_cast<int*>(out) = std::atoi(values[0]); return 0; }, &version, nullptr);
    sqlite3_close(db);
    return version;
}

// An archive left by an older release (schema 3): a reading command migrates it when no daemon
// holds it, and leaves it alone (with the message saying what to do) when one does.
TEST(ArchiveCommandsUpgrade, AReadingCommandMigratesAnOldArchiveUnlessADaemonHoldsIt)
{
    TemporaryDirectory directory;
    const std::string archive = directory.file("archive.db");
    std::filesystem::copy_file(std::string(FEEDKEEPER_TEST_DATA) + "/archives/schema-3-release-206dea6.db", archive);
    const auto feedkeeper = [&](std::vector<std::string> arguments) {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", archive };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv, ProcessOptions { .timeout = std::chrono::milliseconds(30'000) });
    };
    ASSERT_EQ(user_version(archive), 3);

    // A daemon (here: whoever holds the archive's lock) may still run the old release.
    const int lock = ::open((archive + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(flock(lock, LOCK_EX | LOCK_NB), 0);
    auto refused = feedkeeper({ "status", "--json" });
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("has schema 3"), std::string::npos) << refused.err;
    EXPECT_EQ(user_version(archive), 3) << "not migrated under a running daemon";
    ::close(lock);

    auto status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_GT(user_version(archive), 3);
    const auto json = nlohmann::json::parse(status.out);
    EXPECT_EQ(json["feeds"].size(), 2u) << status.out;
    auto exported = feedkeeper({ "export", "--format", "jsonl" });
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    EXPECT_NE(exported.out.find("\"status\":\"consent_wall\""), std::string::npos) << exported.out;
}

} // namespace

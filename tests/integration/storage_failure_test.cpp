// tests/integration/storage_failure_test.cpp — issue 11, item 13: a full disk during a crawl. The
// archive's size cap (`[store] max_bytes`) fails a write exactly as ENOSPC does (SQLITE_FULL). A
// storage failure is not the server's fault: the article goes back to the queue as it was (no
// attempt counted, no back-off), the crawl says what is still pending and exits 1, and the next
// run, with room again, stores it.
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <random>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

constexpr int articles = 16;


// 256 KiB of letters zstd cannot shrink much, in a comment: the raw capture is what fills the disk.
std::string ballast(int seed)
{
    std::mt19937 random(static_cast<unsigned>(seed));
    std::string text(256 * 1024, 'a');
    for (char& c : text)
        c = static_cast<char>('a' + random() % 26);
    return "<!-- " + text + " -->";
}

} // namespace

TEST(StorageFailure, AFullDiskLeavesItsArticlesQueuedWithoutBackOffAndTheNextRunStoresThem)
{
    TemporaryDirectory directory;
    HttpTestServer server(ServerOptions { .addresses = { "127.0.3.1" } });
    server.fallback([&](const RecordedRequest& request) {
        if (request.target == "/feed.xml")
            return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = news_feed(server.base_url(), 1, 1, articles) };
        if (request.target.starts_with("/a/")) {
            const int article = std::stoi(request.target.substr(3));
            std::string page = news_article_page(1, article);
            page.insert(page.rfind("</body>"), ballast(article));
            return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = page };
        }
        return TestResponse { .status = 404 };
    });
    const std::string db = directory.file("archive.db");
    const auto feedkeeper = [&](std::vector<std::string> more) {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db, "--config", directory.file("feedkeeper.toml"), "--socket",
            directory.file("control.sock") };
        argv.insert(argv.end(), more.begin(), more.end());
        return run_process(argv);
    };
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"10ms\"\n");
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed.xml" }).exit_code, 0);

    // Room for a few captures, not for sixteen.
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(db));
    write_text_file(directory.file("feedkeeper.toml"),
        fmt::format("[politeness]\nmin_delay = \"10ms\"\n[store]\nmax_bytes = {}\n", std::max<std::int64_t>(size + (1 << 20), 1 << 21)));
    const ProcessResult full = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(full.exit_code, 1) << full.out << full.err;
    const std::int64_t stored = query_integer(db, "SELECT count(*) FROM articles");
    EXPECT_GT(stored, 0) << "what fitted was stored";
    EXPECT_LT(stored, articles) << "the cap was reached";
    const std::int64_t pending = query_integer(db, "SELECT count(*) FROM jobs WHERE state = 'pending'");
    EXPECT_EQ(pending, articles - stored) << "every article not stored is still queued";
    EXPECT_EQ(query_integer(db, "SELECT count(*) FROM jobs WHERE state = 'failed'"), 0) << "a full disk gives no job up";
    EXPECT_EQ(query_integer(db, "SELECT count(*) FROM jobs WHERE attempts > 0 OR not_before > CAST(strftime('%s','now') AS INTEGER)"), 0)
        << "a storage failure neither counts as an attempt nor backs the job off";
    EXPECT_EQ(query_integer(db, "SELECT count(*) FROM jobs WHERE claimed_by IS NOT NULL"), 0) << "no lease is left behind";
    EXPECT_NE(full.out.find(fmt::format("{} articles could not be stored and stay queued", pending)), std::string::npos) << full.out << full.err;
    EXPECT_NE(full.err.find("disk is full"), std::string::npos) << full.err;

    // Room again: the next run stores them, without waiting.
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"10ms\"\n");
    const ProcessResult again = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(query_integer(db, "SELECT count(*) FROM articles"), articles);
    EXPECT_EQ(query_integer(db, "SELECT count(*) FROM jobs WHERE state = 'pending'"), 0);
}

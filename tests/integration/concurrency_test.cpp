// tests/integration/concurrency_test.cpp — issue 11, item 4: several processes on one archive. Two
// `crawl --once` side by side, then a daemon with two more crawls beside it, over 100 articles on
// five loopback hosts: every page is fetched once, every article stored once with its next check,
// and a second daemon is refused.
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <csignal>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <filesystem>
#include <future>
#include <map>
#include <thread>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

constexpr int hosts = 5;
constexpr int per_host = 20; // 100 articles; the feeds list 10 each at first, then all 20


class Concurrency : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::vector<std::string> addresses;
        for (int host = 1; host <= hosts; ++host)
            addresses.push_back(fmt::format("127.0.2.{}", host));
        server = std::make_unique<HttpTestServer>(ServerOptions { .addresses = addresses, .threads = 2 });
        server->fallback([this](const RecordedRequest& request) {
            const int host = std::stoi(request.host_address.substr(request.host_address.rfind('.') + 1));
            if (request.target == "/feed.xml")
                return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } },
                    .body = news_feed(server->base_url(static_cast<std::size_t>(host - 1)), host, 1, listed.load()) };
            if (request.target.starts_with("/a/"))
                return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } },
                    .body = news_article_page(host, std::stoi(request.target.substr(3))), .delay = 20ms };
            return TestResponse { .status = 404 };
        });
        std::vector<std::string> feeds;
        for (int host = 1; host <= hosts; ++host)
            feeds.push_back(server->base_url(static_cast<std::size_t>(host - 1)) + "/feed.xml");
        write_text_file(directory.file("feeds.opml"), news_opml(feeds));
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"100ms\"\n[store]\nsynchronous = \"normal\"\n");
        ASSERT_EQ(feedkeeper({ "import-opml", directory.file("feeds.opml") }).exit_code, 0);
    }

    std::vector<std::string> arguments(std::vector<std::string> more) const
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"),
            "--socket", directory.file("control.sock") };
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    }
    ProcessResult feedkeeper(std::vector<std::string> more) { return run_process(arguments(std::move(more))); }

    // Two crawls started together; both must succeed.
    void two_crawls_at_once()
    {
        auto first = std::async(std::launch::async, [this] { return feedkeeper({ "crawl", "--once" }); });
        auto second = std::async(std::launch::async, [this] { return feedkeeper({ "crawl", "--once" }); });
        const ProcessResult a = first.get();
        const ProcessResult b = second.get();
        EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
        EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
    }

    void expect_each_page_fetched_once(int articles)
    {
        std::map<std::string, int> fetches;
        for (const RecordedRequest& request : server->requests())
            if (request.target.starts_with("/a/"))
                ++fetches[request.host_address + request.target];
        EXPECT_EQ(fetches.size(), static_cast<std::size_t>(hosts * articles));
        for (const auto& [page, times] : fetches)
            EXPECT_EQ(times, 1) << page << " fetched " << times << " times";
        const std::string db = directory.file("archive.db");
        EXPECT_EQ(query_integer(db, "SELECT count(*) FROM articles"), hosts * articles);
        EXPECT_EQ(query_integer(db, "SELECT count(*) FROM revisions"), hosts * articles) << "stored once each";
        EXPECT_EQ(query_integer(db, "SELECT count(*) FROM articles WHERE next_check IS NULL"), 0) << "every article has its next check";
        EXPECT_EQ(query_integer(db, "SELECT count(*) FROM jobs WHERE state = 'pending'"), 0);
    }

    std::atomic<int> listed { per_host / 2 };
    std::unique_ptr<HttpTestServer> server;
    TemporaryDirectory directory;
};

} // namespace

TEST_F(Concurrency, TwoCrawlsAndADaemonOnOneArchiveFetchEveryPageOnce)
{
    two_crawls_at_once();
    expect_each_page_fetched_once(per_host / 2);

    // A daemon takes the archive; two more crawls beside it hand their work to it.
    listed = per_host;
    ChildProcess daemon(arguments({ "daemon" }));
    for (int i = 0; i < 100 && !std::filesystem::exists(directory.file("control.sock")); ++i)
        std::this_thread::sleep_for(50ms);
    two_crawls_at_once();
    for (int i = 0; i < 200 && query_integer(directory.file("archive.db"), "SELECT count(*) FROM revisions") < hosts * per_host; ++i)
        std::this_thread::sleep_for(50ms);
    expect_each_page_fetched_once(per_host);

    const ProcessResult second = feedkeeper({ "daemon" });
    EXPECT_EQ(second.exit_code, 1);
    EXPECT_NE(second.err.find(fmt::format("another feedkeeper daemon (pid {}) runs on the archive", daemon.pid())), std::string::npos) << second.err;
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << daemon.read_stderr();
}

TEST_F(Concurrency, ACrawlBesideADaemonThatDoesNotAnswerIsRefused)
{
    ChildProcess daemon(arguments({ "daemon" }));
    for (int i = 0; i < 100 && !std::filesystem::exists(directory.file("control.sock")); ++i)
        std::this_thread::sleep_for(50ms);
    // The CLI looks for the daemon on another socket than the one it listens on.
    std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"),
        "--socket", directory.file("elsewhere.sock"), "crawl", "--once" };
    const ProcessResult crawled = run_process(argv);
    EXPECT_EQ(crawled.exit_code, 1);
    EXPECT_NE(crawled.err.find(fmt::format("a feedkeeper daemon (pid {}) crawls this archive", daemon.pid())), std::string::npos) << crawled.err;
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << daemon.read_stderr();
}

TEST_F(Concurrency, AnImportHoldingTheArchiveIsNotTakenForADaemon)
{
    // What `import` leaves in the lock file while it writes (pid and role), held as it holds it.
    const int lock = ::open((directory.file("archive.db") + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(flock(lock, LOCK_EX | LOCK_NB), 0);
    const std::string content = fmt::format("{} import\n", ::getpid());
    ASSERT_EQ(::pwrite(lock, content.data(), content.size(), 0), static_cast<ssize_t>(content.size()));

    const ProcessResult crawled = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(crawled.exit_code, 1);
    EXPECT_NE(crawled.err.find(fmt::format("a feedkeeper import (pid {}) is writing this archive; nothing was crawled", ::getpid())), std::string::npos)
        << crawled.err;
    EXPECT_EQ(crawled.err.find("daemon"), std::string::npos) << "no daemon runs: " << crawled.err;
    const ProcessResult daemon = feedkeeper({ "daemon" });
    EXPECT_EQ(daemon.exit_code, 1);
    EXPECT_NE(daemon.err.find(fmt::format("a feedkeeper import (pid {}) is writing the archive", ::getpid())), std::string::npos) << daemon.err;
    ::close(lock);
    EXPECT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 0) << "the archive is free again";
}

// tests/integration/frontier_test.cpp — issue 12's acceptance test: 60 news hosts on loopback
// addresses, 8 articles each; the article pages of 6 hosts misbehave (429 with Retry-After: 3600,
// 503 with Retry-After: 600, a transfer that stalls). Every sound article must be archived within
// twice the politeness bound, by `crawl --once` (which then exits within --max-wait plus the
// slowest allowed transfer) and by the daemon; the paused hosts get no request before their
// Retry-After ends (the server records every request's time).
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <csignal>
#include <map>
#include <set>
#include <thread>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int hosts = 60;
constexpr int articles_per_host = 8;
// Hosts 1..54 are sound; 55-56 answer their pages with 429 (Retry-After: 3600), 57-58 with 503
// (Retry-After: 600), 59-60 stall after the headers and half the body.
constexpr int first_misbehaving = 55;
constexpr int sound_hosts = first_misbehaving - 1;
// One request a second per host (robots.txt, the feed, 8 pages): about 10 s for a sound host.
constexpr auto politeness_bound = 10s;
constexpr auto max_wait = 5s;
constexpr auto slowest_transfer = 10s; // [fetch] total_timeout below

std::string address(int host) { return fmt::format("127.0.1.{}", host); }


class FrontierCrawl : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::vector<std::string> addresses;
        for (int host = 1; host <= hosts; ++host)
            addresses.push_back(address(host));
        server = std::make_unique<HttpTestServer>(ServerOptions { .addresses = addresses, .threads = 2 });
        server->fallback([this](const RecordedRequest& request) { return answer(request); });
        std::vector<std::string> feeds;
        for (int host = 1; host <= hosts; ++host)
            feeds.push_back(server->base_url(static_cast<std::size_t>(host - 1)) + "/feed.xml");
        write_text_file(directory.file("feeds.opml"), news_opml(feeds));
        write_text_file(directory.file("feedkeeper.toml"),
            "[fetch]\nlow_speed_time = \"5s\"\nlow_speed_limit = 64\ntotal_timeout = \"10s\"\n"
            "[politeness]\nmin_delay = \"1s\"\nresponse_time_factor = 0.0\n"
            "[store]\nsynchronous = \"normal\"\n");
        ASSERT_EQ(feedkeeper({ "import-opml", directory.file("feeds.opml") }).exit_code, 0);
    }

    TestResponse answer(const RecordedRequest& request)
    {
        const std::string& ip = request.host_address;
        const int host = std::stoi(ip.substr(ip.rfind('.') + 1));
        const std::string base = server->base_url(static_cast<std::size_t>(host - 1));
        if (request.target == "/feed.xml")
            return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = news_feed(base, host, 1, articles_per_host) };
        if (!request.target.starts_with("/a/"))
            return TestResponse { .status = 404 };
        const int article = std::stoi(request.target.substr(3));
        if (host == 55 || host == 56)
            return TestResponse { .status = 429, .headers = { { "Retry-After", "3600" } } };
        if (host == 57 || host == 58)
            return TestResponse { .status = 503, .headers = { { "Retry-After", "600" } } };
        TestResponse page { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = news_article_page(host, article) };
        if (host >= 59)
            page.fault = Fault::stall_mid_body;
        return page;
    }

    std::vector<std::string> arguments(std::vector<std::string> more) const
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", archive, "--config", directory.file("feedkeeper.toml"),
            "--socket", directory.file("control.sock") };
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    }

    ProcessResult feedkeeper(std::vector<std::string> more) { return run_process(arguments(std::move(more))); }

    std::int64_t sound_articles() const
    {
        return query_integer(archive,
            fmt::format("SELECT count(*) FROM articles WHERE revision_count > 0 AND CAST(substr(host, 9) AS INTEGER) < {}", first_misbehaving));
    }

    // No page of a paused host was asked for after the first answer that paused it.
    void expect_paused_hosts_left_alone()
    {
        std::map<std::string, std::vector<Clock::time_point>> pages;
        for (const RecordedRequest& request : server->requests())
            if (request.target.starts_with("/a/"))
                pages[request.host_address].push_back(request.received_at);
        for (int host = first_misbehaving; host <= 58; ++host)
            EXPECT_EQ(pages[address(host)].size(), 1u) << address(host) << " was asked again before its Retry-After ended";
        for (int host = 59; host <= hosts; ++host)
            EXPECT_EQ(pages[address(host)].size(), 1u) << address(host) << " stalled: its other pages wait for the host's back-off";
    }

    std::unique_ptr<HttpTestServer> server;
    TemporaryDirectory directory;
    std::string archive = test_archive_location(directory.file("archive.db")); // a file, or a PostgreSQL database
};

} // namespace

TEST_F(FrontierCrawl, CrawlOnceArchivesEverySoundArticleAndLeavesPausedHostsQueued)
{
    const auto started = Clock::now();
    const ProcessResult crawled = feedkeeper({ "crawl", "--once", "--max-wait", "5s" });
    const auto elapsed = Clock::now() - started;
    EXPECT_EQ(crawled.exit_code, 1) << "the stalled transfers failed\n" << crawled.err;
    EXPECT_EQ(sound_articles(), sound_hosts * articles_per_host) << crawled.out << crawled.err;
    EXPECT_LT(elapsed, 2 * politeness_bound + max_wait + slowest_transfer) << "it waited for hosts it may not ask for an hour";
    expect_paused_hosts_left_alone();
    // One line per host whose work stays queued, saying why and until when.
    for (int host = 55; host <= 56; ++host)
        EXPECT_NE(crawled.out.find(address(host) + ": paused until "), std::string::npos) << crawled.out;
    EXPECT_NE(crawled.out.find("(Retry-After), 8 articles deferred"), std::string::npos) << crawled.out;
    EXPECT_NE(crawled.out.find(address(59) + ": backing off until "), std::string::npos) << crawled.out;
    // The queue keeps them, with the time they may be tried again.
    EXPECT_EQ(query_integer(archive, "SELECT count(*) FROM jobs WHERE state = 'pending' AND host IN ('127.0.1.55', '127.0.1.56') AND not_before > " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 3000)),
        2 * articles_per_host);

    // A second run asks nothing of the paused hosts: the pause outlives the process.
    server->clear_requests();
    const ProcessResult again = feedkeeper({ "crawl", "--once", "--max-wait", "5s" });
    EXPECT_NE(again.out.find(address(55) + ": paused until "), std::string::npos) << again.out;
    for (const RecordedRequest& request : server->requests()) {
        const int host = std::stoi(request.host_address.substr(request.host_address.rfind('.') + 1));
        if (host >= first_misbehaving) {
            EXPECT_FALSE(request.target.starts_with("/a/")) << request.host_address << request.target << " was asked within its pause";
        }
    }
    EXPECT_EQ(sound_articles(), sound_hosts * articles_per_host);

    const ProcessResult status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("\"127.0.1.55\""), std::string::npos) << "status lists the paused host\n" << status.out;
}

TEST_F(FrontierCrawl, TheDaemonArchivesEverySoundArticleWhileHostsArePaused)
{
    const auto started = Clock::now();
    ChildProcess daemon(arguments({ "daemon" }));
    std::int64_t archived = 0;
    while (Clock::now() - started < 2 * politeness_bound + 10s) {
        archived = sound_articles();
        if (archived == sound_hosts * articles_per_host)
            break;
        std::this_thread::sleep_for(250ms);
    }
    const auto elapsed = Clock::now() - started;
    EXPECT_EQ(archived, sound_hosts * articles_per_host) << daemon.read_stderr();
    EXPECT_LT(elapsed, 2 * politeness_bound + 2s) << "every sound article within twice the politeness bound (plus start-up)";
    std::this_thread::sleep_for(2s); // the paused hosts stay paused while the daemon runs
    expect_paused_hosts_left_alone();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
}

// tests/integration/web_daemon_test.cpp — the daemon with [web] listen set: it serves the view
// beside the crawler, still costs no CPU when idle, and a crawl and a burst of 1,000 page
// requests run side by side with neither stalling; off loopback without a token it will not start.
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"
#include "tests/support/web_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

long cpu_ticks(int pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14 || i == 15)
            ticks += std::stol(field);
        if (i == 15)
            break;
    }
    return ticks;
}

class WebDaemon : public ::testing::Test {
protected:
    void SetUp() override
    {
        site.route("/feed.xml", [this](const RecordedRequest&) {
            return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = news_feed(site.base_url(), 1, 1, articles) };
        });
        site.fallback([](const RecordedRequest& request) {
            if (request.target.starts_with("/a/"))
                return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = news_article_page(1, std::stoi(request.target.substr(3))) };
            return TestResponse { .status = 404 };
        });
        port = free_loopback_port();
    }

    void configure(const std::string& listen, int count)
    {
        articles = count;
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[web]\nlisten = \"" + listen + "\"\n");
        ASSERT_EQ(run_process(argv({ "add", site.base_url() + "/feed.xml" })).exit_code, 0);
    }

    std::vector<std::string> argv(std::vector<std::string> arguments)
    {
        std::vector<std::string> all { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"),
            "--socket", directory.file("control.sock") };
        all.insert(all.end(), arguments.begin(), arguments.end());
        return all;
    }

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }

    // The daemon's view answering, and its status once `wanted` articles are stored.
    bool wait_for_articles(int wanted, std::chrono::seconds deadline)
    {
        const auto end = std::chrono::steady_clock::now() + deadline;
        while (std::chrono::steady_clock::now() < end) {
            const WebReply reply = web_request(url("/api/v1/status"));
            if (reply.status == 200 && nlohmann::json::parse(reply.body)["articles"].get<int>() >= wanted)
                return true;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

    HttpTestServer site { ServerOptions { .threads = 2 } };
    TemporaryDirectory directory;
    unsigned short port = 0;
    std::atomic<int> articles = 0;
};

TEST_F(WebDaemon, ServesTheViewAndStillCostsNoCpuWhenIdle)
{
    configure("127.0.0.1:" + std::to_string(port), 10);
    ChildProcess daemon(argv({ "daemon" }));
    ASSERT_TRUE(wait_for_articles(10, 60s)) << daemon.read_stderr();
    const auto status = nlohmann::json::parse(web_request(url("/api/v1/status")).body);
    ASSERT_TRUE(status["daemon"].is_object()) << "the daemon's own counters: " << status.dump();
    EXPECT_EQ(status["daemon"]["pid"], daemon.pid());
    EXPECT_EQ(web_request(url("/")).status, 200);
    EXPECT_TRUE(web_request(url("/status")).body.find("Daemon: running, pid " + std::to_string(daemon.pid())) != std::string::npos);
    std::this_thread::sleep_for(500ms); // the last item's bookkeeping
    const long before = cpu_ticks(daemon.pid());
    std::this_thread::sleep_for(3s);
    const long after = cpu_ticks(daemon.pid());
    EXPECT_LE(after - before, 1) << "the view adds no timer or poll while nobody asks (clock ticks used while idle)";
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << daemon.read_stderr();
}

TEST_F(WebDaemon, AThousandPageRequestsAndACrawlRunSideBySide)
{
    constexpr int total_articles = 300;
    configure("127.0.0.1:" + std::to_string(port), total_articles);
    ChildProcess daemon(argv({ "daemon" }));
    ASSERT_TRUE(wait_for_articles(1, 60s)) << daemon.read_stderr(); // the crawl has begun
    const std::vector<std::string> paths { "/", "/feeds/1", "/search?q=parliament", "/status", "/api/v1/feeds/1/records", "/api/v1/status",
        "/api/v1/search?q=harbour", "/articles/1" };
    std::atomic<int> ok = 0;
    std::atomic<long> slowest_ms = 0;
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> clients;
    for (int client = 0; client < 4; ++client)
        clients.emplace_back([&, client] {
            for (int i = 0; i < 250; ++i) {
                const auto begin = std::chrono::steady_clock::now();
                const WebReply reply = web_request(url(paths[(client + i) % paths.size()]));
                const long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
                long seen = slowest_ms.load();
                while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) { }
                ok += reply.status == 200;
            }
        });
    for (auto& client : clients)
        client.join();
    const auto burst = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(ok.load(), 1000) << "every request answered";
    EXPECT_LT(slowest_ms.load(), 5000) << "no request waited behind the crawl";
    const int stored_during_burst = nlohmann::json::parse(web_request(url("/api/v1/status")).body)["articles"].get<int>();
    EXPECT_TRUE(wait_for_articles(total_articles, 120s)) << "the crawl completes beside the requests";
    RecordProperty("burst_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(burst).count()));
    std::cout << "1000 requests in " << std::chrono::duration_cast<std::chrono::milliseconds>(burst).count() << " ms (slowest " << slowest_ms.load()
              << " ms) while the crawl stored " << stored_during_burst << " of " << total_articles << " articles\n";
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << daemon.read_stderr();
}

TEST_F(WebDaemon, RefusesToStartOffLoopbackWithoutAToken)
{
    configure("0.0.0.0:" + std::to_string(port), 1);
    const ProcessResult refused = run_process(argv({ "daemon" }), ProcessOptions { .timeout = 20s });
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("feedkeeper: error: refusing to serve the archive on 0.0.0.0:"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("([web] listen)"), std::string::npos) << refused.err;
}

} // namespace

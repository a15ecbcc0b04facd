// tests/integration/scale_out_test.cpp — issue 17's acceptance test: three daemons on one
// PostgreSQL archive (a database of the test's own in the throwaway cluster), 60 news hosts on
// loopback addresses with 6 articles each, of which 6 hosts misbehave (429 with Retry-After: 3600,
// 503 with Retry-After: 600, a transfer that stalls). One node is killed with SIGKILL midway; the
// other two finish its work. Checked from the server's record of every request: each sound page
// fetched once (a page may be fetched again only when the killed node had asked for it before it
// died), one request a second per host across all nodes, no page of a paused host asked again; and
// the archive's JSONL export equal, for every sound article, to a single-node crawl of the same
// site into an SQLite file.
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>
#include <thread>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int hosts = 60;
constexpr int articles_per_host = 6;
// Hosts 1..54 are sound; 55-56 answer their pages with 429 (Retry-After: 3600), 57-58 with 503
// (Retry-After: 600), 59-60 stall after the headers and half the body.
constexpr int first_misbehaving = 55;
constexpr int sound_articles = (first_misbehaving - 1) * articles_per_host;
// [politeness] min_delay is 1 s: requests to one host closer than this break its spacing (the
// server's clock, with a little slack for the time between the client's send and the server's record).
constexpr auto spacing_floor = 900ms;

std::string address(int host) { return fmt::format("127.0.3.{}", host); }
int host_number(const std::string& ip) { return std::stoi(ip.substr(ip.rfind('.') + 1)); }

class ScaleOut : public ::testing::Test {
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
        const std::string name = unique_database_name("scaleout");
        shared_postgres_server().create_database(name);
        archive = shared_postgres_server().url(name);
        const ProcessResult imported = run_process(arguments(archive, "import", { "import-opml", directory.file("feeds.opml") }));
        ASSERT_EQ(imported.exit_code, 0) << imported.err;
    }

    TestResponse answer(const RecordedRequest& request)
    {
        const int host = host_number(request.host_address);
        const std::string base = server->base_url(static_cast<std::size_t>(host - 1));
        if (request.target == "/feed.xml")
            return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = news_feed(base, host, 1, articles_per_host) };
        if (!request.target.starts_with("/a/"))
            return TestResponse { .status = 404 };
        if (host == 55 || host == 56)
            return TestResponse { .status = 429, .headers = { { "Retry-After", "3600" } } };
        if (host == 57 || host == 58)
            return TestResponse { .status = 503, .headers = { { "Retry-After", "600" } } };
        TestResponse page { .headers = { { "Content-Type", "text/html; charset=utf-8" } },
            .body = news_article_page(host, std::stoi(request.target.substr(3))) };
        if (host >= 59)
            page.fault = Fault::stall_mid_body;
        return page;
    }

    // The command line of one process on `db`; `node` names its control socket.
    std::vector<std::string> arguments(const std::string& db, const std::string& node, std::vector<std::string> more) const
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db, "--config", directory.file("feedkeeper.toml"), "--socket",
            directory.file(node + ".sock") };
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    }

    std::int64_t stored_sound_articles(const std::string& db) const
    {
        return query_integer(db,
            fmt::format("SELECT count(*) FROM articles WHERE revision_count > 0 AND CAST(substr(host, 9) AS INTEGER) < {}", first_misbehaving));
    }

    // Sound articles by URL, as `export --format jsonl` gives them.
    std::map<std::string, nlohmann::json> exported(const std::string& db)
    {
        const ProcessResult exported = run_process(arguments(db, "export", { "export", "--format", "jsonl" }));
        EXPECT_EQ(exported.exit_code, 0) << exported.err;
        std::map<std::string, nlohmann::json> records;
        std::istringstream lines(exported.out);
        std::string line;
        while (std::getline(lines, line)) {
            nlohmann::json record = nlohmann::json::parse(line);
            if (record["status"] == "article") {
                const std::string url = record["url"].get<std::string>();
                records[url] = std::move(record);
            }
        }
        return records;
    }

    std::unique_ptr<HttpTestServer> server;
    TemporaryDirectory directory;
    std::string archive;
};

} // namespace

TEST_F(ScaleOut, ThreeNodesShareTheWorkOneIsKilledAndTheOthersFinishIt)
{
    const auto started = Clock::now();
    std::vector<std::unique_ptr<ChildProcess>> nodes;
    for (int node = 1; node <= 3; ++node)
        nodes.push_back(std::make_unique<ChildProcess>(arguments(archive, fmt::format("node{}", node), { "daemon" })));

    // Midway (a third of the sound articles stored), node 2 dies without a word.
    while (stored_sound_articles(archive) < sound_articles / 3 && Clock::now() - started < 60s)
        std::this_thread::sleep_for(100ms);
    ASSERT_GE(stored_sound_articles(archive), sound_articles / 3) << "the nodes did not get going";
    const auto killed_at = Clock::now();
    nodes[1]->signal(SIGKILL);
    nodes[1]->wait(10s);

    while (stored_sound_articles(archive) < sound_articles && Clock::now() - started < 120s)
        std::this_thread::sleep_for(200ms);
    EXPECT_EQ(stored_sound_articles(archive), sound_articles) << "the surviving nodes finish the killed node's work";

    // Every node took part, and status on any node lists the live ones.
    const ProcessResult status = run_process(arguments(archive, "status", { "status" }));
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("daemon on "), std::string::npos) << status.out;
    for (int node : { 0, 2 }) {
        nodes[node]->signal(SIGTERM);
        EXPECT_EQ(nodes[node]->wait(20s), 0) << nodes[node]->read_stderr();
    }

    // The server's record: pages fetched once, spacing per host held across nodes, paused hosts
    // left alone.
    std::map<std::string, std::vector<Clock::time_point>> pages;
    std::map<std::string, std::vector<Clock::time_point>> by_host;
    for (const RecordedRequest& request : server->requests()) {
        by_host[request.host_address].push_back(request.received_at);
        if (request.target.starts_with("/a/"))
            pages[request.host_address + request.target].push_back(request.received_at);
    }
    int sound_pages = 0;
    for (const auto& [page, times] : pages) {
        const int host = host_number(page.substr(0, page.find('/')));
        if (host >= first_misbehaving)
            continue;
        ++sound_pages;
        // A second fetch only for a page the killed node had asked for before it died (its
        // lease was live until then; afterwards the page was another node's to fetch).
        if (times.size() > 1) {
            EXPECT_LT(times.front(), killed_at) << page << " fetched " << times.size() << " times while its lease was live";
        }
        EXPECT_LE(times.size(), 2u) << page;
    }
    EXPECT_EQ(sound_pages, sound_articles);
    // A paused host is asked once; once more only when the node that learned of the pause was
    // killed before it could write it down (the first ask before the kill, the second after).
    for (int host = first_misbehaving; host <= 58; ++host) {
        std::vector<Clock::time_point> asked;
        for (const auto& [page, times] : pages)
            if (page.starts_with(address(host) + "/"))
                asked.insert(asked.end(), times.begin(), times.end());
        std::sort(asked.begin(), asked.end());
        std::string when;
        for (const auto time : asked)
            when += fmt::format(" {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(time - killed_at).count());
        ASSERT_FALSE(asked.empty()) << address(host);
        EXPECT_TRUE(asked.size() == 1 || (asked.size() == 2 && asked[0] < killed_at && asked[1] >= killed_at))
            << address(host) << " was asked again before its Retry-After ended; times relative to the kill:" << when;
    }
    for (auto& [host, times] : by_host) {
        std::sort(times.begin(), times.end());
        for (std::size_t i = 1; i < times.size(); ++i) {
            if (times[i - 1] < killed_at && times[i] >= killed_at)
                continue; // the killed node could not leave its host's next free time behind
            EXPECT_GE(times[i] - times[i - 1], spacing_floor)
                << host << ": requests " << i << " and " << i + 1 << " "
                << std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]).count() << " ms apart";
        }
    }

    // The same site crawled by one process into an SQLite file exports the same articles.
    const std::string single = directory.file("single.db");
    ASSERT_EQ(run_process(arguments(single, "single", { "import-opml", directory.file("feeds.opml") })).exit_code, 0);
    const ProcessResult crawled = run_process(arguments(single, "single", { "crawl", "--once", "--max-wait", "5s" }));
    EXPECT_EQ(stored_sound_articles(single), sound_articles) << crawled.out << crawled.err;
    const auto on_postgresql = exported(archive);
    const auto on_sqlite = exported(single);
    EXPECT_EQ(on_postgresql.size(), static_cast<std::size_t>(sound_articles));
    ASSERT_EQ(on_postgresql.size(), on_sqlite.size());
    for (const auto& [url, record] : on_sqlite) {
        const auto other = on_postgresql.find(url);
        ASSERT_NE(other, on_postgresql.end()) << url;
        for (const char* field : { "feed_url", "guid", "title", "author", "published", "language", "categories", "body", "content_sha256", "status",
                 "body_source", "revision" })
            EXPECT_EQ(other->second[field], record[field]) << url << ": " << field;
    }
}

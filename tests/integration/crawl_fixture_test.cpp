// tests/integration/crawl_fixture_test.cpp — the walking skeleton end to end: the real binary
// crawls a copy of the Caucasus Watch fixture served on 127.0.0.1 and exports what it archived.
#include "tests/support/http_server.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include "core/time.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace feedkeeper::testing;

namespace {

const std::string fixture = std::string(FEEDKEEPER_TEST_DATA) + "/caucasuswatch";

std::vector<std::string> blocks_of(const std::string& text)
{
    std::vector<std::string> blocks;
    std::string current;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) {
            if (!current.empty())
                blocks.push_back(current);
            current.clear();
        } else {
            current += (current.empty() ? "" : " ") + line;
        }
    }
    if (!current.empty())
        blocks.push_back(current);
    return blocks;
}

class CrawlFixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        server.serve_directory(fixture, "/");
        // The feed with validators, answering 304 to a matching conditional request.
        const std::string feed = replace_base(read_text_file(fixture + "/feed/index.xml"), server.base_url());
        server.route("/feed/", [feed](const RecordedRequest& request) {
            TestResponse response;
            response.headers = { { "Content-Type", "application/rss+xml; charset=UTF-8" }, { "ETag", "\"cw-feed-1\"" },
                { "Last-Modified", "Tue, 06 Dec 2022 09:14:00 GMT" } };
            auto match = request.headers.find("if-none-match");
            if (match != request.headers.end() && match->second == "\"cw-feed-1\"")
                response.status = 304;
            else
                response.body = feed;
            return response;
        });
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
        archive = test_archive_location(directory.file("archive.db"));
    }

    ProcessResult feedkeeper(std::vector<std::string> arguments)
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", archive, "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    }

    std::vector<nlohmann::json> export_jsonl()
    {
        auto exported = feedkeeper({ "export", "--format", "jsonl" });
        EXPECT_EQ(exported.exit_code, 0) << exported.err;
        std::vector<nlohmann::json> records;
        std::istringstream lines(exported.out);
        std::string line;
        while (std::getline(lines, line))
            records.push_back(nlohmann::json::parse(line));
        return records;
    }

    HttpTestServer server;
    TemporaryDirectory directory;
    std::string archive; // a file, or a PostgreSQL database (tests/support/postgres_server.hpp)
};

} // namespace

TEST_F(CrawlFixture, ArchivesEveryArticleWithItsCleanBodyAndMetadata)
{
    auto added = feedkeeper({ "add", server.base_url() + "/feed/" });
    ASSERT_EQ(added.exit_code, 0) << added.err;
    auto crawled = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(crawled.exit_code, 0) << crawled.out << crawled.err;

    const auto records = export_jsonl();
    const auto expected = nlohmann::json::parse(read_text_file(fixture + "/expected/articles.json"));
    ASSERT_EQ(records.size(), expected.size());
    for (const auto& want : expected) {
        const std::string url = replace_base(want["url"].get<std::string>(), server.base_url());
        const nlohmann::json* found = nullptr;
        for (const auto& record : records)
            if (record["url"] == url)
                found = &record;
        ASSERT_NE(found, nullptr) << "not archived: " << url;
        const nlohmann::json& got = *found;
        SCOPED_TRACE(url);
        EXPECT_EQ(blocks_of(got["body"].get<std::string>()), blocks_of(read_text_file(fixture + "/" + want["expected_body"].get<std::string>())));
        EXPECT_EQ(got["title"], want["title"]);
        EXPECT_EQ(got["author"], want["author"]);
        EXPECT_EQ(got["published"], want["published"]);
        EXPECT_EQ(got["language"], want["language"]);
        EXPECT_EQ(got["categories"], want["categories"]);
        EXPECT_EQ(got["guid"], replace_base(want["guid"].get<std::string>(), server.base_url()));
        EXPECT_EQ(got["feed_url"], server.base_url() + "/feed/");
        EXPECT_EQ(got["revision"], 1);
        for (const char* boilerplate : { "Siehe auch", "sucht lokale Experten", "Wir verwenden Cookies", "Teilen mit", "Neueste Beiträge" })
            EXPECT_EQ(got["body"].get<std::string>().find(boilerplate), std::string::npos) << boilerplate;
    }
}

TEST_F(CrawlFixture, SecondCrawlIsConditionalAndStoresNothingNew)
{
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 0);
    const auto first = export_jsonl();
    server.clear_requests();

    auto again = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(again.exit_code, 0) << again.err;
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u) << "only the feed is asked for again";
    EXPECT_EQ(requests[0].target, "/feed/");
    EXPECT_EQ(requests[0].headers.at("if-none-match"), "\"cw-feed-1\"");
    EXPECT_EQ(requests[0].headers.at("if-modified-since"), "Tue, 06 Dec 2022 09:14:00 GMT");
    EXPECT_EQ(export_jsonl().size(), first.size());
}

TEST_F(CrawlFixture, UnconditionalRefetchOfAnUnchangedFeedAddsNothing)
{
    server.route("/plain-feed/", [this](const RecordedRequest&) {
        TestResponse response;
        response.headers = { { "Content-Type", "application/rss+xml" } };
        response.body = replace_base(read_text_file(fixture + "/feed/index.xml"), server.base_url());
        return response;
    });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/plain-feed/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 0);
    auto again = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 new entries"), std::string::npos) << again.out;
    EXPECT_EQ(export_jsonl().size(), 4u);
}

TEST_F(CrawlFixture, FailingFeedsAreReportedAndTheOthersStillArchived)
{
    server.route("/missing/", TestResponse { .status = 404, .body = "gone" });
    server.route("/not-a-feed/", TestResponse { .headers = { { "Content-Type", "text/html" } }, .body = "<html><body><p>Hello</p></body></html>" });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/missing/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/not-a-feed/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "add", "http://127.0.0.1:1/refused/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed/" }).exit_code, 0);

    auto crawled = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(crawled.exit_code, 1);
    EXPECT_NE(crawled.err.find("HTTP 404 (" + server.base_url() + "/missing/)"), std::string::npos) << crawled.err;
    EXPECT_NE(crawled.err.find("not a feed"), std::string::npos) << crawled.err;
    EXPECT_NE(crawled.err.find("could not connect"), std::string::npos) << crawled.err;
    EXPECT_EQ(export_jsonl().size(), 4u);

    auto feeds = feedkeeper({ "feeds", "--json" });
    ASSERT_EQ(feeds.exit_code, 0);
    for (const auto& feed : nlohmann::json::parse(feeds.out)) {
        if (feed["url"] == server.base_url() + "/feed/") {
            EXPECT_EQ(feed["health"], "ok");
            EXPECT_EQ(feed["articles"], 4);
        } else {
            EXPECT_EQ(feed["health"], "backing_off");
            EXPECT_TRUE(feed["last_error"].is_string());
        }
    }
}

TEST_F(CrawlFixture, PermanentRedirectMovesTheFeedAndGoneRetiresIt)
{
    server.route("/old-feed/", TestResponse { .status = 301, .headers = { { "Location", "/feed/" } } });
    server.route("/gone-feed/", TestResponse { .status = 410 });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/old-feed/" }).exit_code, 0);
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/gone-feed/" }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(crawled.exit_code, 1) << "the retired feed is reported";
    EXPECT_NE(crawled.err.find("410"), std::string::npos) << crawled.err;

    auto feeds = nlohmann::json::parse(feedkeeper({ "feeds", "--json" }).out);
    ASSERT_EQ(feeds.size(), 2u);
    EXPECT_EQ(feeds[0]["url"], server.base_url() + "/feed/") << "a 301 updates the stored URL";
    EXPECT_EQ(feeds[0]["health"], "ok");
    EXPECT_EQ(feeds[0]["articles"], 4);
    EXPECT_EQ(feeds[1]["health"], "retired");
    EXPECT_TRUE(feeds[1]["next_fetch"].is_null());

    server.clear_requests();
    ASSERT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 0) << "a retired feed is no longer polled";
    EXPECT_EQ(server.request_count("/gone-feed/"), 0u);
    EXPECT_EQ(server.request_count("/old-feed/"), 0u);
}

TEST_F(CrawlFixture, TooManyRequestsBacksOffAtLeastAsLongAsRetryAfter)
{
    server.route("/busy/", TestResponse { .status = 429, .headers = { { "Retry-After", "7200" } } });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/busy/" }).exit_code, 0);
    const auto before = feedkeeper::now_utc();
    EXPECT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 1);
    auto feeds = nlohmann::json::parse(feedkeeper({ "feeds", "--json" }).out);
    ASSERT_EQ(feeds.size(), 1u);
    EXPECT_EQ(feeds[0]["health"], "backing_off");
    EXPECT_EQ(feeds[0]["last_error"], "HTTP 429");
    const auto next = feedkeeper::parse_rfc3339(feeds[0]["next_fetch"].get<std::string>());
    ASSERT_TRUE(next);
    EXPECT_GE(*next - before, std::chrono::seconds(7200 * 9 / 10)) << "jitter aside, Retry-After is honoured";
    EXPECT_EQ(feedkeeper({ "crawl", "--due" }).exit_code, 0);
    EXPECT_EQ(feedkeeper({ "crawl", "--once" }).exit_code, 0);
    EXPECT_EQ(server.request_count("/busy/"), 1u) << "--due and a plain crawl respect the back-off";
    EXPECT_EQ(feedkeeper({ "crawl", "--all" }).exit_code, 1);
    EXPECT_EQ(server.request_count("/busy/"), 2u) << "--all overrides it";
}

TEST_F(CrawlFixture, FeedsDeclaredInTheConfigAreAddedAndOnlyTheFileRemovesThem)
{
    write_text_file(directory.file("feedkeeper.toml"),
        "[politeness]\nmin_delay = \"0s\"\n[[feed]]\nurl = \"" + server.base_url() + "/feed/\"\nname = \"cw\"\n");
    auto crawled = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(crawled.exit_code, 0) << crawled.err;
    EXPECT_EQ(export_jsonl().size(), 4u);
    auto removed = feedkeeper({ "remove", "cw" });
    EXPECT_EQ(removed.exit_code, 2);
    EXPECT_NE(removed.err.find("feedkeeper.toml"), std::string::npos) << removed.err;
}

TEST_F(CrawlFixture, ArticleTimeoutIsReportedWithItsUrl)
{
    const std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                             "<item><title>slow</title><link>" + server.base_url() + "/slow.html</link><guid>slow</guid></item>"
                             "<item><title>ok</title><link>" + server.base_url() + "/news/20852-nordkaukasus-hochwasser-in-dagestan.html</link><guid>ok</guid></item>"
                             "</channel></rss>";
    server.route("/mixed/", TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = feed });
    server.route("/slow.html", TestResponse { .body = "<html>never</html>", .delay = std::chrono::milliseconds(10'000) });
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[fetch]\ntotal_timeout = \"2s\"\n");
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/mixed/" }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(crawled.exit_code, 1);
    EXPECT_NE(crawled.err.find("timed out"), std::string::npos) << crawled.err;
    EXPECT_NE(crawled.err.find(server.base_url() + "/slow.html"), std::string::npos) << crawled.err;
    const auto records = export_jsonl();
    ASSERT_EQ(records.size(), 2u) << "the item that timed out is a record too";
    EXPECT_EQ(records[0]["status"], "article");
    EXPECT_EQ(records[1]["status"], "failed");
    EXPECT_EQ(records[1]["url"], server.base_url() + "/slow.html");
}

// A feed on a private address may have its articles fetched from its own host, not from other
// private hosts it links to (a local feed proxy relays third-party links).
TEST_F(CrawlFixture, ALoopbackFeedsLinksToAnotherPrivateHostAreRefused)
{
    HttpTestServer internal(std::vector<std::string> { "127.0.0.2" });
    internal.route("/admin.html", TestResponse { .body = "<html><body><article><p>internal</p></article></body></html>" });
    const std::string feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                             "<item><title>internal</title><link>" + internal.base_url() + "/admin.html</link><guid>internal</guid></item>"
                             "<item><title>own</title><link>" + server.base_url() + "/news/20852-nordkaukasus-hochwasser-in-dagestan.html</link><guid>own</guid></item>"
                             "</channel></rss>";
    server.route("/lan/", TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = feed });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/lan/" }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once" });
    EXPECT_EQ(crawled.exit_code, 1);
    EXPECT_NE(crawled.err.find("private address 127.0.0.2"), std::string::npos) << crawled.err;
    EXPECT_TRUE(internal.requests().empty());
    const auto records = export_jsonl();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["status"], "article") << "the article on the feed's own host is archived";
    EXPECT_EQ(records[1]["status"], "failed") << "the refused item is a record without a page";
    EXPECT_EQ(records[1]["body"], "");
}

TEST(Cli, UsageErrorsExitTwoWithOneLine)
{
    TemporaryDirectory directory;
    auto unknown = run_process({ FEEDKEEPER_BINARY, "frobnicate" });
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_EQ(unknown.err.rfind("feedkeeper: error: unknown command 'frobnicate'", 0), 0u) << unknown.err;
    auto option = run_process({ FEEDKEEPER_BINARY, "crawl", "--bogus" });
    EXPECT_EQ(option.exit_code, 2);
    auto missing_directory = run_process({ FEEDKEEPER_BINARY, "--db", "/nonexistent/dir/archive.db", "feeds" });
    EXPECT_EQ(missing_directory.exit_code, 2);
    EXPECT_NE(missing_directory.err.find("/nonexistent/dir"), std::string::npos) << missing_directory.err;
    auto bad_url = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("a.db"), "add", "not a url" });
    EXPECT_EQ(bad_url.exit_code, 2);
    auto help = run_process({ FEEDKEEPER_BINARY, "crawl", "--help" });
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--once"), std::string::npos);
}

// tests/integration/warc_reader_test.cpp — the WARC export of the fixture crawl, crawled twice, is
// read back by an independent reader, warcio.js (installed by the CTest fixture
// WarcReader.InstallWarcio): every record's block digest and every response's payload digest is
// verified, every capture (the feed and robots.txt included) is a response or, fetched again
// unchanged, a revisit of the first response, each with its request.
// Skipped, with the reason, only when warcio.js could not be installed (no npm, or offline).
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>

using namespace feedkeeper::testing;

namespace {

const std::string fixture = std::string(FEEDKEEPER_TEST_DATA) + "/caucasuswatch";

TEST(WarcExport, IsReadBackByWarcioWithEveryDigestVerified)
{
    if (!std::filesystem::exists(std::string(FEEDKEEPER_WARCIO_DIR) + "/node_modules/warcio/package.json") || std::string(FEEDKEEPER_NODE).empty())
        GTEST_SKIP() << "warcio.js is not installed in " << FEEDKEEPER_WARCIO_DIR
                     << " (no node/npm, or the npm registry was unreachable: see the test WarcReader.InstallWarcio)";

    HttpTestServer server;
    server.serve_directory(fixture, "/");
    server.route("/feed/", TestResponse { .headers = { { "Content-Type", "application/rss+xml; charset=UTF-8" } },
                               .body = replace_base(read_text_file(fixture + "/feed/index.xml"), server.base_url()) });
    server.route("/robots.txt", TestResponse { .headers = { { "Content-Type", "text/plain" } }, .body = "User-agent: *\nDisallow: /wp-admin/\n" });
    TemporaryDirectory directory;
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
    const std::string db = directory.file("archive.db");
    auto feedkeeper = [&](std::vector<std::string> arguments) {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db, "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    };
    const std::string feed_url = server.base_url() + "/feed/";
    ASSERT_EQ(feedkeeper({ "add", feed_url }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(crawled.exit_code, 0) << crawled.err;
    // The crawl once more, in a new process: the feed polled again and every article fetched
    // again, all unchanged, and robots.txt asked again (its cache lives as long as the process).
    auto articles = feedkeeper({ "export", "--format", "jsonl" });
    ASSERT_EQ(articles.exit_code, 0) << articles.err;
    std::vector<std::string> recrawl { "recrawl", "--all" };
    std::set<std::string> article_urls;
    std::istringstream lines(articles.out);
    for (std::string line; std::getline(lines, line);) {
        const std::string url = nlohmann::json::parse(line)["url"];
        article_urls.insert(url);
        recrawl.insert(recrawl.end(), { "--url", url });
    }
    ASSERT_EQ(article_urls.size(), 4u);
    auto recrawled = feedkeeper(recrawl);
    ASSERT_EQ(recrawled.exit_code, 0) << recrawled.err;
    ASSERT_EQ(query_integer(db, "SELECT count(*) FROM revisions"), 4) << "nothing changed";
    const std::int64_t captures = query_integer(db, "SELECT count(*) FROM captures");
    ASSERT_EQ(query_integer(db, "SELECT count(*) FROM captures WHERE kind = 'feed'"), 2);
    ASSERT_EQ(query_integer(db, "SELECT count(*) FROM captures WHERE kind = 'robots'"), 2) << "robots.txt is kept as a capture";
    ASSERT_EQ(query_integer(db, "SELECT count(*) FROM captures WHERE kind = 'article'"), 8);

    const std::string warc = directory.file("fixture.warc.gz");
    auto exported = feedkeeper({ "export", "--format", "warc", "--output", warc });
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    auto verified = run_process({ FEEDKEEPER_NODE, std::string(FEEDKEEPER_SOURCE_DIR) + "/tests/integration/warc_verify.mjs", FEEDKEEPER_WARCIO_DIR, warc });
    ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    const auto summary = nlohmann::json::parse(verified.out);
    EXPECT_TRUE(summary["problems"].empty()) << summary["problems"].dump(2);
    const auto& types = summary["types"];
    EXPECT_EQ(types["warcinfo"], 1);
    EXPECT_EQ(types["response"].get<std::int64_t>() + types["revisit"].get<std::int64_t>(), captures) << "a response or a revisit per capture";
    EXPECT_EQ(types["request"], captures) << "a request per capture";
    EXPECT_EQ(types["revisit"], 6) << "the second fetch of the feed, robots.txt and each article: unchanged";
    EXPECT_EQ(types["metadata"], 4) << "one per revision";
    EXPECT_EQ(summary["block_digests_verified"], summary["records"]);
    EXPECT_EQ(summary["payload_digests_verified"], types["response"]);
    EXPECT_EQ(summary["revisits_verified"], types["revisit"]);
    EXPECT_EQ(summary["http_parsed"], captures * 2) << "warcio parsed every HTTP head";
    // Per URL: the first fetch a response, the second a revisit of it.
    std::vector<std::string> urls(article_urls.begin(), article_urls.end());
    urls.push_back(feed_url);
    urls.push_back(server.base_url() + "/robots.txt");
    for (const std::string& url : urls) {
        const auto& target = summary["targets"][url];
        EXPECT_EQ(target.value("response", 0), 1) << url << ": " << target.dump();
        EXPECT_EQ(target.value("revisit", 0), 1) << url << ": " << target.dump();
        EXPECT_EQ(target.value("request", 0), 2) << url << ": " << target.dump();
    }

    // Filtered: the feed's records since 2000 are all of them, so are their captures; before 2000
    // there is nothing (articles by publication date, feed and robots.txt by fetch date).
    auto verify_filtered = [&](std::vector<std::string> filter) {
        const std::string file = directory.file("filtered.warc.gz");
        std::vector<std::string> arguments { "export", "--format", "warc", "--output", file };
        arguments.insert(arguments.end(), filter.begin(), filter.end());
        auto filtered = feedkeeper(arguments);
        EXPECT_EQ(filtered.exit_code, 0) << filtered.err;
        auto read = run_process({ FEEDKEEPER_NODE, std::string(FEEDKEEPER_SOURCE_DIR) + "/tests/integration/warc_verify.mjs", FEEDKEEPER_WARCIO_DIR, file });
        EXPECT_EQ(read.exit_code, 0) << read.out << read.err;
        return nlohmann::json::parse(read.out);
    };
    const auto everything = verify_filtered({ "--feed", feed_url, "--since", "2000-01-01" });
    EXPECT_TRUE(everything["problems"].empty()) << everything["problems"].dump(2);
    EXPECT_EQ(everything["types"], types);
    const auto nothing = verify_filtered({ "--feed", feed_url, "--until", "2000-01-01" });
    EXPECT_TRUE(nothing["problems"].empty()) << nothing["problems"].dump(2);
    EXPECT_EQ(nothing["types"], nlohmann::json({ { "warcinfo", 1 } }));
}

} // namespace

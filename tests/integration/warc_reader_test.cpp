// tests/integration/warc_reader_test.cpp — the WARC export of the fixture crawl is read back by
// an independent reader, warcio.js (installed by the CTest fixture WarcReader.InstallWarcio),
// and every record's block digest and every response's payload digest is verified.
// Skipped, with the reason, only when warcio.js could not be installed (no npm, or offline).
#include "tests/support/http_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

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
    TemporaryDirectory directory;
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
    auto feedkeeper = [&](std::vector<std::string> arguments) {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    };
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed/" }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once" });
    ASSERT_EQ(crawled.exit_code, 0) << crawled.err;
    const std::string warc = directory.file("fixture.warc.gz");
    auto exported = feedkeeper({ "export", "--format", "warc", "--output", warc });
    ASSERT_EQ(exported.exit_code, 0) << exported.err;

    auto verified = run_process({ FEEDKEEPER_NODE, std::string(FEEDKEEPER_SOURCE_DIR) + "/tests/integration/warc_verify.mjs", FEEDKEEPER_WARCIO_DIR, warc });
    ASSERT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    const auto summary = nlohmann::json::parse(verified.out);
    EXPECT_TRUE(summary["problems"].empty()) << summary["problems"].dump(2);
    EXPECT_EQ(summary["types"]["warcinfo"], 1);
    EXPECT_EQ(summary["types"]["response"], 5) << "the feed and the four articles";
    EXPECT_EQ(summary["types"]["request"], 5);
    EXPECT_EQ(summary["types"]["metadata"], 4);
    EXPECT_EQ(summary["block_digests_verified"], summary["records"]);
    EXPECT_EQ(summary["payload_digests_verified"], 5);
    EXPECT_EQ(summary["http_parsed"], 10) << "warcio parsed every HTTP head";
}

} // namespace

// tests/integration/migrate_test.cpp — `migrate --to` (issue 17): an SQLite archive the real binary
// crawled, copied into an empty PostgreSQL database; both export the same records byte for byte,
// search finds the same articles, and the copy refuses a database that holds an archive already.
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <set>

using namespace feedkeeper::testing;

namespace {

constexpr int hosts = 3;
constexpr int articles_per_host = 5;

class Migrate : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::vector<std::string> addresses;
        for (int host = 1; host <= hosts; ++host)
            addresses.push_back(fmt::format("127.0.4.{}", host));
        server = std::make_unique<HttpTestServer>(ServerOptions { .addresses = addresses });
        server->fallback([this](const RecordedRequest& request) {
            const std::string& ip = request.host_address;
            const int host = std::stoi(ip.substr(ip.rfind('.') + 1));
            if (request.target == "/feed.xml")
                return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } },
                    .body = news_feed(server->base_url(static_cast<std::size_t>(host - 1)), host, 1, articles_per_host) };
            if (request.target.starts_with("/a/"))
                return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = news_article_page(host, std::stoi(request.target.substr(3))) };
            return TestResponse { .status = 404 };
        });
        std::vector<std::string> feeds;
        for (int host = 1; host <= hosts; ++host)
            feeds.push_back(server->base_url(static_cast<std::size_t>(host - 1)) + "/feed.xml");
        write_text_file(directory.file("feeds.opml"), news_opml(feeds));
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
        ASSERT_EQ(feedkeeper(file, { "import-opml", directory.file("feeds.opml") }).exit_code, 0);
        const ProcessResult crawled = feedkeeper(file, { "crawl", "--once" });
        ASSERT_EQ(crawled.exit_code, 0) << crawled.err;
        const std::string name = unique_database_name("migrate");
        shared_postgres_server().create_database(name);
        database = shared_postgres_server().url(name);
    }

    ProcessResult feedkeeper(const std::string& db, std::vector<std::string> arguments)
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db, "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    }

    std::unique_ptr<HttpTestServer> server;
    TemporaryDirectory directory;
    std::string file = directory.file("archive.db");
    std::string database;
};

} // namespace

TEST_F(Migrate, TheCopyExportsTheSameRecordsAndIsSearchable)
{
    const ProcessResult migrated = feedkeeper(file, { "migrate", "--to", database });
    ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
    EXPECT_NE(migrated.out.find("revisions: 15 rows"), std::string::npos) << migrated.out;
    EXPECT_NE(migrated.out.find("and checked it"), std::string::npos) << migrated.out;

    for (const char* format : { "jsonl", "csv" }) {
        const ProcessResult from_file = feedkeeper(file, { "export", "--format", format });
        const ProcessResult from_database = feedkeeper(database, { "export", "--format", format });
        ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
        ASSERT_EQ(from_database.exit_code, 0) << from_database.err;
        EXPECT_FALSE(from_file.out.empty());
        EXPECT_EQ(from_database.out, from_file.out) << format;
    }
    EXPECT_EQ(query_integer(database, "SELECT value FROM totals WHERE name = 'articles'"), hosts * articles_per_host) << "the triggers rebuilt the counts";
    EXPECT_EQ(query_integer(database, "SELECT count(*) FROM workers"), 0) << "the file's processes are not the database's";

    // Search finds the same articles (the ranking functions differ, so the order may).
    const ProcessResult on_file = feedkeeper(file, { "search", "story", "--json", "--limit", "100" });
    const ProcessResult on_database = feedkeeper(database, { "search", "story", "--json", "--limit", "100" });
    ASSERT_EQ(on_file.exit_code, 0) << on_file.err;
    ASSERT_EQ(on_database.exit_code, 0) << on_database.err;
    const auto ids = [](const std::string& json) {
        std::set<std::int64_t> found;
        for (const auto& hit : nlohmann::json::parse(json))
            found.insert(hit["id"].get<std::int64_t>());
        return found;
    };
    EXPECT_FALSE(ids(on_file.out).empty());
    EXPECT_EQ(ids(on_database.out), ids(on_file.out)) << on_file.out << "\n" << on_database.out;

    // New ids continue after the copied ones: the next crawl's articles get fresh ones.
    EXPECT_EQ(query_integer(database, "SELECT nextval(pg_get_serial_sequence('articles', 'id'))"), hosts * articles_per_host + 1);

    // A second copy into the same database is refused and changes nothing.
    const ProcessResult again = feedkeeper(file, { "migrate", "--to", database });
    EXPECT_NE(again.exit_code, 0);
    EXPECT_NE(again.err.find("already holds an archive"), std::string::npos) << again.err;
    EXPECT_EQ(query_integer(database, "SELECT count(*) FROM revisions"), hosts * articles_per_host);
}

TEST_F(Migrate, ATargetThatIsNotPostgresqlIsRefused)
{
    const ProcessResult refused = feedkeeper(file, { "migrate", "--to", directory.file("other.db") });
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_NE(refused.err.find("is not a PostgreSQL URL"), std::string::npos) << refused.err;
}

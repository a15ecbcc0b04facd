// tests/integration/crash_test.cpp — the archive survives kill -9 at any moment: the real binary
// crawls a generated local site (`crawl --once -v`) and is SIGKILLed at random points, at least
// 20 times (on SQLite and, as postgresql/CrashTest.*, on PostgreSQL). After every kill the file passes integrity_check, every article whose commit the
// binary reported (`event=article.stored`) is there exactly once, and the next start resumes the
// queue; a final uninterrupted crawl completes the site with no duplicate anywhere.
// Threading: test thread; the HTTP server runs its own thread.
#include "store/db/postgresql.hpp"
#include "store/db/sqlite.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

using namespace feedkeeper;
using namespace feedkeeper::testing;

namespace {

constexpr int site_pages = 600;
constexpr int required_kills = 20;

std::string paragraph(std::mt19937& random)
{
    static const char* words[] = { "Regierung", "Parlament", "Wahl", "Stadt", "Fluss", "Brücke", "Minister", "Haushalt", "Grenze", "Handel", "Energie",
        "Preis", "Bericht", "Behörde", "Schule", "Gericht", "Urteil", "Hafen", "Bahn", "Regen", "Markt", "Bank", "Dorf", "Hilfe", "Treffen", "Gipfel",
        "berichtet", "entschied", "kündigte", "an", "die", "der", "das", "und", "mit", "nach", "über", "für", "am", "Montag", "Dienstag" };
    std::uniform_int_distribution<std::size_t> pick(0, std::size(words) - 1);
    std::string text;
    for (int sentence = 0; sentence < 4; ++sentence) {
        std::string s = "Die";
        for (int i = 0; i < 14; ++i)
            s += std::string(" ") + words[pick(random)];
        text += s + ". ";
    }
    return text;
}

std::string article_page(const std::string& base, int number)
{
    std::mt19937 random(static_cast<unsigned>(number));
    std::string body;
    for (int i = 0; i < 5; ++i)
        body += "<p>" + paragraph(random) + "</p>\n";
    const std::string url = base + "/news/" + std::to_string(number) + ".html";
    return "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Meldung " + std::to_string(number) + "</title>"
           "<link rel=\"canonical\" href=\"" + url + "\"></head><body><header><nav><a href=\"/\">Start</a> <a href=\"/politik/\">Politik</a></nav></header>"
           "<main><article><h1>Meldung " + std::to_string(number) + "</h1>\n" + body + "</article></main>"
           "<footer><p>© Lokalzeitung. Alle Rechte vorbehalten.</p></footer></body></html>";
}

std::string feed_document(const std::string& base)
{
    std::string items;
    for (int number = 1; number <= site_pages; ++number)
        items += "<item><title>Meldung " + std::to_string(number) + "</title><guid>" + base + "/news/" + std::to_string(number) + ".html</guid><link>" + base +
                 "/news/" + std::to_string(number) + ".html?utm_source=rss&amp;utm_medium=feed</link></item>\n";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Lokal</title><link>" + base + "/</link>\n" + items + "</channel></rss>";
}

// A plain connection to the archive (the store's own backends: an SQLite file, or a PostgreSQL
// database), as the next start of the binary would open it.
class Database {
public:
    explicit Database(const std::string& location)
    {
        try {
            if (location.starts_with("postgresql://"))
                m_db = std::make_unique<store::db::PostgresConnection>(location);
            else
                m_db = std::make_unique<store::db::SqliteConnection>(SQLite::Database(location, SQLite::OPEN_READWRITE, 5000));
        } catch (const std::exception& error) {
            ADD_FAILURE() << "cannot open " << location << ": " << error.what();
        }
    }

    bool sqlite() const { return m_db && m_db->backend() == store::db::Backend::sqlite; }

    // Rows as text ("NULL" for NULL); the parameters bind :p1, :p2, ... in order.
    std::vector<std::vector<std::string>> rows(const std::string& sql, const std::vector<std::string>& parameters = {})
    {
        std::vector<std::vector<std::string>> result;
        if (!m_db)
            return result;
        try {
            auto statement = m_db->prepare(sql);
            for (std::size_t i = 0; i < parameters.size(); ++i)
                statement->bind((":p" + std::to_string(i + 1)).c_str(), parameters[i]);
            while (statement->executeStep()) {
                std::vector<std::string> row;
                for (int column = 0; column < statement->columnCount(); ++column)
                    row.push_back(statement->getColumn(column).isNull() ? "NULL" : statement->getColumn(column).getString());
                result.push_back(std::move(row));
            }
        } catch (const std::exception& error) {
            ADD_FAILURE() << sql << ": " << error.what();
        }
        return result;
    }

    std::string value(const std::string& sql, const std::vector<std::string>& parameters = {})
    {
        auto result = rows(sql, parameters);
        return result.empty() || result[0].empty() ? std::string() : result[0][0];
    }

private:
    std::unique_ptr<store::db::Connection> m_db;
};

struct Reported {
    std::string article_id;
    std::string url; // as the feed linked it
};

// `event=article.stored article=ID ... url=URL` lines; only complete lines count.
std::vector<Reported> reported_articles(const std::string& log)
{
    // Values with '=' (the URL's query) are quoted by the logger.
    static const std::regex stored(R"re(event=article\.stored article=(\d+) .*url=(?:"([^"]+)"|(\S+)))re");
    std::vector<Reported> found;
    std::istringstream lines(log.substr(0, log.rfind('\n') + 1));
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_search(line, match, stored))
            found.push_back({ match[1], match[2].matched ? match[2].str() : match[3].str() });
    }
    return found;
}

std::string without_tracking(std::string url)
{
    const auto query = url.find('?');
    return query == std::string::npos ? url : url.substr(0, query);
}

class CrashTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const std::string base = server.base_url();
        const std::string feed = feed_document(base);
        server.route("/feed.xml", TestResponse { .headers = { { "Content-Type", "application/rss+xml; charset=utf-8" } }, .body = feed });
        for (int number = 1; number <= site_pages; ++number)
            server.route("/news/" + std::to_string(number) + ".html",
                TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = article_page(base, number) });
        // A little spacing per page keeps the crawl long enough for every kill to land mid-work.
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"25ms\"\n");
    }

    std::vector<std::string> command(std::vector<std::string> arguments) const
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db(), "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return argv;
    }

    const std::string& db() const { return archive; }

    // What must hold whenever the binary is not running, killed or not.
    void expect_consistent(const std::vector<Reported>& reported, const std::string& when)
    {
        SCOPED_TRACE(when);
        Database database(db());
        if (database.sqlite()) { // PostgreSQL checks its pages and foreign keys itself
            ASSERT_EQ(database.value("PRAGMA integrity_check"), "ok");
            EXPECT_TRUE(database.rows("PRAGMA foreign_key_check").empty());
        }
        EXPECT_TRUE(database.rows("SELECT url FROM articles GROUP BY url HAVING count(*) > 1").empty()) << "an article stored twice";
        EXPECT_TRUE(database.rows("SELECT article_id FROM revisions GROUP BY article_id HAVING count(*) > 1").empty()) << "a re-fetch became a revision";
        EXPECT_EQ(database.value("SELECT value FROM totals WHERE name = 'articles'"), database.value("SELECT count(*) FROM articles")) << "counters in step";
        for (const Reported& article : reported) {
            const std::string key = without_tracking(article.url);
            EXPECT_EQ(database.value("SELECT article_id FROM article_keys WHERE key = :p1", { key }), article.article_id) << "reported but missing: " << key;
            EXPECT_EQ(database.value("SELECT count(*) FROM revisions WHERE article_id = CAST(:p1 AS BIGINT)", { article.article_id }), "1") << key;
        }
    }

    HttpTestServer server;
    TemporaryDirectory directory;
    std::string archive = test_archive_location(directory.file("archive.db")); // a file, or a PostgreSQL database
};

} // namespace

TEST_F(CrashTest, KillNineAtRandomPointsLosesNoReportedArticleAndTheCrawlCompletes)
{
    ASSERT_EQ(run_process(command({ "add", server.base_url() + "/feed.xml" })).exit_code, 0);
    const unsigned seed = std::random_device {}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    // Kill points spread over start-up, the feed poll and the article stream.
    std::uniform_int_distribution<int> delay_ms(30, 900);

    std::vector<Reported> reported;
    int kills = 0;
    int kills_with_work_left = 0;
    for (int run = 0; kills < required_kills && run < 4 * required_kills; ++run) {
        ChildProcess crawl(command({ "-v", "crawl", "--once" }));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms(random));
        while (std::chrono::steady_clock::now() < deadline && crawl.running()) {
            crawl.read_stderr(); // keep the pipe drained so the child never blocks on it
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        const bool killed = crawl.running();
        if (killed) {
            crawl.signal(SIGKILL);
            ++kills;
        }
        const int status = crawl.wait(std::chrono::milliseconds(30'000));
        const std::string log = crawl.read_stderr();
        if (!killed) {
            ASSERT_EQ(status, 0) << log;
        }
        const auto stored = reported_articles(log);
        reported.insert(reported.end(), stored.begin(), stored.end());
        if (killed && reported.size() < static_cast<std::size_t>(site_pages))
            ++kills_with_work_left;
        expect_consistent(reported, "after run " + std::to_string(run) + (killed ? " (killed)" : " (completed)"));
        if (HasFatalFailure() || HasFailure())
            return;
    }
    ASSERT_GE(kills, required_kills);
    std::set<std::string> reported_urls;
    for (const Reported& article : reported)
        EXPECT_TRUE(reported_urls.insert(without_tracking(article.url)).second) << "reported as created twice: " << article.url;

    // The last crawl, uninterrupted, completes the site.
    auto final_crawl = run_process(command({ "-v", "crawl", "--once" }));
    ASSERT_EQ(final_crawl.exit_code, 0) << final_crawl.err;
    const auto last = reported_articles(final_crawl.err);
    reported.insert(reported.end(), last.begin(), last.end());
    expect_consistent(reported, "after the final crawl");

    Database database(db());
    EXPECT_EQ(database.value("SELECT count(*) FROM articles"), std::to_string(site_pages));
    EXPECT_EQ(database.value("SELECT count(*) FROM revisions"), std::to_string(site_pages));
    EXPECT_EQ(database.value("SELECT count(*) FROM jobs"), "0") << "every job done, none failed";
    EXPECT_EQ(database.value("SELECT article_count FROM feeds"), std::to_string(site_pages));

    auto exported = run_process(command({ "export", "--format", "jsonl" }));
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    std::map<std::string, int> per_url;
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);)
        ++per_url[nlohmann::json::parse(line)["url"].get<std::string>()];
    EXPECT_EQ(per_url.size(), static_cast<std::size_t>(site_pages));
    for (const auto& [url, count] : per_url)
        EXPECT_EQ(count, 1) << url;
    std::cerr << "crash test: " << kills << " kills (" << kills_with_work_left << " with articles still to fetch), " << reported.size() - last.size()
              << " articles reported before the final crawl, " << last.size() << " by it; seed " << seed << "\n";
}

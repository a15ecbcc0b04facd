// tests/integration/backfill_test.cpp — issue 15's acceptance tests: the real binary backfills a
// generated WordPress-like site (tests/support/wordpress_site.hpp: 500 posts over five years) served
// by the project's HTTP test server, into a real archive. Every post is archived exactly once with
// its date and category whichever source is forced; --since limits; a SIGKILLed backfill resumes;
// a second one adds nothing; each trap ends with a clear line, in bounded time, nothing duplicated.
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wordpress_site.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

class Backfill : public ::testing::Test {
protected:
    void start(WordPressTrap trap = WordPressTrap::none, std::chrono::milliseconds page_delay = 0ms, std::chrono::milliseconds feed_delay = 0ms)
    {
        site = std::make_unique<WordPressSite>(500, trap);
        server = std::make_unique<HttpTestServer>(ServerOptions { .threads = 2 });
        server->fallback([this, page_delay, feed_delay](const RecordedRequest& request) {
            TestResponse response = site->answer(request, server->base_url());
            if (request.target.starts_with("/feed/"))
                response.delay = feed_delay;
            else if (request.target.find("/post-") != std::string::npos && request.target.back() == '/')
                response.delay = page_delay;
            return response;
        });
        // No politeness delay: the tests measure the walk, not the waiting (politeness itself has its tests).
        write_text_file(directory.file("feedkeeper.toml"),
            "[politeness]\nmin_delay = \"0s\"\nresponse_time_factor = 0.0\n[store]\nsynchronous = \"normal\"\n");
        ASSERT_EQ(feedkeeper({ "add", feed_url() }).exit_code, 0);
        // Today's feed first, as a subscriber would: its 10 items are records 'feed'.
        const ProcessResult crawl = feedkeeper({ "crawl", "--once" });
        ASSERT_EQ(crawl.exit_code, 0) << crawl.err;
        ASSERT_EQ(count("SELECT count(*) FROM entries WHERE discovered_by = 'feed'"), 10);
    }

    std::string feed_url() const { return server->base_url() + "/feed/"; }
    std::string db() const { return directory.file("archive.db"); }

    std::vector<std::string> arguments(std::vector<std::string> more) const
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", db(), "--config", directory.file("feedkeeper.toml"), "--socket", directory.file("control.sock") };
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    }
    ProcessResult feedkeeper(std::vector<std::string> more) const { return run_process(arguments(std::move(more))); }
    std::int64_t count(const std::string& sql) const { return query_integer(db(), sql); }

    static bool is_post_page(const RecordedRequest& request)
    {
        return request.target.find("/post-") != std::string::npos && request.target.back() == '/';
    }
    std::size_t page_requests() const
    {
        const auto requests = server->requests();
        return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), is_post_page));
    }
    // Pages asked for but not stored: after a kill, the ones it caught between request and commit
    // (in transfer, extraction or the writer's open batch), which the next run asks for again.
    std::size_t pages_asked_not_stored() const
    {
        std::set<std::string> asked;
        for (const RecordedRequest& request : server->requests())
            if (is_post_page(request))
                asked.insert(request.target);
        return asked.size() - static_cast<std::size_t>(count("SELECT count(*) FROM articles"));
    }
    // The paths of the pages stored so far.
    std::set<std::string> stored_pages() const
    {
        std::set<std::string> paths;
        std::istringstream urls(query_text(db(), "SELECT group_concat(url, char(10)) FROM articles"));
        for (std::string url; std::getline(urls, url);) {
            const std::size_t authority = url.find("://");
            const std::size_t path = authority == std::string::npos ? authority : url.find('/', authority + 3);
            if (path != std::string::npos)
                paths.insert(url.substr(path));
        }
        return paths;
    }

    // Every post is one record of the feed, archived once, with the post's date and category.
    void expect_every_post_archived_once(const std::string& source)
    {
        SCOPED_TRACE("source " + source);
        EXPECT_EQ(count("SELECT count(*) FROM entries"), 500);
        EXPECT_EQ(count("SELECT count(DISTINCT link_key) FROM entries"), 500);
        EXPECT_EQ(count("SELECT count(*) FROM entries WHERE discovered_by = 'backfill:" + source + "'"), 490);
        EXPECT_EQ(count("SELECT count(*) FROM entries WHERE article_id IS NULL"), 0) << "every record holds its page";
        EXPECT_EQ(count("SELECT count(*) FROM articles"), 500);
        EXPECT_EQ(count("SELECT count(*) FROM articles WHERE revision_count != 1"), 0) << "each page fetched and stored once";
        EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0) << "nothing left queued or failed";
        EXPECT_EQ(page_requests(), 500u) << "each page asked for once";
        const std::string rows = query_text(db(),
            "SELECT group_concat(a.url || ' ' || coalesce(r.published, 'none') || ' ' || r.categories || ' ' || r.status, char(10))"
            " FROM articles a JOIN revisions r ON r.article_id = a.id AND r.revision = a.revision_count");
        std::map<std::string, std::string> stored;
        std::istringstream lines(rows);
        for (std::string line; std::getline(lines, line);)
            stored[line.substr(0, line.find(' '))] = line.substr(line.find(' ') + 1);
        ASSERT_EQ(stored.size(), 500u);
        int wrong = 0;
        for (const WordPressPost& post : site->posts()) {
            const std::string expected = fmt::format("{} [\"{}\"] article", post.published, post.category);
            const std::string& got = stored[server->base_url() + post.path];
            if (got != expected && ++wrong <= 3)
                ADD_FAILURE() << post.path << ": stored '" << got << "', expected '" << expected << "'";
        }
        EXPECT_EQ(wrong, 0);
    }

    std::unique_ptr<WordPressSite> site;
    std::unique_ptr<HttpTestServer> server;
    TemporaryDirectory directory;
};

struct SourceCase {
    std::string source;
};

class BackfillSource : public Backfill, public ::testing::WithParamInterface<std::string> { };

} // namespace

TEST_P(BackfillSource, ArchivesEveryPostOnceWithItsDateAndCategory)
{
    start();
    const auto began = Clock::now();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", GetParam() });
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const std::string source = GetParam() == "auto" ? "paged" : GetParam();
    expect_every_post_archived_once(source);
    if (source == "wp-json") {
        // The API's names and rendered content are the records' feed-provided fields.
        EXPECT_EQ(count("SELECT count(*) FROM entries WHERE discovered_by = 'backfill:wp-json' AND author IN ('Ani Petrosyan', 'Giorgi Beridze', 'Leyla Aliyeva')"
                        " AND categories IN ('[\"Politics\"]', '[\"Economy\"]', '[\"Culture\"]', '[\"Society\"]', '[\"Region\"]') AND body_source = 'feed'"
                        " AND body LIKE 'Dispatch %'"),
            490);
        EXPECT_EQ(server->request_count("/wp-json/wp/v2/users?include=1,2,3&per_page=100"), 1u) << "authors resolved once, cached";
    }
    EXPECT_LT(Clock::now() - began, 120s);
    // The export says how each record was found.
    const ProcessResult exported = feedkeeper({ "export", "--format", "jsonl" });
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    std::map<std::string, int> found_by;
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);)
        found_by[nlohmann::json::parse(line).value("discovered_by", "")] += 1;
    EXPECT_EQ(found_by["feed"], 10);
    EXPECT_EQ(found_by["backfill:" + source], 490);
    // status shows the finished backfill.
    const ProcessResult status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const auto backfills = nlohmann::json::parse(status.out).at("backfills");
    ASSERT_EQ(backfills.size(), 1u);
    EXPECT_EQ(backfills[0].at("state"), "done");
    EXPECT_EQ(backfills[0].at("queued"), 490);
    EXPECT_EQ(backfills[0].at("pending"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backfill, BackfillSource, ::testing::Values("paged", "wp-json", "sitemap", "auto"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param == "wp-json" ? std::string("wp_json") : info.param; });

TEST_F(Backfill, SinceKeepsOnlyThePostsPublishedFromThatDate)
{
    start();
    const std::string since = "2024-01-01";
    const std::int64_t since_seconds = 1704067200;
    std::int64_t expected = 0;
    for (const WordPressPost& post : site->posts())
        expected += post.published >= since_seconds;
    ASSERT_GT(expected, 100);
    ASSERT_LT(expected, 400);
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "wp-json", "--since", since });
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), expected);
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM entries WHERE published < {}", since_seconds)), 0);
    EXPECT_EQ(count("SELECT count(*) FROM articles"), expected);
    EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
}

TEST_F(Backfill, UntilFiltersASitemapByItsDates)
{
    start();
    const std::int64_t until_seconds = 1640995200; // 2022-01-01
    std::int64_t expected = 0;
    for (const WordPressPost& post : site->posts())
        expected += post.published < until_seconds;
    ASSERT_GT(expected, 20);
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "sitemap", "--until", "2022-01-01" });
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(count("SELECT count(*) FROM entries WHERE discovered_by = 'backfill:sitemap'"), expected);
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM entries WHERE discovered_by = 'backfill:sitemap' AND (published IS NULL OR published >= {})", until_seconds)), 0);
    EXPECT_EQ(count("SELECT count(*) FROM articles"), expected + 10);
}

TEST_F(Backfill, ASecondBackfillAddsNothing)
{
    start();
    ASSERT_EQ(feedkeeper({ "backfill", "1" }).exit_code, 0);
    const std::size_t pages_before = page_requests();
    const ProcessResult again = feedkeeper({ "backfill", "1" });
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_NE(again.out.find("0 new records queued this run"), std::string::npos) << again.out;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 500);
    EXPECT_EQ(count("SELECT count(*) FROM articles"), 500);
    EXPECT_EQ(page_requests(), pages_before) << "no page fetched again";
    EXPECT_EQ(count("SELECT count(*) FROM backfills WHERE state = 'done'"), 2);
}

TEST_F(Backfill, AKilledBackfillResumesWhereItWasAndEndsWithTheSame500)
{
    // Slow pages and feed pages, so that a kill lands in the walk and then in the crawl.
    start(WordPressTrap::none, 15ms, 120ms);
    {
        ChildProcess first(arguments({ "backfill", "1", "--source", "paged" }));
        const auto deadline = Clock::now() + 60s;
        while (count("SELECT coalesce(max(pages), 0) FROM backfills") < 12 && Clock::now() < deadline && first.running())
            std::this_thread::sleep_for(20ms);
        ASSERT_TRUE(first.running()) << "the walk ended before it could be killed";
        first.signal(SIGKILL);
        first.wait(10s);
    }
    const std::size_t caught_by_first_kill = pages_asked_not_stored();
    const std::int64_t walked = count("SELECT pages FROM backfills");
    EXPECT_GE(walked, 12);
    EXPECT_EQ(count("SELECT count(*) FROM backfills WHERE state = 'running'"), 1) << "killed: still running as far as the archive knows";
    const std::size_t page_2_asked = server->request_count("/feed/?paged=2");
    EXPECT_EQ(page_2_asked, 1u);
    {
        ChildProcess second(arguments({ "backfill", "1", "--source", "paged" }));
        const auto deadline = Clock::now() + 60s;
        while (count("SELECT count(*) FROM articles") < 200 && Clock::now() < deadline && second.running())
            std::this_thread::sleep_for(20ms);
        ASSERT_TRUE(second.running()) << "the crawl ended before it could be killed";
        second.signal(SIGKILL);
        second.wait(10s);
    }
    const std::size_t caught_by_second_kill = pages_asked_not_stored();
    const std::set<std::string> stored_at_second_kill = stored_pages();
    EXPECT_EQ(server->request_count("/feed/?paged=2"), 1u) << "the walk resumed after the pages it had stored";
    const ProcessResult last = feedkeeper({ "backfill", "1", "--source", "paged" });
    ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
    EXPECT_EQ(count("SELECT count(*) FROM backfills"), 1) << "one backfill, resumed twice";
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 500);
    EXPECT_EQ(count("SELECT count(DISTINCT link_key) FROM entries"), 500);
    EXPECT_EQ(count("SELECT count(*) FROM articles"), 500);
    EXPECT_EQ(count("SELECT count(*) FROM entries WHERE article_id IS NULL"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM jobs"), 0);
    // A stored page is never asked again. A kill catches the pages between request and commit (the
    // next transfer starts while one is extracted or waits in the writer's batch): only those are.
    ASSERT_GE(stored_at_second_kill.size(), 200u);
    std::map<std::string, int> asked;
    for (const RecordedRequest& request : server->requests())
        asked[request.target] += is_post_page(request);
    for (const std::string& page : stored_at_second_kill)
        EXPECT_EQ(asked[page], 1) << page << " was stored before the second kill";
    EXPECT_LE(page_requests(), 500u + caught_by_first_kill + caught_by_second_kill) << "only the pages caught by a kill are asked twice";
}

TEST_F(Backfill, APagedFeedThatRepeatsItsFirstPageEndsTheSourceWithAClearLine)
{
    start(WordPressTrap::paged_repeats);
    const auto began = Clock::now();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "paged" });
    EXPECT_LT(Clock::now() - began, 30s);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("paged: stopped at page 2: it repeats an earlier page's items"), std::string::npos) << run.out;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 10) << "nothing duplicated";
    EXPECT_EQ(server->request_count("/feed/?paged=3"), 0u);
}

TEST_F(Backfill, ANextLinkThatCyclesEndsTheSourceWithAClearLine)
{
    start(WordPressTrap::next_cycle);
    const auto began = Clock::now();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "paged" });
    EXPECT_LT(Clock::now() - began, 30s);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("(a cycle)"), std::string::npos) << run.out;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 30) << "pages 1 to 3, each item once";
    EXPECT_EQ(count("SELECT count(DISTINCT link_key) FROM entries"), 30);
    EXPECT_EQ(server->request_count("/feed/?pg=2"), 1u);
}

TEST_F(Backfill, ASitemapIndexThatListsItselfIsReadOnce)
{
    start(WordPressTrap::sitemap_self_index);
    const auto began = Clock::now();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "sitemap" });
    EXPECT_LT(Clock::now() - began, 60s);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("lists itself"), std::string::npos) << run.out;
    EXPECT_EQ(server->request_count("/sitemap_index.xml"), 1u);
    EXPECT_EQ(server->request_count("/news-sitemap.xml.gz"), 1u);
    EXPECT_EQ(server->request_count("/category-sitemap.xml"), 0u) << "a listing sitemap holds no articles";
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 500);
    EXPECT_EQ(count("SELECT count(*) FROM entries WHERE url LIKE '%/category/%' OR url = '" + server->base_url() + "/'"), 0);
}

TEST_F(Backfill, AnApiThatRobotsTxtClosesIsNotAskedAndTheOtherSourcesStillWork)
{
    start(WordPressTrap::robots_closes_api);
    const ProcessResult forced = feedkeeper({ "backfill", "1", "--source", "wp-json" });
    EXPECT_EQ(forced.exit_code, 1);
    EXPECT_EQ(forced.err.find("feedkeeper: error: no source of the site's past answered: wp-json: robots.txt disallows " + server->base_url() + "/wp-json/wp/v2/posts"), 0u)
        << forced.err;
    EXPECT_EQ(std::count(forced.err.begin(), forced.err.end(), '\n'), 1) << "one line";
    EXPECT_EQ(count("SELECT count(*) FROM backfills WHERE state = 'failed' AND message LIKE 'no source%'"), 1);
    const ProcessResult automatic = feedkeeper({ "backfill", "1" });
    ASSERT_EQ(automatic.exit_code, 0) << automatic.out << automatic.err;
    EXPECT_NE(automatic.out.find("wp-json: robots.txt disallows"), std::string::npos) << automatic.out;
    for (const RecordedRequest& request : server->requests())
        EXPECT_FALSE(request.target.starts_with("/wp-json/")) << request.target;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 500);
}

TEST_F(Backfill, MaxStopsAfterThatManyNewRecords)
{
    start();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "sitemap", "--max", "25" });
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("--max reached"), std::string::npos) << run.out;
    EXPECT_EQ(count("SELECT count(*) FROM entries WHERE discovered_by = 'backfill:sitemap'"), 25);
    EXPECT_EQ(count("SELECT count(*) FROM articles"), 35);
}

TEST_F(Backfill, AnArchivedFeedIsWalkedByItsPrevArchiveLinks)
{
    start(WordPressTrap::archived_feed);
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "archive" });
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("archive: ended after page 50: no further page"), std::string::npos) << run.out;
    expect_every_post_archived_once("archive");
    for (const RecordedRequest& request : server->requests())
        EXPECT_EQ(request.target.find("paged="), std::string::npos) << "only the archive links are followed: " << request.target;
}

TEST_F(Backfill, AFeedWithoutArchiveLinksIsNoArchivedFeed)
{
    start();
    const ProcessResult run = feedkeeper({ "backfill", "1", "--source", "archive" });
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.err, "feedkeeper: error: no source of the site's past answered: archive: " + feed_url()
            + " has no prev-archive link (RFC 5005 archived feed) (" + feed_url() + ")\n")
        << run.err;
    EXPECT_EQ(count("SELECT count(*) FROM entries"), 10) << "nothing added";
}

TEST_F(Backfill, UsageErrorsExitTwoWithOneLine)
{
    start();
    const ProcessResult source = feedkeeper({ "backfill", "1", "--source", "everything" });
    EXPECT_EQ(source.exit_code, 2);
    EXPECT_EQ(source.err, "feedkeeper: error: --source 'everything' is not one of auto, paged, wp-json, sitemap, archive (command line)\n");
    const ProcessResult date = feedkeeper({ "backfill", "1", "--since", "last tuesday" });
    EXPECT_EQ(date.exit_code, 2);
    EXPECT_NE(date.err.find("--since 'last tuesday' is not a date"), std::string::npos) << date.err;
    const ProcessResult feed = feedkeeper({ "backfill", "nosuchfeed" });
    EXPECT_EQ(feed.exit_code, 2) << feed.err;
    EXPECT_EQ(count("SELECT count(*) FROM backfills"), 0);
}

// Issue 15's daemon check: with a backfill of 5,000 items running in the daemon, the regular poll
// of another feed on another host happens when it is due, and its new article is archived within
// seconds of it, as without a backfill. (About 70 s: the shortest poll interval is one minute.)
TEST(BackfillDaemon, AnotherHostsPollAndItsNewArticleAreOnTimeWhileA5000ItemBackfillRuns)
{
    TemporaryDirectory directory;
    const WordPressSite site(5000);
    std::atomic<bool> news { false };
    HttpTestServer server(ServerOptions { .addresses = { "127.0.1.41", "127.0.1.42" }, .threads = 2 });
    const std::string site_base = server.base_url(0);
    const std::string news_base = server.base_url(1);
    server.fallback([&](const RecordedRequest& request) {
        if (request.host_address == "127.0.1.41")
            return site.answer(request, site_base);
        if (request.target == "/feed.xml")
            return TestResponse { .headers = { { "Content-Type", "application/rss+xml" } }, .body = news_feed(news_base, 2, 1, news ? 4 : 3) };
        if (request.target.starts_with("/a/"))
            return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = news_article_page(2, std::stoi(request.target.substr(3))) };
        return TestResponse { .status = 404 };
    });
    // A polite 50 ms between requests to a host: the backfill's 5,000 pages take minutes.
    write_text_file(directory.file("feedkeeper.toml"),
        "[politeness]\nmin_delay = \"50ms\"\nresponse_time_factor = 0.0\n[schedule]\njitter = 0.0\n[store]\nsynchronous = \"normal\"\n");
    const std::string db = directory.file("archive.db");
    auto argv = [&](std::vector<std::string> more) {
        std::vector<std::string> all { FEEDKEEPER_BINARY, "--db", db, "--config", directory.file("feedkeeper.toml"), "--socket", directory.file("control.sock") };
        all.insert(all.end(), more.begin(), more.end());
        return all;
    };
    ASSERT_EQ(run_process(argv({ "add", site_base + "/feed/" })).exit_code, 0);
    ASSERT_EQ(run_process(argv({ "add", news_base + "/feed.xml", "--interval", "1m" })).exit_code, 0);
    const ProcessResult first = run_process(argv({ "crawl", "--once" }));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::int64_t news_due = query_integer(db, "SELECT next_fetch FROM feeds WHERE id = 2");
    ASSERT_GT(news_due, 0);

    ChildProcess daemon(argv({ "daemon" }));
    for (int i = 0; i < 250 && !std::filesystem::exists(directory.file("control.sock")); ++i)
        std::this_thread::sleep_for(20ms);
    const ProcessResult backfill = run_process(argv({ "backfill", "1", "--source", "sitemap" }));
    ASSERT_EQ(backfill.exit_code, 0) << backfill.out << backfill.err << daemon.read_stderr();
    EXPECT_NE(backfill.out.find("4990 new records queued this run"), std::string::npos) << backfill.out;
    EXPECT_NE(daemon.read_stderr().find("command=backfill"), std::string::npos) << "the daemon walked it, not the CLI";
    news = true; // the other site publishes its fourth article

    const std::string article = news_base + "/a/4.html";
    std::int64_t archived_at = 0;
    while (std::time(nullptr) < news_due + 30 && daemon.running()) {
        (void)daemon.read_stderr(); // drained: a full pipe would block the daemon's io thread on its log line
        if (query_integer(db, "SELECT count(*) FROM articles WHERE url = '" + article + "'") == 1) {
            archived_at = std::time(nullptr);
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    const std::int64_t backfill_pending = query_integer(db, "SELECT count(*) FROM jobs WHERE kind = 'backfill' AND state = 'pending'");
    const std::int64_t backfill_archived = query_integer(db, "SELECT count(*) FROM entries WHERE discovered_by = 'backfill:sitemap' AND article_id IS NOT NULL");
    if (archived_at == 0) {
        std::string seen;
        for (const RecordedRequest& request : server.requests())
            if (request.host_address == "127.0.1.42")
                seen += request.target + " ";
        const std::string err = daemon.read_stderr();
        ADD_FAILURE() << "requests to the other host: " << seen << "\nfeed 2: " << query_text(db, "SELECT last_fetch || ' ' || next_fetch || ' ' || health FROM feeds WHERE id = 2")
                      << " due " << news_due << " now " << std::time(nullptr) << "\n" << [&] {
                          std::string kept;
                          std::istringstream lines(err);
                          for (std::string line; std::getline(lines, line);)
                              if (line.find("article.stored") == std::string::npos)
                                  kept += line + "\n";
                          return kept;
                      }();
    }
    ASSERT_GT(archived_at, 0) << "the new article of the other host was not archived within 30 s of its feed's due time";
    EXPECT_LE(archived_at - news_due, 4) << "poll due at " << news_due << ", article archived at " << archived_at;
    EXPECT_GT(backfill_pending, 1000) << "the backfill was still running";
    EXPECT_GT(backfill_archived, 100) << "and making progress";
    std::fprintf(stderr, "[ figures  ] new article archived %lld s after its feed was due; backfill then: %lld archived, %lld pending\n",
        static_cast<long long>(archived_at - news_due), static_cast<long long>(backfill_archived), static_cast<long long>(backfill_pending));

    const ProcessResult status = run_process(argv({ "status", "--json" }));
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const auto backfills = nlohmann::json::parse(status.out).at("backfills");
    ASSERT_EQ(backfills.size(), 1u);
    EXPECT_EQ(backfills[0].at("phase"), "fetching");
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(20s), 0);
}

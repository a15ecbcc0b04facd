// tests/integration/records_test.cpp — every item a feed announced is an archive record, whatever
// became of its page: the real binary crawls a local site whose feed leads to an article, a
// paywall, a consent wall, a 404, a page that times out and a page that is no article.
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace feedkeeper::testing;

namespace {

// Prose of its own per page, so that no paragraph reads as the site's template.
const std::string teaser = "The city council met on Tuesday evening to discuss the new bridge over the river, which has been "
                           "delayed for three years and now costs twice as much as planned. Residents on both banks "
                           "told the councillors that the ferry they depend on meanwhile is slow and often full.";
const std::string feed_content_text = "The consent-walled story in full, as the feed carries it: the harvest in the valley was "
                                      "the largest in a decade, and the farmers' cooperative had to rent two more warehouses "
                                      "to store the grain before the autumn rains.";
const std::string missing_summary = "A short summary of a story whose page is gone.";
const std::string slow_summary = "A short summary of a story whose server never answers in time.";

std::string paywall_page()
{
    return "<html><head><title>Bridge costs double</title><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
           "\"@type\":\"NewsArticle\",\"headline\":\"Bridge costs double\",\"isAccessibleForFree\":\"False\"}</script></head><body>"
           "<article><h1>Bridge costs double</h1><div class=\"article-body\"><p>" + teaser + "</p></div><div class=\"paywall-prompt\">"
           "<p>Subscribe now to continue reading. Already a subscriber? Log in.</p></div></article></body></html>";
}

std::string consent_wall_page()
{
    return "<html><head><title>Before you continue</title></head><body><div class=\"wrapper\"><h1>We value your privacy</h1>"
           "<p>We and our partners use cookies and similar technologies to store and access personal data on your device, such as "
           "your browsing behaviour and unique identifiers, for personalised ads and content, measurement and audience insights.</p>"
           "<p>You can accept all, reject all or manage your preferences at any time in the privacy settings. Some partners rely on "
           "legitimate interest.</p><button>Accept all</button><button>Reject all</button></div></body></html>";
}

std::string index_page()
{
    std::string html = "<html><head><title>Archive of the Valley Times</title></head><body><nav><ul>";
    for (int i = 0; i < 30; ++i)
        html += "<li><a href=\"/section/" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></li>";
    return html + "</ul></nav></body></html>";
}

std::string item(const std::string& base, const std::string& slug, const std::string& title, const std::string& extra)
{
    return "<item><title>" + title + "</title><link>" + base + "/a/" + slug + ".html</link><guid isPermaLink=\"false\">" + slug + "</guid>"
        + "<pubDate>Tue, 06 Dec 2022 09:14:00 GMT</pubDate>" + extra + "</item>";
}

class Records : public ::testing::Test {
protected:
    void SetUp() override
    {
        const std::string base = server.base_url();
        const std::string feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
                                 "<channel><title>Valley Times</title><link>" + base + "/</link>"
            + item(base, "article", "An article", "")
            + item(base, "paywall", "Bridge costs double", "<description>The bridge.</description>")
            + item(base, "consent", "Record harvest", "<description>The harvest.</description><content:encoded><![CDATA[<p>" + feed_content_text
                + "</p><div class=\"sharedaddy\"><a href=\"" + base + "/share\">Share on Facebook</a></div>]]></content:encoded>")
            + item(base, "missing", "A gone story", "<description>" + missing_summary + "</description>")
            + item(slow_server.base_url(), "slow", "A slow story", "<description>" + slow_summary + "</description>")
            + item(base, "index", "The archive index", "")
            + "</channel></rss>";
        server.route("/feed.xml", [feed](const RecordedRequest&) { return TestResponse { 200, { { "Content-Type", "application/rss+xml" } }, feed }; });
        server.route("/a/article.html", [](const RecordedRequest&) { return html(news_article_page(1, 1)); });
        server.route("/a/paywall.html", [](const RecordedRequest&) { return html(paywall_page()); });
        server.route("/a/consent.html", [](const RecordedRequest& request) {
            const auto cookie = request.headers.find("cookie");
            return html(cookie != request.headers.end() && cookie->second.find("consent=yes") != std::string::npos ? news_article_page(1, 3) : consent_wall_page());
        });
        server.route("/a/missing.html", [](const RecordedRequest&) { return TestResponse { 404, { { "Content-Type", "text/html" } }, "<html><body>Not found</body></html>" }; });
        // On a host of its own: a host whose transfers time out is backed off, the others are not.
        slow_server.route("/a/slow.html", [](const RecordedRequest&) {
            TestResponse response = html(news_article_page(1, 5));
            response.delay = std::chrono::milliseconds(4000);
            return response;
        });
        server.route("/a/index.html", [](const RecordedRequest&) { return html(index_page()); });
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[fetch]\ntotal_timeout = \"1s\"\n");
    }

    static TestResponse html(std::string body) { return TestResponse { 200, { { "Content-Type", "text/html; charset=utf-8" } }, std::move(body) }; }

    ProcessResult feedkeeper(std::vector<std::string> arguments)
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return run_process(argv);
    }

    std::vector<nlohmann::json> export_jsonl(std::vector<std::string> options = {})
    {
        std::vector<std::string> arguments { "export", "--format", "jsonl" };
        arguments.insert(arguments.end(), options.begin(), options.end());
        auto exported = feedkeeper(arguments);
        EXPECT_EQ(exported.exit_code, 0) << exported.err;
        std::vector<nlohmann::json> records;
        std::istringstream lines(exported.out);
        std::string line;
        while (std::getline(lines, line))
            records.push_back(nlohmann::json::parse(line));
        return records;
    }

    std::string url(const std::string& slug) { return server.base_url() + "/a/" + slug + ".html"; }

    HttpTestServer server;
    HttpTestServer slow_server { { "127.0.0.2" } };
    TemporaryDirectory directory;
};

} // namespace

TEST_F(Records, EveryItemIsARecordWithItsStatusAndTheBestBodyThereIs)
{
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed.xml" }).exit_code, 0);
    auto crawled = feedkeeper({ "crawl", "--once", "--max-wait", "8s" });
    EXPECT_EQ(crawled.exit_code, 1) << "the 404 and the timeout are failures of this run\n" << crawled.out << crawled.err;

    const auto records = export_jsonl();
    std::map<std::string, nlohmann::json> by_url;
    for (const auto& record : records) {
        EXPECT_TRUE(by_url.emplace(record["url"].get<std::string>(), record).second) << "twice: " << record["url"];
        EXPECT_EQ(record["discovered_by"], "feed");
        EXPECT_EQ(record["feed_url"], server.base_url() + "/feed.xml");
    }
    ASSERT_EQ(records.size(), 6u) << "one record per item";

    const auto& article = by_url[url("article")];
    EXPECT_EQ(article["status"], "article");
    EXPECT_EQ(article["body_source"], "page");
    EXPECT_EQ(article["revision"], 1);
    EXPECT_FALSE(article["body"].get<std::string>().empty());

    const auto& paywall = by_url[url("paywall")];
    EXPECT_EQ(paywall["status"], "paywall");
    EXPECT_EQ(paywall["body_source"], "page") << "the free teaser is the body";
    EXPECT_EQ(paywall["body"], teaser);

    const auto& consent = by_url[url("consent")];
    EXPECT_EQ(consent["status"], "consent_wall");
    EXPECT_EQ(consent["body_source"], "feed");
    EXPECT_EQ(consent["body"], feed_content_text) << "the feed's full text, its share link cleaned away; never the wall's text";
    EXPECT_EQ(consent["title"], "Record harvest") << "the item's title, not the wall's";

    const auto& missing = by_url[url("missing")];
    EXPECT_EQ(missing["status"], "gone");
    EXPECT_EQ(missing["body_source"], "summary");
    EXPECT_EQ(missing["body"], missing_summary);
    EXPECT_TRUE(missing["id"].is_null()) << "no page stored";
    EXPECT_TRUE(missing["fetched_at"].is_null());
    EXPECT_EQ(missing["guid"], "missing");
    EXPECT_EQ(missing["title"], "A gone story");

    const auto& slow = by_url[slow_server.base_url() + "/a/slow.html"];
    EXPECT_EQ(slow["status"], "failed");
    EXPECT_EQ(slow["body_source"], "summary");
    EXPECT_EQ(slow["body"], slow_summary);

    const auto& index = by_url[url("index")];
    EXPECT_EQ(index["status"], "not_article") << crawled.out << crawled.err;
    EXPECT_EQ(index["body_source"], "none");
    EXPECT_EQ(index["body"], "");

    // Filtered by status; the status command counts records per status.
    const auto lost = export_jsonl({ "--status", "gone,failed" });
    ASSERT_EQ(lost.size(), 2u);
    EXPECT_EQ(export_jsonl({ "--status", "paywall", "--status", "consent_wall" }).size(), 2u);
    auto bad = feedkeeper({ "export", "--format", "jsonl", "--status", "archived" });
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("unknown --status 'archived'"), std::string::npos) << bad.err;

    auto status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const auto counts = nlohmann::json::parse(status.out)["records"];
    for (const char* name : { "article", "paywall", "consent_wall", "gone", "failed", "not_article" })
        EXPECT_EQ(counts[name], 1) << name << ": " << counts.dump();
    EXPECT_EQ(counts["pending"], 0);
    EXPECT_EQ(counts["error_page"], 0);

    // Search covers every stored record: the consent wall's record by the feed's text it holds.
    auto search = feedkeeper({ "search", "warehouses", "--json" });
    ASSERT_EQ(search.exit_code, 0) << search.err;
    EXPECT_NE(search.out.find(url("consent")), std::string::npos) << search.out;

    // CSV and Markdown carry the status and the body's source too.
    auto csv = feedkeeper({ "export", "--format", "csv", "--status", "gone" });
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_NE(csv.out.find(",status,body_source,discovered_by,body\r\n"), std::string::npos) << csv.out;
    EXPECT_NE(csv.out.find(",gone,summary,feed," + missing_summary), std::string::npos) << csv.out;
    auto markdown = feedkeeper({ "export", "--format", "md", "--status", "consent_wall" });
    ASSERT_EQ(markdown.exit_code, 0) << markdown.err;
    EXPECT_NE(markdown.out.find("- Status: consent_wall (body from feed)"), std::string::npos) << markdown.out;
}

TEST_F(Records, AConsentWallPassedLaterBecomesTheArticleInANewRevision)
{
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed.xml" }).exit_code, 0);
    feedkeeper({ "crawl", "--once", "--max-wait", "8s" });

    auto cookie = feedkeeper({ "add", server.base_url() + "/feed.xml", "--cookie", "consent=yes" });
    ASSERT_EQ(cookie.exit_code, 0) << cookie.err;
    EXPECT_NE(cookie.out.find("subscribed already"), std::string::npos) << cookie.out;
    auto feeds = feedkeeper({ "feeds", "--json" });
    ASSERT_EQ(nlohmann::json::parse(feeds.out).size(), 1u) << "the feed is updated, not added twice";

    auto recrawled = feedkeeper({ "recrawl", "--url", url("consent"), "--max-wait", "8s" });
    ASSERT_EQ(recrawled.exit_code, 0) << recrawled.out << recrawled.err;

    std::vector<nlohmann::json> revisions;
    for (const auto& record : export_jsonl())
        if (record["url"] == url("consent"))
            revisions.push_back(record);
    ASSERT_EQ(revisions.size(), 2u) << "nothing is overwritten";
    EXPECT_EQ(revisions[0]["revision"], 1);
    EXPECT_EQ(revisions[0]["status"], "consent_wall");
    EXPECT_EQ(revisions[0]["body"], feed_content_text);
    EXPECT_EQ(revisions[1]["revision"], 2);
    EXPECT_EQ(revisions[1]["status"], "article");
    EXPECT_EQ(revisions[1]["body_source"], "page");
    EXPECT_NE(revisions[1]["body"], feed_content_text);
    EXPECT_EQ(revisions[0]["id"], revisions[1]["id"]) << "one record, two revisions";

    auto status = feedkeeper({ "status", "--json" });
    const auto counts = nlohmann::json::parse(status.out)["records"];
    EXPECT_EQ(counts["article"], 2) << counts.dump();
    EXPECT_EQ(counts["consent_wall"], 0) << counts.dump();

    // Search holds each record's current text: the feed's text of the wall revision is gone from it.
    auto search = feedkeeper({ "search", "warehouses", "--json" });
    ASSERT_EQ(search.exit_code, 0) << search.err;
    EXPECT_EQ(search.out.find(url("consent")), std::string::npos) << search.out;
}

TEST_F(Records, AJsonlExportOfEveryKindOfRecordImportsIntoAnEmptyArchiveAsTheSameRecords)
{
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed.xml" }).exit_code, 0);
    feedkeeper({ "crawl", "--once", "--max-wait", "8s" });
    auto exported = feedkeeper({ "export", "--format", "jsonl", "--output", directory.file("records.jsonl") });
    ASSERT_EQ(exported.exit_code, 0) << exported.err;

    const std::string restored = directory.file("restored.db");
    auto imported = run_process({ FEEDKEEPER_BINARY, "--db", restored, "import", directory.file("records.jsonl") });
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    auto again = run_process({ FEEDKEEPER_BINARY, "--db", restored, "export", "--format", "jsonl" });
    ASSERT_EQ(again.exit_code, 0) << again.err;

    auto without_ids = [](const std::string& text) {
        std::map<std::string, nlohmann::json> records;
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            auto record = nlohmann::json::parse(line);
            record.erase("id"); // each archive numbers its own articles
            records[record["url"].get<std::string>() + "#" + std::to_string(record["revision"].get<int>())] = record;
        }
        return records;
    };
    const auto original = without_ids(read_text_file(directory.file("records.jsonl")));
    const auto round_trip = without_ids(again.out);
    ASSERT_EQ(original.size(), 6u);
    EXPECT_EQ(round_trip, original);

    // The pending and failed items keep their place: the restored archive's status counts them as the original's.
    auto status = run_process({ FEEDKEEPER_BINARY, "--db", restored, "status", "--json" });
    const auto counts = nlohmann::json::parse(status.out)["records"];
    EXPECT_EQ(counts["gone"], 1) << counts.dump();
    EXPECT_EQ(counts["failed"], 1) << counts.dump();
    EXPECT_EQ(counts["consent_wall"], 1) << counts.dump();
}

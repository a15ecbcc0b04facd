// tests/integration/web_test.cpp — the web view (`feedkeeper serve`) over a real archive, built
// by crawling a local site whose titles, bodies and links are hostile: every route and status
// code, escaping, the sandbox of raw captures, the token, malformed and oversized requests,
// path traversal, cursor pagination, search highlighting and the revision diff.
#include "tests/support/http_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"
#include "tests/support/web_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <regex>
#include <set>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// A page the extractor keeps as an article, with hostile markup in its title and body.
std::string hostile_page(int article, const std::string& title_html, int version)
{
    std::string page = news_article_page(2, article);
    const std::string plain_title = "Story " + std::to_string(article) + " of host 2";
    page.replace(page.find("<title>" + plain_title + "</title>"), plain_title.size() + 15, "<title>" + title_html + "</title>");
    page.replace(page.find("<h1>" + plain_title + "</h1>"), plain_title.size() + 9,
        "<h1>" + title_html + "</h1>\n<script>document.title = 'PWNED';</script>"
        "<p>Story " + std::to_string(article) + " asks you to read <a href=\"javascript:alert(document.cookie)\">the hostile link</a> and <a href=\"https://example.org/fine\">the fine one</a>"
        " <img src=\"x\" onerror=\"alert(2)\"> before the report goes on with its long account of the harbour, the council meeting about the"
        " railway budget, the teachers who spoke at the market, the farmers who came from the village by the river, and the minister who"
        " answered questions about the bridge, the border and the winter energy prices for a long time in the museum hall.</p>\n");
    if (version > 1)
        page.replace(page.find("Report " + std::to_string(article) + " from host 2 says:"), 0, "Amended lighthouse edition. ");
    return page;
}

class ServeProcess {
public:
    ServeProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment = {})
        : process(std::make_unique<ChildProcess>(argv, environment))
    {
        const auto end = std::chrono::steady_clock::now() + 15s;
        while (std::chrono::steady_clock::now() < end && process->running()) {
            err += process->read_stderr();
            // "feedkeeper: serving DB at http://ADDR:PORT/ (read-only; ...)"
            if (const auto at = err.find(" at http://"); at != std::string::npos && err.find("/ (", at) != std::string::npos) {
                const auto colon = err.find(":", err.find("]", at) == std::string::npos ? at + 11 : err.find("]", at));
                port = static_cast<unsigned short>(std::stoi(err.substr(colon + 1)));
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }

    std::unique_ptr<ChildProcess> process;
    std::string err;
    unsigned short port = 0;
};

class Web : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        site = std::make_unique<HttpTestServer>();
        directory = std::make_unique<TemporaryDirectory>();
        const std::string base = site->base_url();
        std::string items;
        const std::vector<std::pair<int, std::string>> entries {
            { 1, "Harbour &lt;script&gt;alert('title')&lt;/script&gt; news" },
            { 2, "Bridge &quot;&gt;&lt;img src=x onerror=alert(1)&gt; report" },
            { 3, "Story 3 of host 2" },
            { 4, "Story 4 of host 2" },
            { 5, "Story 5 of host 2" },
        };
        for (const auto& [article, title] : entries) {
            items += "<item><title>" + title + "</title><link>" + base + "/a/" + std::to_string(article) + ".html</link><guid>" + base + "/a/"
                + std::to_string(article) + ".html</guid><pubDate>Tue, 06 Dec 2022 10:0" + std::to_string(article) + ":00 GMT</pubDate></item>";
            const std::string page_title = title;
            site->route("/a/" + std::to_string(article) + ".html", [article, page_title](const RecordedRequest&) {
                return TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = hostile_page(article, page_title, version.load()) };
            });
        }
        items += "<item><title>The missing one</title><link>" + base + "/gone.html</link><guid>" + base + "/gone.html</guid></item>";
        site->route("/gone.html", TestResponse { .status = 404, .body = "gone" });
        site->route("/feed.xml", TestResponse { .headers = { { "Content-Type", "application/rss+xml" } },
                                     .body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile &lt;b&gt;feed&lt;/b&gt;</title><link>" + base
                                         + "/</link>" + items + "</channel></rss>" });
        write_text_file(directory->file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[schedule]\narticle_attempts = 1\n");
        ASSERT_EQ(feedkeeper({ "add", base + "/feed.xml" }).exit_code, 0);
        ASSERT_EQ(feedkeeper({ "add", "https://other.example/feed", "--name", "Other" }).exit_code, 0);
        auto crawled = feedkeeper({ "crawl", "--once" });
        ASSERT_TRUE(crawled.exit_code == 0 || crawled.exit_code == 1) << crawled.err; // the missing page and the unreachable feed fail
        version = 2;
        auto recrawled = feedkeeper({ "recrawl", "--url", base + "/a/1.html" });
        ASSERT_EQ(recrawled.exit_code, 0) << recrawled.err;
        server = std::make_unique<ServeProcess>(command({ "serve", "--listen", "127.0.0.1:0" }));
        ASSERT_NE(server->port, 0) << server->err;
    }

    static void TearDownTestSuite()
    {
        server.reset();
        site.reset();
        directory.reset();
    }

    static std::vector<std::string> command(std::vector<std::string> arguments)
    {
        std::vector<std::string> argv { FEEDKEEPER_BINARY, "--db", directory->file("archive.db"), "--config", directory->file("feedkeeper.toml") };
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        return argv;
    }
    static ProcessResult feedkeeper(std::vector<std::string> arguments) { return run_process(command(std::move(arguments)), ProcessOptions { .timeout = 60s }); }

    static WebReply get(const std::string& path, const std::vector<std::string>& headers = {}, const std::string& method = "GET")
    {
        return web_request(server->url(path), headers, method);
    }
    static nlohmann::json get_json(const std::string& path)
    {
        const WebReply reply = get(path);
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
        EXPECT_EQ(reply.header("content-type"), "application/json") << path;
        return nlohmann::json::parse(reply.body);
    }
    static std::int64_t article_id(const std::string& url_suffix)
    {
        const auto records = get_json("/api/v1/feeds/1/records?limit=100")["records"];
        for (const auto& record : records)
            if (record["url"].get<std::string>().ends_with(url_suffix) && record["id"].is_number())
                return record["id"].get<std::int64_t>();
        ADD_FAILURE() << "no stored article at " << url_suffix << " among " << records.dump(1);
        return 0;
    }

    static inline std::unique_ptr<HttpTestServer> site;
    static inline std::unique_ptr<TemporaryDirectory> directory;
    static inline std::unique_ptr<ServeProcess> server;
    static inline std::atomic<int> version { 1 };
};

TEST_F(Web, EveryRouteAnswersWithTheStrictPolicy)
{
    const std::int64_t article = article_id("/a/1.html");
    ASSERT_GT(article, 0);
    const auto api_article = get_json("/api/v1/articles/" + std::to_string(article));
    ASSERT_TRUE(api_article["capture_id"].is_number()) << api_article.dump();
    const std::string capture = std::to_string(api_article["capture_id"].get<std::int64_t>());
    const std::string id = std::to_string(article);
    for (const std::string& path : std::vector<std::string> { "/", "/feeds/1", "/feeds/1/", "/search", "/search?q=harbour", "/articles/" + id, "/articles/" + id + "?diff=1..2",
             "/captures/" + capture, "/status", "/static/style.css", "/api/v1/feeds", "/api/v1/feeds/1/records", "/api/v1/articles/" + id,
             "/api/v1/articles/" + id + "/revisions", "/api/v1/search?q=harbour", "/api/v1/status" }) {
        const WebReply reply = get(path);
        EXPECT_EQ(reply.status, 200) << path << ": " << reply.error << reply.body.substr(0, 300);
        EXPECT_TRUE(reply.header("content-security-policy").starts_with("default-src 'none'; style-src 'self'; img-src 'self' data:")) << path;
        EXPECT_EQ(reply.header("x-content-type-options"), "nosniff") << path;
        EXPECT_EQ(reply.header("x-frame-options"), "DENY") << path;
        EXPECT_FALSE(reply.header("etag").empty()) << path;
    }
    EXPECT_EQ(get("/static/style.css").header("content-type"), "text/css; charset=utf-8");
    const std::string feeds = get("/").body;
    EXPECT_TRUE(contains(feeds, "aria-label=\"6 items in the last 30 days\"")) << "today's bar: five pages and the missing one";
    EXPECT_TRUE(contains(feeds, "<rect x=\"116\"")) << "today is the last bar";
}

TEST_F(Web, UnknownThingsAre404)
{
    for (const std::string path : { "/nope", "/feeds/999", "/feeds/abc", "/feeds/-1", "/feeds/1/extra", "/articles/999999", "/articles/0", "/captures/999999",
             "/captures/999999/raw", "/static/other.css", "/api/v1/nope", "/api/v2/feeds", "/api/v1/articles/999999", "/api/v1/feeds/999/records",
             "/api/v1/articles/999999/revisions" }) {
        const WebReply reply = get(path);
        EXPECT_EQ(reply.status, 404) << path;
        EXPECT_FALSE(reply.header("content-security-policy").empty()) << path;
    }
    EXPECT_EQ(nlohmann::json::parse(get("/api/v1/articles/999999").body)["status"], 404);
}

TEST_F(Web, BadParametersAre400AndSayWhich)
{
    const std::int64_t article = article_id("/a/1.html");
    const std::vector<std::pair<std::string, std::string>> cases {
        { "/feeds/1?since=yesterday", "since" }, { "/feeds/1?status=bogus", "status" }, { "/feeds/1?limit=0", "limit" }, { "/feeds/1?before=x", "before" },
        { "/search?q=harbour&feed=abc", "feed" }, { "/search?q=harbour&until=soon", "until" }, { "/api/v1/search", "'q'" },
        { "/api/v1/feeds/1/records?limit=100000", "limit" }, { "/articles/" + std::to_string(article) + "?diff=1-2", "diff" },
        { "/search?q=%zz", "query" }, { "/api/v1/search?q=" + std::string(2000, 'a'), "query string" },
    };
    for (const auto& [path, word] : cases) {
        const WebReply reply = get(path);
        EXPECT_EQ(reply.status, 400) << path;
        EXPECT_TRUE(contains(reply.body, word)) << path << ": " << reply.body.substr(0, 400);
    }
}

TEST_F(Web, OnlyGetAndHeadAreAnswered)
{
    for (const char* method : { "POST", "PUT", "DELETE", "PATCH", "OPTIONS" }) {
        const WebReply reply = get("/", {}, method);
        EXPECT_EQ(reply.status, 405) << method;
        EXPECT_EQ(reply.header("allow"), "GET, HEAD") << method;
    }
    const WebReply full = get("/feeds/1");
    const WebReply head = get("/feeds/1", {}, "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(head.header("content-length"), std::to_string(full.body.size()));
    EXPECT_EQ(head.header("etag"), full.header("etag"));
}

TEST_F(Web, AnUnchangedPageRevalidatesAs304)
{
    const WebReply first = get("/");
    ASSERT_FALSE(first.header("etag").empty());
    const WebReply again = get("/", { "If-None-Match: " + first.header("etag") });
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(get("/", { "If-None-Match: \"something else\"" }).status, 200);
}

TEST_F(Web, OversizedAndMalformedRequestsAreRefused)
{
    const std::string huge_header = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + std::string(10'000, 'a') + "\r\n\r\n";
    EXPECT_TRUE(raw_exchange(server->port, huge_header).starts_with("HTTP/1.1 431")) << "headers past 8 KiB";
    const std::string with_body = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n";
    EXPECT_TRUE(raw_exchange(server->port, with_body).starts_with("HTTP/1.1 413")) << "a request body";
    EXPECT_TRUE(raw_exchange(server->port, "HELLO THERE\r\n\r\n").starts_with("HTTP/1.1 400"));
    EXPECT_TRUE(raw_exchange(server->port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n").starts_with("HTTP/1.1 400"));
    EXPECT_TRUE(raw_exchange(server->port, "GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 400")) << "absolute-form target";
    const std::string long_target = "GET /search?q=" + std::string(3000, 'a') + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    EXPECT_TRUE(raw_exchange(server->port, long_target).starts_with("HTTP/1.1 414"));
    EXPECT_EQ(get("/status").status, 200) << "the view still answers";
}

TEST_F(Web, ConnectionsBeyondTheCapAreClosedAndTheViewRecovers)
{
    // 64 clients that connect and say nothing hold every slot (until their 15 s read timeout).
    std::vector<int> idle;
    for (int i = 0; i < 64; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(server->port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        idle.push_back(fd);
    }
    std::this_thread::sleep_for(200ms); // accepted
    const WebReply refused = get("/status");
    EXPECT_EQ(refused.status, 0) << "the 65th connection is closed at once";
    for (int fd : idle)
        ::close(fd);
    bool answered = false;
    for (int attempt = 0; attempt < 50 && !answered; ++attempt) {
        answered = get("/status").status == 200;
        if (!answered)
            std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(answered) << "slots are given back when clients leave";
}

TEST_F(Web, PathTraversalReachesNothing)
{
    for (const std::string path : { "/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
             "/static/..%2f..%2f..%2fetc%2fpasswd", "/captures/1/..%2f..%2f..%2fetc%2fpasswd", "/static/style.css%00.html", "/..\\..\\etc\\passwd" }) {
        const WebReply reply = get(path);
        EXPECT_TRUE(reply.status == 404 || reply.status == 400) << path << " answered " << reply.status;
        EXPECT_FALSE(contains(reply.body, "root:")) << path;
    }
}

TEST_F(Web, HostileTitlesBodiesAndLinksAreEscaped)
{
    const std::int64_t first = article_id("/a/1.html");
    const std::int64_t second = article_id("/a/2.html");
    ASSERT_GT(first, 0);
    ASSERT_GT(second, 0);
    for (const std::string& path : std::vector<std::string> { "/", "/feeds/1", "/articles/" + std::to_string(first), "/articles/" + std::to_string(second),
             "/articles/" + std::to_string(first) + "?diff=1..2", "/search?q=harbour", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", "/status" }) {
        const WebReply reply = get(path);
        ASSERT_EQ(reply.status, 200) << path;
        const std::string page = lower(reply.body);
        EXPECT_FALSE(contains(page, "<script")) << path << ": no script element, archived or ours";
        EXPECT_FALSE(std::regex_search(page, std::regex("<[a-z][^<>]*\\son[a-z]+\\s*="))) << path << ": no element with an event handler attribute";
        EXPECT_FALSE(contains(page, "javascript:")) << path << ": no javascript: link";
        EXPECT_FALSE(contains(page, "<img src=x")) << path;
    }
    const std::string article = get("/articles/" + std::to_string(first)).body;
    EXPECT_TRUE(contains(article, "Harbour &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; news")) << article.substr(0, 3000);
    EXPECT_TRUE(contains(article, "href=\"https://example.org/fine\"")) << "http(s) links stay links";
    EXPECT_TRUE(contains(article, "the hostile link")) << "a javascript: link keeps its text, not its target: " << article.substr(article.find("<article"), 1500);
    const std::string bridge = get("/articles/" + std::to_string(second)).body;
    EXPECT_TRUE(contains(bridge, "Bridge &quot;&gt;&lt;img src=x")) << bridge.substr(0, 2000);
    // The API gives the same values as data, in JSON, which a browser does not run.
    EXPECT_EQ(get_json("/api/v1/articles/" + std::to_string(first))["title"], "Harbour <script>alert('title')</script> news");
    EXPECT_TRUE(contains(get("/feeds/1").body, "Hostile &lt;b&gt;feed&lt;/b&gt;")) << "the feed's own title";
}

TEST_F(Web, RawCapturesAreServedSandboxedInsideTheirFrame)
{
    const std::int64_t article = article_id("/a/1.html");
    const std::int64_t capture = get_json("/api/v1/articles/" + std::to_string(article))["capture_id"].get<std::int64_t>();
    const WebReply page = get("/captures/" + std::to_string(capture));
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(contains(page.body, "<iframe class=\"capture\" sandbox src=\"/captures/" + std::to_string(capture) + "/raw\"")) << page.body;
    EXPECT_TRUE(contains(page.body, "Content-Type: text/html; charset=utf-8")) << "the response headers";
    EXPECT_TRUE(std::regex_search(page.body, std::regex("<code>[0-9a-f]{64}</code>"))) << "the body's SHA-256";
    const WebReply raw = get("/captures/" + std::to_string(capture) + "/raw");
    ASSERT_EQ(raw.status, 200);
    EXPECT_TRUE(raw.header("content-security-policy").starts_with("sandbox;")) << raw.header("content-security-policy");
    EXPECT_TRUE(contains(raw.header("content-security-policy"), "default-src 'none'"));
    EXPECT_EQ(raw.header("x-frame-options"), "SAMEORIGIN");
    EXPECT_TRUE(raw.header("content-type").starts_with("text/html"));
    EXPECT_TRUE(contains(raw.body, "document.title = 'PWNED'")) << "the capture is the page as fetched, made harmless by its headers";
    // A capture that is not HTML (the feed) is shown as text.
    const WebReply capture_one = get("/captures/1/raw");
    EXPECT_EQ(capture_one.header("content-type"), "text/plain; charset=utf-8") << "the first capture is the feed or robots.txt";
}

TEST_F(Web, SearchHighlightsAndFilters)
{
    const WebReply found = get("/search?q=lighthouse");
    ASSERT_EQ(found.status, 200);
    EXPECT_TRUE(contains(found.body, "<mark>lighthouse</mark>") || contains(found.body, "<mark>Lighthouse</mark>")) << found.body;
    EXPECT_TRUE(contains(found.body, "Harbour &lt;script&gt;"));
    EXPECT_TRUE(contains(get("/search?q=lighthouse&feed=2").body, "No matches.")) << "the other feed has none";
    EXPECT_TRUE(contains(get("/search?q=lighthouse&since=2100-01-01").body, "No matches."));
    const auto hits = get_json("/api/v1/search?q=lighthouse");
    ASSERT_EQ(hits.size(), 1u) << hits.dump();
    EXPECT_TRUE(contains(hits[0]["snippet"].get<std::string>(), "[")) << "the API's snippet marks matches as `search --json` does";
    EXPECT_EQ(get_json("/api/v1/search?q=lighthouse&feed=1").size(), 1u);
    std::string many;
    for (int i = 0; i < 65; ++i)
        many += "w" + std::to_string(i) + "+";
    const WebReply refused = get("/search?q=" + many);
    EXPECT_EQ(refused.status, 400) << "the archive's cap on query terms";
    EXPECT_TRUE(contains(refused.body, "more than 64 different words")) << refused.body;
}

TEST_F(Web, ArticleShowsRevisionsAndAWordDiff)
{
    const std::int64_t article = article_id("/a/1.html");
    const auto revisions = get_json("/api/v1/articles/" + std::to_string(article) + "/revisions");
    ASSERT_EQ(revisions.size(), 2u) << revisions.dump();
    EXPECT_EQ(revisions[0]["revision"], 1);
    EXPECT_EQ(revisions[1]["revision"], 2);
    for (const char* field : { "id", "feed_url", "url", "title", "published", "fetched_at", "body", "content_sha256", "status", "body_source" })
        EXPECT_TRUE(revisions[1].contains(field)) << field;
    const WebReply diff = get("/articles/" + std::to_string(article) + "?diff=1..2");
    ASSERT_EQ(diff.status, 200);
    EXPECT_TRUE(contains(diff.body, "<ins>Amended lighthouse edition. </ins>")) << diff.body.substr(diff.body.find("class=\"diff\""), 400);
    const std::string changes = diff.body.substr(diff.body.find("<div class=\"diff\">"));
    EXPECT_FALSE(contains(changes, "<del>")) << "nothing was removed: " << changes.substr(0, 3000);
    const WebReply back = get("/articles/" + std::to_string(article) + "?diff=2..1");
    EXPECT_TRUE(contains(back.body, "<del>Amended lighthouse edition. </del>"));
    EXPECT_EQ(get("/articles/" + std::to_string(article) + "?diff=1..9").status, 404);
    const WebReply page = get("/articles/" + std::to_string(article));
    EXPECT_TRUE(contains(page.body, "?diff=1..2#diff")) << "a link to each revision's changes";
}

TEST_F(Web, FeedRecordsPageByCursorNewestFirstWithStatuses)
{
    const auto first = get_json("/api/v1/feeds/1/records?limit=2");
    ASSERT_EQ(first["records"].size(), 2u);
    ASSERT_TRUE(first["next_before"].is_number());
    EXPECT_GT(first["records"][0]["entry_id"].get<int>(), first["records"][1]["entry_id"].get<int>()) << "newest first";
    std::set<std::int64_t> seen;
    std::string next = "/api/v1/feeds/1/records?limit=2";
    for (int page = 0; page < 10 && !next.empty(); ++page) {
        const auto body = get_json(next);
        for (const auto& record : body["records"])
            EXPECT_TRUE(seen.insert(record["entry_id"].get<std::int64_t>()).second) << "no record twice";
        next = body["next_before"].is_number() ? "/api/v1/feeds/1/records?limit=2&before=" + std::to_string(body["next_before"].get<std::int64_t>()) : "";
    }
    EXPECT_EQ(seen.size(), 6u) << "five pages and the missing one";
    const auto failed = get_json("/api/v1/feeds/1/records?status=failed,gone");
    ASSERT_EQ(failed["records"].size(), 1u) << failed.dump();
    EXPECT_TRUE(failed["records"][0]["id"].is_null());
    const WebReply html = get("/feeds/1?limit=2");
    EXPECT_TRUE(contains(html.body, "rel=\"next\"")) << "a link to older records";
    EXPECT_TRUE(contains(html.body, "badge article"));
    EXPECT_TRUE(contains(get("/feeds/1?status=failed,gone").body, "The missing one"));
    EXPECT_TRUE(contains(get("/feeds/1?since=2100-01-01").body, "No records match."));
}

TEST_F(Web, StatusShowsWhatTheStatusCommandPrints)
{
    const auto api = get_json("/api/v1/status");
    const auto cli = nlohmann::json::parse(feedkeeper({ "status", "--json" }).out);
    EXPECT_EQ(api["articles"], cli["articles"]);
    EXPECT_EQ(api["records"], cli["records"]);
    EXPECT_EQ(api["queue"], cli["queue"]);
    const WebReply page = get("/status");
    EXPECT_TRUE(contains(page.body, "<dt>Articles</dt><dd>" + cli["articles"].dump() + " ")) << page.body;
    EXPECT_EQ(get_json("/api/v1/feeds").size(), 2u);
}

TEST_F(Web, WithoutATokenOnlyLoopbackNamesAreAnswered)
{
    EXPECT_EQ(get("/", { "Host: attacker.example" }).status, 403) << "DNS rebinding";
    EXPECT_EQ(get("/", { "Host: localhost:1234" }).status, 200);
}

TEST_F(Web, ANonLoopbackAddressWithoutATokenIsRefusedAtStart)
{
    auto refused = feedkeeper({ "serve", "--listen", "0.0.0.0:0" });
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_TRUE(refused.err.starts_with("feedkeeper: error: refusing to serve")) << refused.err;
    EXPECT_TRUE(contains(refused.err, "token")) << refused.err;
    auto bad = feedkeeper({ "serve", "--listen", "localhost" });
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "(--listen)")) << bad.err;
    auto missing = run_process({ FEEDKEEPER_BINARY, "--db", directory->file("none.db"), "serve" });
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_TRUE(missing.err.starts_with("feedkeeper: error: ")) << missing.err;
}

TEST_F(Web, TheTokenIsRequiredWhenSet)
{
    ServeProcess guarded(command({ "serve", "--listen", "127.0.0.1:0" }), { { "FEEDKEEPER_WEB_TOKEN", "s3cret-token" } });
    ASSERT_NE(guarded.port, 0) << guarded.err;
    const WebReply none = web_request(guarded.url("/"));
    EXPECT_EQ(none.status, 401);
    EXPECT_TRUE(none.header("www-authenticate").starts_with("Basic")) << "a browser asks for it";
    EXPECT_EQ(web_request(guarded.url("/"), { "Authorization: Bearer wrong" }).status, 403);
    EXPECT_EQ(web_request(guarded.url("/"), { "Authorization: Bearer s3cret-tokeN" }).status, 403);
    EXPECT_EQ(web_request(guarded.url("/api/v1/status"), { "Authorization: Bearer s3cret-token" }).status, 200);
    EXPECT_EQ(web_request(guarded.url("/"), { "Authorization: Basic dXNlcjpzM2NyZXQtdG9rZW4=" }).status, 200) << "user:s3cret-token";
    EXPECT_EQ(web_request(guarded.url("/static/style.css")).status, 401) << "everything, the style sheet too";
    // With a token, another address is allowed.
    ServeProcess everywhere(command({ "serve", "--listen", "0.0.0.0:0", "--token", "s3cret-token" }));
    EXPECT_TRUE(contains(everywhere.err, "serving")) << everywhere.err;
}

// Debian's chromium, when installed (scripts/setup-debian installs it).
std::string chromium_binary()
{
    for (const char* path : { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        if (::access(path, X_OK) == 0)
            return path;
    return {};
}

TEST_F(Web, BrowserRendersFeedsArticleAndSearchAndRunsNoArchivedScript)
{
    const std::string chromium = chromium_binary();
    if (chromium.empty())
        GTEST_SKIP() << "chromium is not installed (scripts/setup-debian installs it); the browser test needs it";
    // The DOM after the page ran whatever it could for 2 s of virtual time, serialised.
    const auto dom = [&](const std::string& path) {
        const ProcessResult run = run_process({ chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-proxy-server", "--no-first-run",
                                                  "--user-data-dir=" + directory->file("chromium"), "--virtual-time-budget=2000", "--dump-dom", server->url(path) },
            ProcessOptions { .timeout = 90s });
        EXPECT_EQ(run.exit_code, 0) << path << ": " << run.err.substr(0, 2000);
        return run.out;
    };
    const std::string feeds = dom("/");
    EXPECT_TRUE(contains(feeds, "<title>Feeds · feedkeeper</title>")) << feeds.substr(0, 2000);
    EXPECT_TRUE(contains(feeds, "Hostile &lt;b&gt;feed&lt;/b&gt;")) << "the feed's title, as text";
    const std::int64_t article = article_id("/a/1.html");
    const std::string page = dom("/articles/" + std::to_string(article));
    EXPECT_TRUE(contains(page, "<title>Harbour &lt;script&gt;alert('title')&lt;/script&gt; news · feedkeeper</title>")) << page.substr(0, 3000);
    EXPECT_TRUE(contains(page, "<h1>Harbour &lt;script&gt;alert('title')&lt;/script&gt; news</h1>"));
    EXPECT_TRUE(contains(page, "Amended lighthouse edition.")) << "the current revision's body";
    EXPECT_FALSE(contains(lower(page), "<script")) << "no script element came into the DOM";
    EXPECT_FALSE(contains(page, "PWNED"));
    const std::string search = dom("/search?q=lighthouse");
    EXPECT_TRUE(contains(search, "<title>Search: lighthouse · feedkeeper</title>")) << search.substr(0, 2000);
    EXPECT_TRUE(contains(lower(search), "<mark>lighthouse</mark>"));
    EXPECT_TRUE(contains(search, "Harbour &lt;script&gt;alert('title')&lt;/script&gt; news"));
    // The raw capture holds the archived script; served with CSP sandbox it must not run, even
    // opened on its own outside the frame: the document keeps its own title.
    const std::int64_t capture = get_json("/api/v1/articles/" + std::to_string(article))["capture_id"].get<std::int64_t>();
    const std::string raw = dom("/captures/" + std::to_string(capture) + "/raw");
    EXPECT_TRUE(contains(raw, "document.title = 'PWNED';")) << "the script is in the capture: " << raw.substr(0, 1500);
    EXPECT_TRUE(contains(raw, "<title>Harbour &lt;script&gt;alert('title')&lt;/script&gt; news</title>")) << "and it did not run: " << raw.substr(0, 1500);
}

} // namespace

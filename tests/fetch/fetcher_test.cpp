// tests/fetch/fetcher_test.cpp — Fetcher against the test server: spacing per host under a burst,
// hosts in parallel, Retry-After pauses, robots.txt for articles, cancellation and shutdown.
#include "core/time.hpp"
#include "fetch/fetcher.hpp"
#include "tests/fetch/test_io.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <algorithm>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using feedkeeper::testing::HttpTestServer;
using feedkeeper::testing::Outcome;
using feedkeeper::testing::RecordedRequest;
using feedkeeper::testing::TestResponse;
using feedkeeper::testing::run_for_at_most;
using feedkeeper::testing::spawn;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using FetchOutcome = std::shared_ptr<Outcome<Result<HttpResponse>>>;

namespace {

FetcherOptions options_with(std::chrono::milliseconds min_delay)
{
    FetcherOptions options;
    options.politeness.defaults.min_delay = min_delay; // the rest are the defaults: one connection per host
    return options;
}

FetchRequest request_for(const std::string& url)
{
    FetchRequest request;
    request.url = url;
    request.address_policy = AddressPolicy::allow_private;
    request.limits.total_timeout = 10s;
    return request;
}

class FetcherTest : public ::testing::Test {
protected:
    FetcherTest() : server(std::vector<std::string> { "127.0.0.1", "127.0.0.2", "127.0.0.3" }) { }

    std::vector<Clock::time_point> arrivals(const std::string& address, const std::string& target_prefix) const
    {
        std::vector<Clock::time_point> times;
        for (const RecordedRequest& request : server.requests())
            if (request.host_address == address && request.target.starts_with(target_prefix))
                times.push_back(request.received_at);
        std::sort(times.begin(), times.end());
        return times;
    }

    HttpTestServer server;
    boost::asio::io_context io;
    CurlMulti multi { io.get_executor() };
};

} // namespace

TEST_F(FetcherTest, KeepsTheMinimumDelayPerHostUnderABurstWhileHostsProceedInParallel)
{
    constexpr auto delay = 150ms;
    constexpr int per_host = 10;
    server.route("/feed", TestResponse { .body = "<rss/>" });
    Fetcher fetcher(multi, options_with(delay));
    std::vector<FetchOutcome> outcomes;
    for (int i = 0; i < per_host; ++i) // a burst of due feeds on two hosts, all at once
        for (std::size_t host : { 1, 2 })
            outcomes.push_back(spawn(io, fetcher.fetch(request_for(server.base_url(host) + "/feed?n=" + std::to_string(i)), FetchPurpose::feed)));
    run_for_at_most(io);
    for (const auto& outcome : outcomes)
        ASSERT_TRUE(outcome->value && *outcome->value);

    const auto host_b = arrivals("127.0.0.2", "/feed");
    const auto host_c = arrivals("127.0.0.3", "/feed");
    ASSERT_EQ(host_b.size(), std::size_t(per_host));
    ASSERT_EQ(host_c.size(), std::size_t(per_host));
    for (const auto* times : { &host_b, &host_c })
        for (std::size_t i = 1; i < times->size(); ++i)
            EXPECT_GE((*times)[i] - (*times)[i - 1], delay) << "gap before request " << i;
    // In parallel: each host's requests fall inside the other's span, not after it.
    EXPECT_LT(host_c.front(), host_b[1]);
    EXPECT_LT(host_b.front(), host_c[1]);
}

TEST_F(FetcherTest, RetryAfterOn503PausesTheHostOnly)
{
    server.route("/busy", TestResponse { .status = 503, .headers = { { "Retry-After", "1" } } });
    server.route("/ok", TestResponse { .body = "ok" });
    Fetcher fetcher(multi, options_with(1ms));
    auto busy = spawn(io, fetcher.fetch(request_for(server.base_url(1) + "/busy"), FetchPurpose::feed));
    run_for_at_most(io);
    ASSERT_TRUE(busy->value && *busy->value);
    EXPECT_EQ((*busy->value)->status, 503);
    EXPECT_GT(fetcher.politeness().paused_until("127.0.0.2"), Clock::now() + 500ms);

    auto again = spawn(io, fetcher.fetch(request_for(server.base_url(1) + "/ok"), FetchPurpose::feed));
    auto other = spawn(io, fetcher.fetch(request_for(server.base_url(2) + "/ok"), FetchPurpose::feed));
    run_for_at_most(io);
    ASSERT_TRUE(again->value && *again->value && other->value && *other->value);
    const auto busy_arrival = arrivals("127.0.0.2", "/busy").at(0);
    EXPECT_GE(arrivals("127.0.0.2", "/ok").at(0) - busy_arrival, 1s);
    EXPECT_LT(other->finished_at, again->finished_at); // the other host was not paused
}

TEST_F(FetcherTest, TooManyRequestsWithAnHttpDateOrNothingPausesTheHost)
{
    server.route("/dated", [](const RecordedRequest&) {
        return TestResponse { .status = 429, .headers = { { "Retry-After", format_http_date(now_utc() + std::chrono::seconds(120)) } } };
    });
    server.route("/bare", TestResponse { .status = 429 });
    Fetcher fetcher(multi, options_with(1ms));
    spawn(io, fetcher.fetch(request_for(server.base_url(1) + "/dated"), FetchPurpose::feed));
    spawn(io, fetcher.fetch(request_for(server.base_url(2) + "/bare"), FetchPurpose::feed));
    run_for_at_most(io);
    const auto now = Clock::now();
    EXPECT_GT(fetcher.politeness().paused_until("127.0.0.2"), now + 100s);
    EXPECT_LT(fetcher.politeness().paused_until("127.0.0.2"), now + 125s);
    EXPECT_GT(fetcher.politeness().paused_until("127.0.0.3"), now + 50s); // 60 s without Retry-After
}

TEST_F(FetcherTest, ObeysRobotsTxtForArticlesButNotForFeeds)
{
    server.route("/robots.txt", TestResponse { .body = "User-agent: *\nDisallow: /private/\n" });
    server.route("/private/page", TestResponse { .body = "secret" });
    server.route("/public/page", TestResponse { .body = "hello" });
    Fetcher fetcher(multi, options_with(1ms));
    auto refused = spawn(io, fetcher.fetch(request_for(server.base_url() + "/private/page"), FetchPurpose::article));
    auto allowed = spawn(io, fetcher.fetch(request_for(server.base_url() + "/public/page"), FetchPurpose::article));
    auto feed = spawn(io, fetcher.fetch(request_for(server.base_url() + "/private/page"), FetchPurpose::feed));
    run_for_at_most(io);
    ASSERT_TRUE(refused->value && allowed->value && feed->value);
    ASSERT_FALSE(*refused->value);
    EXPECT_EQ(refused->value->error().code, Errc::blocked);
    EXPECT_NE(refused->value->error().message.find("robots.txt"), std::string::npos);
    ASSERT_TRUE(*allowed->value);
    EXPECT_EQ((*allowed->value)->body, "hello");
    ASSERT_TRUE(*feed->value); // the user subscribed to the feed: robots.txt is for crawling pages
    EXPECT_EQ(server.request_count("/robots.txt"), 1u); // fetched once, then cached
    EXPECT_EQ(server.request_count("/private/page"), 1u); // only the feed fetch
}

TEST_F(FetcherTest, HandsEachRobotsTxtResponseToItsObserverOncePerOrigin)
{
    server.route("/robots.txt", TestResponse { .body = "User-agent: *\nDisallow: /private/\n" });
    server.route("/a", TestResponse { .body = "a" });
    server.route("/b", TestResponse { .body = "b" });
    Fetcher fetcher(multi, options_with(1ms));
    std::vector<HttpResponse> observed;
    fetcher.observe_robots([&](const HttpResponse& response) { observed.push_back(response); });
    // Two pages of one origin, one of another (127.0.0.2), a feed (no robots.txt for feeds).
    auto a = spawn(io, fetcher.fetch(request_for(server.base_url() + "/a"), FetchPurpose::article));
    auto b = spawn(io, fetcher.fetch(request_for(server.base_url() + "/b"), FetchPurpose::article));
    auto other = spawn(io, fetcher.fetch(request_for(server.base_url(1) + "/a"), FetchPurpose::article));
    auto feed = spawn(io, fetcher.fetch(request_for(server.base_url(2) + "/a"), FetchPurpose::feed));
    run_for_at_most(io);
    ASSERT_TRUE(a->value && *a->value && b->value && *b->value && other->value && *other->value && feed->value && *feed->value);
    ASSERT_EQ(observed.size(), 2u) << "one per origin whose pages were fetched";
    std::vector<std::string> urls { observed[0].url, observed[1].url };
    std::sort(urls.begin(), urls.end());
    EXPECT_EQ(urls, (std::vector<std::string> { server.base_url() + "/robots.txt", server.base_url(1) + "/robots.txt" }));
    EXPECT_EQ(observed[0].status, 200);
    EXPECT_EQ(observed[0].body, "User-agent: *\nDisallow: /private/\n");
    EXPECT_NE(observed[0].fetched_at, Timestamp {});
}

// RFC 9309 2.5: crawlers parse at least the first 500 KiB; a larger file is read that far, not
// treated as unreachable (which would disallow the whole site for as long as it stays large).
TEST_F(FetcherTest, AnOversizedRobotsTxtIsReadUpToItsFirst500Kibibytes)
{
    std::string robots = "User-agent: *\nDisallow: /private/\n";
    while (robots.size() < 700 * 1024)
        robots += "# padding padding padding padding padding padding padding padding\n";
    robots += "Disallow: /\n";
    server.route("/robots.txt", TestResponse { .body = robots });
    server.route("/public/page", TestResponse { .body = "hello" });
    Fetcher fetcher(multi, options_with(1ms));
    auto allowed = spawn(io, fetcher.fetch(request_for(server.base_url() + "/public/page"), FetchPurpose::article));
    auto refused = spawn(io, fetcher.fetch(request_for(server.base_url() + "/private/page"), FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(allowed->value && refused->value);
    ASSERT_TRUE(*allowed->value) << allowed->value->error().message;
    EXPECT_EQ((*allowed->value)->body, "hello");
    ASSERT_FALSE(*refused->value);
    EXPECT_EQ(refused->value->error().code, Errc::blocked);
}

// RFC 9309 2.3.1.2: robots.txt redirects are followed (at least five, whatever max_redirects says);
// a chain that does not end leaves the file "unavailable", which allows everything.
TEST_F(FetcherTest, RobotsTxtFollowsRedirectsAndAnEndlessChainAllowsEverything)
{
    server.route("/robots.txt", TestResponse { .status = 301, .headers = { { "Location", "/rules.txt" } } });
    server.route("/rules.txt", TestResponse { .body = "User-agent: *\nDisallow: /private/\n" });
    server.route("/private/page", TestResponse { .body = "secret" });
    Fetcher fetcher(multi, options_with(1ms));
    auto no_redirects = request_for(server.base_url(0) + "/private/page");
    no_redirects.limits.max_redirects = 0; // for the page, not for its robots.txt
    auto refused = spawn(io, fetcher.fetch(no_redirects, FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(refused->value);
    ASSERT_FALSE(*refused->value);
    EXPECT_EQ(refused->value->error().code, Errc::blocked) << refused->value->error().message;

    server.route("/robots.txt", TestResponse { .status = 302, .headers = { { "Location", "/robots.txt" } } }); // on 127.0.0.2 too
    auto allowed = spawn(io, fetcher.fetch(request_for(server.base_url(1) + "/private/page"), FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(allowed->value);
    ASSERT_TRUE(*allowed->value) << allowed->value->error().message;
    EXPECT_EQ((*allowed->value)->body, "secret");
}

TEST_F(FetcherTest, TheLineCutByTheRobotsTxtLimitIsDropped)
{
    // "Disallow: /private-area" straddles the 512 KiB read limit: parsed as cut, "Disallow: /p"
    // would block /public too.
    const std::size_t limit = 512 * 1024;
    const std::string cut_rule = "Disallow: /p";
    std::string robots = "User-agent: *\n";
    while (robots.size() + 80 + cut_rule.size() < limit)
        robots += "# " + std::string(77, 'x') + "\n";
    robots += "#" + std::string(limit - cut_rule.size() - robots.size() - 2, 'x') + "\n";
    ASSERT_EQ(robots.size() + cut_rule.size(), limit);
    robots += "Disallow: /private-area\n";
    server.route("/robots.txt", TestResponse { .body = robots });
    server.route("/public/page", TestResponse { .body = "hello" });
    Fetcher fetcher(multi, options_with(1ms));
    auto page = spawn(io, fetcher.fetch(request_for(server.base_url() + "/public/page"), FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(page->value);
    ASSERT_TRUE(*page->value) << page->value->error().message;
    EXPECT_EQ((*page->value)->body, "hello");
}

TEST_F(FetcherTest, AnUnreachableRobotsTxtHoldsArticlesBackWithARetryableReason)
{
    server.route("/robots.txt", TestResponse { .status = 500 });
    server.route("/page", TestResponse { .body = "page" });
    Fetcher fetcher(multi, options_with(1ms));
    auto page = spawn(io, fetcher.fetch(request_for(server.base_url() + "/page"), FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(page->value);
    ASSERT_FALSE(*page->value);
    EXPECT_EQ(page->value->error().code, Errc::network); // transient: the crawler retries, it does not give up
    EXPECT_NE(page->value->error().message.find("HTTP 500"), std::string::npos) << page->value->error().message;
    EXPECT_EQ(server.request_count("/page"), 0u);
}

TEST_F(FetcherTest, APrivateAddressIsReportedAsSuchNotAsARobotsVerdict)
{
    server.route("/page", TestResponse { .body = "page" });
    Fetcher fetcher(multi, options_with(1ms));
    auto request = request_for(server.base_url() + "/page");
    request.address_policy = AddressPolicy::public_only; // a public feed pointing at 127.0.0.1
    auto page = spawn(io, fetcher.fetch(request, FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(page->value);
    ASSERT_FALSE(*page->value);
    EXPECT_EQ(page->value->error().code, Errc::blocked);
    EXPECT_NE(page->value->error().message.find("private address"), std::string::npos) << page->value->error().message;
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(FetcherTest, CrawlDelayFromRobotsTxtSpacesArticleFetches)
{
    server.route("/robots.txt", TestResponse { .body = "User-agent: *\nCrawl-delay: 0.3\n" });
    server.route("/a", TestResponse { .body = "a" });
    Fetcher fetcher(multi, options_with(1ms));
    for (int i = 0; i < 2; ++i)
        spawn(io, fetcher.fetch(request_for(server.base_url() + "/a?" + std::to_string(i)), FetchPurpose::article));
    run_for_at_most(io);
    const auto times = arrivals("127.0.0.1", "/a");
    ASSERT_EQ(times.size(), 2u);
    EXPECT_GE(times[1] - times[0], 300ms);
}

TEST_F(FetcherTest, CancellingTheRobotsFetchLetsTheNextArticleFetchItAgain)
{
    int robots_requests = 0;
    boost::asio::cancellation_signal cancel;
    server.route("/robots.txt", [&](const RecordedRequest&) {
        if (++robots_requests == 1) { // the first one hangs until the test cancels its fetch
            boost::asio::post(io, [&] { cancel.emit(boost::asio::cancellation_type::terminal); });
            return TestResponse { .body = "User-agent: *\n", .delay = 20s };
        }
        return TestResponse { .body = "User-agent: *\nDisallow: /no\n" };
    });
    server.route("/yes", TestResponse { .body = "yes" });
    Fetcher fetcher(multi, options_with(1ms));
    auto first = spawn(io, fetcher.fetch(request_for(server.base_url() + "/yes"), FetchPurpose::article), &cancel);
    auto second = spawn(io, fetcher.fetch(request_for(server.base_url() + "/yes"), FetchPurpose::article));
    run_for_at_most(io);
    ASSERT_TRUE(first->value && second->value);
    ASSERT_FALSE(*first->value);
    EXPECT_EQ(first->value->error().code, Errc::cancelled);
    ASSERT_TRUE(*second->value) << second->value->error().message;
    EXPECT_EQ((*second->value)->body, "yes");
    EXPECT_EQ(server.request_count("/robots.txt"), 2u);
}

TEST_F(FetcherTest, ShutdownWithFetchesWaitingAndInFlightLeavesNothingDangling)
{
    server.route("/slow", [&](const RecordedRequest&) {
        boost::asio::post(io, [&] { io.stop(); });
        return TestResponse { .body = "slow", .delay = 20s };
    });
    std::vector<FetchOutcome> outcomes;
    {
        auto fetcher = std::make_unique<Fetcher>(multi, options_with(10s));
        for (int i = 0; i < 3; ++i) // one in flight, two queued behind it
            outcomes.push_back(spawn(io, fetcher->fetch(request_for(server.base_url() + "/slow"), FetchPurpose::feed)));
        outcomes.push_back(spawn(io, fetcher->fetch(request_for(server.base_url() + "/slow"), FetchPurpose::article)));
        run_for_at_most(io);
    } // the Fetcher goes first, as in daemon::Runtime; the multi and io_context follow with the fixture
    for (const auto& outcome : outcomes)
        EXPECT_FALSE(outcome->done());
}

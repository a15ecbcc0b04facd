// tests/fetch/redirects_test.cpp — redirects, followed by the Fetcher hop by hop: the chain's
// bookkeeping, its limits, the private-address guard and credentials on every hop, and each hop
// through its own host's robots.txt, slot and pause. Real transfers against the test server.
#include "fetch/fetcher.hpp"
#include "tests/fetch/test_io.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using feedkeeper::testing::HttpTestServer;
using feedkeeper::testing::TestResponse;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

FetcherOptions without_delays()
{
    FetcherOptions options;
    options.politeness.defaults.min_delay = std::chrono::milliseconds(0);
    options.politeness.defaults.response_time_factor = 0;
    return options;
}

// Runs one fetch on `io` to completion.
Result<HttpResponse> fetch_on(boost::asio::io_context& io, Fetcher& fetcher, FetchRequest request, FetchPurpose purpose = FetchPurpose::feed)
{
    return feedkeeper::testing::complete(io, fetcher.fetch(std::move(request), purpose));
}

class RedirectTest : public ::testing::Test {
protected:
    Result<HttpResponse> fetch(FetchRequest request)
    {
        boost::asio::io_context io;
        CurlMulti multi(io.get_executor());
        Fetcher fetcher(multi, without_delays());
        return fetch_on(io, fetcher, std::move(request));
    }

    FetchRequest request(const std::string& path)
    {
        FetchRequest request;
        request.url = server.base_url() + path;
        request.address_policy = AddressPolicy::allow_private;
        request.limits.total_timeout = 10s;
        return request;
    }

    HttpTestServer server;
};

} // namespace

TEST_F(RedirectTest, FollowsRedirectsAndRecordsTheHops)
{
    server.route("/old", TestResponse { .status = 301, .headers = { { "Location", "/new" } } });
    server.route("/new", TestResponse { .status = 200, .body = "moved here" });
    auto response = fetch(request("/old"));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "moved here");
    EXPECT_EQ(response->final_url, server.base_url() + "/new");
    ASSERT_EQ(response->redirect_statuses.size(), 1u);
    EXPECT_EQ(response->redirect_statuses[0], 301);
    EXPECT_EQ(response->first_redirect_target, server.base_url() + "/new");
}

TEST_F(RedirectTest, ARedirectsBodyIsNotReadAndNotCountedAgainstTheBodyCap)
{
    server.route("/old", TestResponse { .status = 302, .headers = { { "Location", "/new" } }, .body = std::string(64 * 1024, 'r') });
    server.route("/new", TestResponse { .body = "moved here" });
    auto small_cap = request("/old");
    small_cap.limits.max_body_bytes = 1024;
    auto response = fetch(small_cap);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "moved here");
}

TEST(RedirectCookies, AreSentToTheFeedsHostButNotToAnotherHostAfterARedirect)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/landed" } } });
    server.route("/landed", TestResponse { .body = "elsewhere" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::allow_private;
    request.cookies = "consent=yes";
    auto outcome = feedkeeper::testing::spawn(io, client.fetch(request, FetchPurpose::feed));
    feedkeeper::testing::run_for_at_most(io);
    ASSERT_TRUE(outcome->value && *outcome->value);
    EXPECT_EQ((*outcome->value)->body, "elsewhere");
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].headers["cookie"], "consent=yes");
    EXPECT_EQ(seen[1].headers.count("cookie"), 0u);
}

TEST_F(RedirectTest, RecordsEveryHopOfARedirectChainForTheCrawlersMoveDecision)
{
    server.route("/a", TestResponse { .status = 301, .headers = { { "Location", "/b" } } });
    server.route("/b", TestResponse { .status = 308, .headers = { { "Location", "/c" } } });
    server.route("/c", TestResponse { .status = 302, .headers = { { "Location", "/d" } } });
    server.route("/d", TestResponse { .body = "end" });
    auto response = fetch(request("/a"));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->redirect_statuses, (std::vector<long> { 301, 308, 302 }));
    EXPECT_EQ(response->redirects, 3);
    EXPECT_EQ(response->first_redirect_target, server.base_url() + "/b");
    EXPECT_EQ(response->final_url, server.base_url() + "/d");
}

// 127.0.0.1 plays the feed the user subscribed to, 127.0.0.2 an internal host (a metadata service).
TEST(RedirectGuard, PrivateOriginAllowsTheSubscribedHostButNoHostARedirectLeadsTo)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/stay", TestResponse { .status = 302, .headers = { { "Location", "/feed" } } });
    server.route("/feed", TestResponse { .body = "feed" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/latest/meta-data/" } } });
    server.route("/latest/meta-data/", TestResponse { .body = "secret" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest request;
    request.address_policy = AddressPolicy::private_origin;
    request.limits.total_timeout = 10s;

    request.url = server.base_url(0) + "/stay";
    auto within = fetch_on(io, client, request);
    ASSERT_TRUE(within) << within.error().message;
    EXPECT_EQ(within->body, "feed");

    request.url = server.base_url(0) + "/jump";
    auto away = fetch_on(io, client, request);
    ASSERT_FALSE(away);
    EXPECT_EQ(away.error().code, Errc::blocked);
    EXPECT_NE(away.error().message.find("127.0.0.2"), std::string::npos) << away.error().message;
    EXPECT_EQ(server.request_count("/latest/meta-data/"), 0u);
}

// The origin is scheme, host and port: a Location spelled in capitals is still the subscribed feed,
// another port of the same host is another service (a feed proxy on localhost:3000 must not reach
// localhost:6379). The http -> https upgrade is allowed (core's same_origin_or_https_upgrade test).
TEST(RedirectGuard, PrivateOriginIsTheFeedsHostAndPortNotTheWholeHost)
{
    HttpTestServer other_service;
    other_service.route("/admin", TestResponse { .body = "admin" });
    HttpTestServer server;
    const std::string origin = "http://localhost:" + std::to_string(server.port());
    server.route("/moved", TestResponse { .status = 301, .headers = { { "Location", "http://LocalHost:" + std::to_string(server.port()) + "/feed" } } });
    server.route("/feed", TestResponse { .body = "feed" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", "http://localhost:" + std::to_string(other_service.port()) + "/admin" } } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest request;
    request.address_policy = AddressPolicy::private_origin;
    request.limits.total_timeout = 10s;

    request.url = origin + "/moved";
    auto moved = fetch_on(io, client, request);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ(moved->body, "feed");

    request.url = origin + "/jump";
    auto jumped = fetch_on(io, client, request);
    ASSERT_FALSE(jumped);
    EXPECT_EQ(jumped.error().code, Errc::blocked) << jumped.error().message;

    // A link (not a redirect) of the feed to the other port: judged by the feed's origin, refused too.
    request.url = "http://localhost:" + std::to_string(other_service.port()) + "/admin";
    request.private_origin_url = origin + "/feed.xml";
    auto linked = fetch_on(io, client, request);
    ASSERT_FALSE(linked);
    EXPECT_EQ(linked.error().code, Errc::blocked) << linked.error().message;
    EXPECT_EQ(other_service.request_count("/admin"), 0u);
}

TEST(RedirectGuard, PrivateOriginRefusesARedirectOntoAConnectionLeftOpenToAnotherPrivateHost)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/admin" } } });
    server.route("/admin", TestResponse { .body = "admin" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest lan; // a feed on 127.0.0.2, allowed by configuration: its connection stays in the cache
    lan.url = server.base_url(1) + "/admin";
    lan.address_policy = AddressPolicy::allow_private;
    ASSERT_TRUE(fetch_on(io, client, lan));

    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::private_origin;
    auto away = fetch_on(io, client, request);
    ASSERT_FALSE(away);
    EXPECT_EQ(away.error().code, Errc::blocked);
    EXPECT_EQ(server.request_count("/admin"), 1u); // only the allowed fetch
}

TEST(RedirectGuard, APrivateOriginOfAnotherHostLeavesTheFirstHopPublicOnly)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/admin" } } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::private_origin;
    request.private_origin_url = "http://feeds.example.org/rss"; // the origin is another host: 127.0.0.1 is judged public-only
    auto response = fetch_on(io, client, request);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::blocked);
    EXPECT_NE(response.error().message.find("127.0.0.1"), std::string::npos) << response.error().message;
    EXPECT_TRUE(server.requests().empty());
}

TEST(Redirects, RecordTheFirstHopsAddressBesideTheFinalOne)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/jump", TestResponse { .status = 301, .headers = { { "Location", server.base_url(1) + "/landed" } } });
    server.route("/landed", TestResponse { .body = "landed" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher client(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::allow_private;
    auto response = fetch_on(io, client, request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->first_remote_ip, "127.0.0.1"); // what decides whether a feed lives on a private address
    EXPECT_EQ(response->remote_ip, "127.0.0.2");
}

TEST_F(RedirectTest, RedirectLoopStopsAfterFiveHops)
{
    server.route("/loop", TestResponse { .status = 302, .headers = { { "Location", "/loop" } } });
    auto response = fetch(request("/loop"));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::http_status); // the server's answer, retried later like any HTTP error
    EXPECT_NE(response.error().message.find("more than 5 redirects"), std::string::npos) << response.error().message;
    EXPECT_EQ(server.request_count("/loop"), 6u); // the first request and five redirects
}

TEST(Redirects, ANonHttpUrlIsRefusedBeforeAnyRequest)
{
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher fetcher(multi, without_delays());
    FetchRequest request;
    request.url = "mailto:editor@news.example";
    auto response = fetch_on(io, fetcher, request, FetchPurpose::article);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::unsupported) << response.error().message;
    EXPECT_NE(response.error().message.find("not an http(s) URL"), std::string::npos) << response.error().message;
}

TEST_F(RedirectTest, RedirectToANonHttpSchemeIsRefused)
{
    for (std::string target : { "file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/" }) {
        server.route("/jump", TestResponse { .status = 301, .headers = { { "Location", target } } });
        auto response = fetch(request("/jump"));
        ASSERT_FALSE(response) << target;
        EXPECT_EQ(response.error().code, Errc::unsupported) << target;
        EXPECT_NE(response.error().message.find("http/https"), std::string::npos) << response.error().message;
    }
}

// libcurl's own redirect following went straight to the target host: past its robots.txt.
TEST(Redirects, AnArticleRedirectedToAnotherHostObeysThatHostsRobotsTxt)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.fallback([&](const feedkeeper::testing::RecordedRequest& seen) {
        if (seen.target == "/robots.txt") // 127.0.0.1 allows everything, 127.0.0.2 nothing under /landed
            return TestResponse { .body = seen.host_address == "127.0.0.2" ? "User-agent: *\nDisallow: /landed\n" : "" };
        if (seen.target == "/jump")
            return TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/landed" } } };
        return TestResponse { .body = "landed" };
    });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher fetcher(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::allow_private;
    auto article = fetch_on(io, fetcher, request, FetchPurpose::article);
    ASSERT_FALSE(article);
    EXPECT_EQ(article.error().code, Errc::blocked);
    EXPECT_NE(article.error().message.find("robots.txt"), std::string::npos) << article.error().message;
    for (const auto& seen : server.requests())
        EXPECT_NE(seen.target, "/landed") << "fetched despite robots.txt";

    auto feed = fetch_on(io, fetcher, request, FetchPurpose::feed); // robots.txt is for crawling pages
    ASSERT_TRUE(feed) << feed.error().message;
    EXPECT_EQ(feed->body, "landed");
}

// A host that answered 429 Retry-After is not contacted before the pause ends, also not through
// a redirect from another host.
TEST(Redirects, ARedirectWaitsForTheTargetHostsPause)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/landed" } } });
    server.route("/landed", TestResponse { .body = "landed" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher fetcher(multi, without_delays());
    const auto paused_until = Clock::now() + 400ms;
    fetcher.politeness().pause("127.0.0.2", paused_until);
    FetchRequest request;
    request.url = server.base_url(0) + "/jump";
    request.address_policy = AddressPolicy::allow_private;
    auto response = fetch_on(io, fetcher, request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "landed");
    for (const auto& seen : server.requests()) {
        if (seen.target == "/landed") {
            EXPECT_GE(seen.received_at, paused_until);
        }
    }
}

// The total timeout bounds the whole chain, as it did when libcurl followed, not each hop.
TEST_F(RedirectTest, TheTotalTimeoutCoversTheWholeChain)
{
    server.route("/a", TestResponse { .status = 302, .headers = { { "Location", "/b" } }, .delay = 300ms });
    server.route("/b", TestResponse { .status = 302, .headers = { { "Location", "/c" } }, .delay = 300ms });
    server.route("/c", TestResponse { .body = "end", .delay = 300ms });
    auto slow = request("/a");
    slow.limits.total_timeout = 700ms;
    auto response = fetch(slow);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::timeout) << response.error().message;
}

TEST(Redirects, TheFeedsHeadersAndCookiesDoNotFollowARedirectToAnotherPortOfTheHost)
{
    HttpTestServer other_service;
    other_service.route("/landed", TestResponse { .body = "landed" });
    HttpTestServer server;
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", "http://127.0.0.1:" + std::to_string(other_service.port()) + "/landed" } } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher fetcher(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url() + "/jump";
    request.address_policy = AddressPolicy::allow_private;
    request.headers = { { "X-Api-Key", "k3y" } };
    request.cookies = "session=s";
    ASSERT_TRUE(fetch_on(io, fetcher, request));
    auto seen = other_service.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].headers.count("x-api-key"), 0u);
    EXPECT_EQ(seen[0].headers.count("cookie"), 0u);
}

TEST(Redirects, TheFeedsHeadersStayWithItsHostLikeCookies)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.route("/same", TestResponse { .status = 301, .headers = { { "Location", "/jump" } } });
    server.route("/jump", TestResponse { .status = 302, .headers = { { "Location", server.base_url(1) + "/landed" } } });
    server.route("/landed", TestResponse { .body = "landed" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    Fetcher fetcher(multi, without_delays());
    FetchRequest request;
    request.url = server.base_url(0) + "/same";
    request.address_policy = AddressPolicy::allow_private;
    request.headers = { { "Authorization", "Bearer secret" }, { "X-Api-Key", "k3y" } };
    ASSERT_TRUE(fetch_on(io, fetcher, request));
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1].headers["authorization"], "Bearer secret"); // /jump: the same host
    EXPECT_EQ(seen[1].headers["x-api-key"], "k3y");
    EXPECT_EQ(seen[2].headers.count("authorization"), 0u); // /landed: another host
    EXPECT_EQ(seen[2].headers.count("x-api-key"), 0u);
}

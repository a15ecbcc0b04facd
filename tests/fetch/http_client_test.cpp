// tests/fetch/http_client_test.cpp — real libcurl transfers against the project's test server.
#include "fetch/http_client.hpp"
#include "tests/fetch/test_io.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using feedkeeper::testing::Fault;
using feedkeeper::testing::HttpTestServer;
using feedkeeper::testing::TestResponse;
using namespace std::chrono_literals;

namespace {

class HttpClientTest : public ::testing::Test {
protected:
    Result<HttpResponse> fetch(FetchRequest request)
    {
        boost::asio::io_context io;
        CurlMulti multi(io.get_executor());
        HttpClient client(multi);
        return feedkeeper::testing::complete(io, client.fetch(std::move(request)));
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

TEST_F(HttpClientTest, FetchesABodyWithItsHeaders)
{
    server.route("/page", TestResponse { .status = 200, .headers = { { "Content-Type", "text/html" }, { "ETag", "\"v1\"" } }, .body = "hello" });
    auto response = fetch(request("/page"));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "hello");
    EXPECT_EQ(find_header(response->headers, "etag"), "\"v1\"");
    EXPECT_EQ(response->remote_ip, "127.0.0.1");
}

TEST_F(HttpClientTest, SendsConditionalHeadersAndReportsNotModified)
{
    server.route("/feed", TestResponse { .status = 304 });
    auto req = request("/feed");
    req.etag = "\"abc\"";
    req.last_modified = "Tue, 06 Dec 2022 09:14:00 GMT";
    auto response = fetch(req);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 304);
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].headers["if-none-match"], "\"abc\"");
    EXPECT_EQ(seen[0].headers["if-modified-since"], "Tue, 06 Dec 2022 09:14:00 GMT");
    EXPECT_NE(seen[0].headers["user-agent"].find("feedkeeper/"), std::string::npos);
}

TEST_F(HttpClientTest, DecodesGzipBodies)
{
    server.route("/gz", TestResponse { .headers = { { "Content-Encoding", "gzip" } }, .body = feedkeeper::testing::gzip(std::string(5000, 'x')) });
    auto response = fetch(request("/gz"));
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, std::string(5000, 'x'));
}

TEST_F(HttpClientTest, RefusesPrivateAddressesUnlessAllowed)
{
    server.route("/internal", TestResponse { .body = "secret" });
    auto req = request("/internal");
    req.address_policy = AddressPolicy::public_only;
    auto response = fetch(req);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::blocked);
    EXPECT_NE(response.error().message.find("127.0.0.1"), std::string::npos);
    EXPECT_EQ(server.requests().size(), 0u);
}

TEST_F(HttpClientTest, ReportsConnectionRefused)
{
    auto req = request("/x");
    {
        HttpTestServer closed;
        req.url = closed.base_url() + "/x";
    } // now nothing listens on that port
    auto response = fetch(req);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::network);
    EXPECT_NE(response.error().message.find("could not connect"), std::string::npos);
}

TEST(PrivateAddress, ClassifiesCommonRanges)
{
    EXPECT_TRUE(is_private_address("127.0.0.1"));
    EXPECT_TRUE(is_private_address("10.1.2.3"));
    EXPECT_TRUE(is_private_address("172.16.0.1"));
    EXPECT_TRUE(is_private_address("192.168.1.1"));
    EXPECT_TRUE(is_private_address("169.254.169.254"));
    EXPECT_TRUE(is_private_address("::1"));
    EXPECT_TRUE(is_private_address("fe80::1"));
    EXPECT_TRUE(is_private_address("fd00::1"));
    EXPECT_TRUE(is_private_address("::ffff:10.0.0.1"));
    EXPECT_FALSE(is_private_address("93.184.216.34"));
    EXPECT_FALSE(is_private_address("2606:2800:220:1:248:1893:25c8:1946"));
    EXPECT_FALSE(is_private_address("172.32.0.1"));
}

// IPv6 forms that carry an IPv4 address are judged by it: a NAT64 gateway or a 6to4 relay would
// forward them to the embedded (private) address.
TEST(PrivateAddress, JudgesTheIpv4AddressInsideNat64And6to4)
{
    EXPECT_TRUE(is_private_address("64:ff9b::10.0.0.1"));
    EXPECT_TRUE(is_private_address("64:ff9b::a9fe:a9fe")); // 169.254.169.254, the metadata service
    EXPECT_TRUE(is_private_address("64:ff9b::127.0.0.1"));
    EXPECT_FALSE(is_private_address("64:ff9b::93.184.216.34"));
    EXPECT_TRUE(is_private_address("64:ff9b:1::a00:1")); // RFC 8215 local-use NAT64: never global
    EXPECT_TRUE(is_private_address("2002:c0a8:0101::1")); // 6to4 of 192.168.1.1
    EXPECT_TRUE(is_private_address("2002:7f00:1::"));     // 6to4 of 127.0.0.1
    EXPECT_FALSE(is_private_address("2002:5db8:d822::1")); // 6to4 of 93.184.216.34
}

TEST(PrivateAddress, RefusesIpv4CompatibleAndSiteLocalIpv6)
{
    EXPECT_TRUE(is_private_address("::10.0.0.1"));     // ::/96, deprecated IPv4-compatible
    EXPECT_TRUE(is_private_address("::93.184.216.34")); // deprecated whatever it embeds: never a real destination
    EXPECT_TRUE(is_private_address("fec0::1"));        // fec0::/10, deprecated site-local
    EXPECT_TRUE(is_private_address("feff::1"));
    EXPECT_FALSE(is_private_address("fe00::1"));        // outside fe80::/10 and fec0::/10
    EXPECT_FALSE(is_private_address("::1:0:0:1"));      // outside ::/96
}

TEST(HttpClientGuard, AlsoRefusesAConnectionThatAnotherTransferLeftOpen)
{
    HttpTestServer server;
    server.route("/page", TestResponse { .body = "page" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    FetchRequest allowed;
    allowed.url = server.base_url() + "/page";
    allowed.address_policy = AddressPolicy::allow_private; // e.g. a feed on the LAN: its connection stays in the cache
    auto first = feedkeeper::testing::spawn(io, client.fetch(allowed));
    feedkeeper::testing::run_for_at_most(io);
    ASSERT_TRUE(first->value && *first->value);

    FetchRequest guarded = allowed;
    guarded.address_policy = AddressPolicy::public_only; // a public feed's link to the same host
    auto second = feedkeeper::testing::spawn(io, client.fetch(guarded));
    feedkeeper::testing::run_for_at_most(io);
    ASSERT_TRUE(second->value);
    ASSERT_FALSE(*second->value);
    EXPECT_EQ(second->value->error().code, Errc::blocked);
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpClientTest, SendsPerFeedHeadersAndAnIdentifyingUserAgent)
{
    server.route("/feed", TestResponse { .body = "ok" });
    auto req = request("/feed");
    req.headers = { { "X-Api-Key", "abc" }, { "Accept", "application/rss+xml" } };
    ASSERT_TRUE(fetch(req));
    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].headers["x-api-key"], "abc");
    EXPECT_EQ(seen[0].headers["accept"], "application/rss+xml");
    const std::string agent = seen[0].headers["user-agent"];
    EXPECT_NE(agent.find("feedkeeper/" FEEDKEEPER_VERSION), std::string::npos) << agent;
    EXPECT_NE(agent.find("+http"), std::string::npos) << agent; // a contact URL for site operators
}

TEST_F(HttpClientTest, GoesThroughTheConfiguredProxy)
{
    server.fallback([](const feedkeeper::testing::RecordedRequest& seen) {
        return TestResponse { .body = "via proxy for " + seen.target };
    });
    auto req = request("/unused");
    req.url = "http://feeds.example.invalid/rss"; // never resolved by us: the proxy gets the absolute URL
    req.proxy = server.base_url();
    req.address_policy = AddressPolicy::public_only; // the proxy is the user's choice; the guard stands aside
    auto response = fetch(req);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "via proxy for http://feeds.example.invalid/rss");
}

namespace {

// Runs one HttpClient fetch on `client`'s io_context to completion.
Result<HttpResponse> fetch_on(boost::asio::io_context& io, HttpClient& client, FetchRequest request)
{
    return feedkeeper::testing::complete(io, client.fetch(std::move(request)));
}


// Sets environment variables for one test and restores what was there before.
class ScopedEnvironment {
public:
    explicit ScopedEnvironment(std::vector<std::pair<std::string, std::string>> variables)
    {
        for (auto& [name, value] : variables) {
            const char* before = std::getenv(name.c_str());
            m_saved.emplace_back(name, before ? std::optional<std::string>(before) : std::nullopt);
            setenv(name.c_str(), value.c_str(), 1);
        }
    }
    ~ScopedEnvironment()
    {
        for (auto& [name, value] : m_saved)
            value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

// 127.0.0.1 plays the site, 127.0.0.2 a proxy: the answer says where a request arrived and for what.
TestResponse where_it_arrived(const feedkeeper::testing::RecordedRequest& seen)
{
    return TestResponse { .body = seen.host_address + " " + seen.target };
}

} // namespace

// An environment proxy would be what the private-address guard judges (and a proxy on the LAN would
// make every public fetch look private), so without an opt-in the fetch goes direct.
TEST(HttpClientProxy, IgnoresProxyVariablesFromTheEnvironmentUnlessAskedTo)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.fallback(where_it_arrived);
    ScopedEnvironment environment({ { "http_proxy", server.base_url(1) }, { "all_proxy", server.base_url(1) }, { "ALL_PROXY", server.base_url(1) },
        { "no_proxy", "" }, { "NO_PROXY", "" } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    FetchRequest request;
    request.url = server.base_url(0) + "/page";
    request.address_policy = AddressPolicy::allow_private;
    request.limits.total_timeout = 10s;

    auto direct = fetch_on(io, client, request);
    ASSERT_TRUE(direct) << direct.error().message;
    EXPECT_EQ(direct->body, "127.0.0.1 /page");
    EXPECT_FALSE(direct->via_proxy);

    request.environment_proxy = EnvironmentProxy::honoured;
    auto proxied = fetch_on(io, client, request);
    ASSERT_TRUE(proxied) << proxied.error().message;
    EXPECT_EQ(proxied->body, "127.0.0.2 " + server.base_url(0) + "/page");
    EXPECT_TRUE(proxied->via_proxy); // its remote_ip is the proxy's: the crawler does not judge the feed by it
}

// Opting in to environment proxies where none is set (a systemd unit has no proxy variables) must
// not switch the private-address guard off.
TEST(HttpClientProxy, AnOptedInEnvironmentWithoutProxyVariablesKeepsTheGuard)
{
    HttpTestServer server;
    server.route("/page", TestResponse { .body = "internal" });
    ScopedEnvironment environment({ { "http_proxy", "" }, { "all_proxy", "" }, { "ALL_PROXY", "" } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    FetchRequest request;
    request.url = server.base_url() + "/page";
    request.environment_proxy = EnvironmentProxy::honoured;
    request.address_policy = AddressPolicy::public_only;
    request.limits.total_timeout = 10s;
    auto response = fetch_on(io, client, request);
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::blocked) << response.error().message;
    EXPECT_EQ(server.request_count("/page"), 0u);
}

// With a configured proxy the guard stands aside, so no request may bypass the proxy: no_proxy from
// the environment would send it direct and unguarded.
TEST(HttpClientProxy, SendsEveryRequestThroughAConfiguredProxyWhateverNoProxySays)
{
    HttpTestServer server(std::vector<std::string> { "127.0.0.1", "127.0.0.2" });
    server.fallback(where_it_arrived);
    ScopedEnvironment environment({ { "no_proxy", "*" }, { "NO_PROXY", "*" } });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    FetchRequest request;
    request.url = server.base_url(0) + "/page";
    request.proxy = server.base_url(1);
    request.limits.total_timeout = 10s;
    auto response = fetch_on(io, client, request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "127.0.0.2 " + server.base_url(0) + "/page");
}


// tests/fetch/http_client_test.cpp — real libcurl transfers against the project's test server.
#include "fetch/http_client.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

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
        std::optional<Result<HttpResponse>> outcome;
        boost::asio::co_spawn(io, client.fetch(std::move(request)), [&](std::exception_ptr error, Result<HttpResponse> result) {
            if (error)
                std::rethrow_exception(error);
            outcome = std::move(result);
        });
        io.run();
        return std::move(*outcome);
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

TEST_F(HttpClientTest, FollowsRedirectsAndRecordsTheHops)
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

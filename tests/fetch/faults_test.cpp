// tests/fetch/faults_test.cpp — every fault of a hostile server ends in a readable error within
// its limit: no hang, no crash, no unbounded buffer. Limits are short so the suite stays fast.
#include "fetch/http_client.hpp"
#include "tests/fetch/test_io.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using feedkeeper::testing::Fault;
using feedkeeper::testing::HttpTestServer;
using feedkeeper::testing::TestResponse;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

class FaultTest : public ::testing::Test {
protected:
    // Fetches on a fresh CurlMulti and returns the outcome with how long it took.
    Result<HttpResponse> fetch(FetchRequest request)
    {
        boost::asio::io_context io;
        CurlMulti multi(io.get_executor());
        HttpClient client(multi);
        const auto started = Clock::now();
        auto outcome = feedkeeper::testing::complete(io, client.fetch(std::move(request)), 20s);
        elapsed = Clock::now() - started;
        return outcome;
    }

    FetchRequest request(const std::string& path)
    {
        FetchRequest request;
        request.url = server.base_url() + path;
        request.address_policy = AddressPolicy::allow_private;
        request.limits.connect_timeout = 2s;
        request.limits.total_timeout = 8s;
        request.limits.low_speed_bytes_per_second = 64;
        request.limits.low_speed_time = 1s;
        request.limits.max_body_bytes = 64 * 1024;
        request.limits.max_header_bytes = 16 * 1024;
        return request;
    }

    // The error's code and that its message names the cause.
    void expect_error(const Result<HttpResponse>& response, Errc code, std::string_view phrase)
    {
        ASSERT_FALSE(response) << "status " << response->status;
        EXPECT_EQ(response.error().code, code) << response.error().message;
        EXPECT_NE(response.error().message.find(phrase), std::string::npos) << "message: " << response.error().message;
    }

    HttpTestServer server;
    Clock::duration elapsed {};
};

} // namespace

TEST_F(FaultTest, SlowDripIsCutOffByTheLowSpeedLimit)
{
    server.route("/drip", TestResponse { .body = std::string(400, 'x'), .fault = Fault::slow_drip, .drip_interval = 50ms });
    auto response = fetch(request("/drip")); // 20 bytes/s: 20 s to finish without the limit
    expect_error(response, Errc::timeout, "too slow");
    EXPECT_LT(elapsed, 8s);
}

TEST_F(FaultTest, StallMidBodyIsCutOffByTheLowSpeedLimit)
{
    // Small: libcurl averages the speed over ~5 s, so a big first half would keep it "fast" for longer.
    server.route("/stall", TestResponse { .body = std::string(200, 'x'), .fault = Fault::stall_mid_body });
    auto response = fetch(request("/stall"));
    expect_error(response, Errc::timeout, "timed out");
    EXPECT_LT(elapsed, 8s);
}

TEST_F(FaultTest, SlowFirstByteIsCutOffByTheTotalTimeout)
{
    server.route("/late", TestResponse { .body = "late", .delay = 5s });
    auto req = request("/late");
    req.limits.total_timeout = 300ms;
    auto response = fetch(req);
    expect_error(response, Errc::timeout, "timed out");
    EXPECT_LT(elapsed, 5s);
}

TEST_F(FaultTest, ConnectionResetIsANetworkError)
{
    server.route("/reset", TestResponse { .fault = Fault::reset });
    auto response = fetch(request("/reset"));
    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().code, Errc::network);
    const std::string& message = response.error().message;
    EXPECT_TRUE(message.find("reset") != std::string::npos || message.find("without a response") != std::string::npos) << message;
}

TEST_F(FaultTest, TruncatedChunkedBodyIsReported)
{
    server.route("/chunked", TestResponse { .body = std::string(5000, 'x'), .fault = Fault::truncated_chunked });
    expect_error(fetch(request("/chunked")), Errc::network, "truncated");
}

TEST_F(FaultTest, ContentLengthLongerThanTheBodyIsReported)
{
    server.route("/liar", TestResponse { .body = std::string(5000, 'x'), .fault = Fault::lying_length });
    expect_error(fetch(request("/liar")), Errc::network, "truncated");
}

TEST_F(FaultTest, ServerErrorsAreResponsesWithTheirHeaders)
{
    server.route("/500", TestResponse { .status = 500, .body = "boom" });
    server.route("/503", TestResponse { .status = 503, .headers = { { "Retry-After", "120" } } });
    server.route("/429", TestResponse { .status = 429, .headers = { { "Retry-After", "Tue, 06 Dec 2022 09:16:30 GMT" } } });
    for (const auto& [status, path] : { std::pair { 500L, "/500" }, std::pair { 503L, "/503" }, std::pair { 429L, "/429" } }) {
        auto response = fetch(request(path));
        ASSERT_TRUE(response) << response.error().message;
        EXPECT_EQ(response->status, status);
    }
    auto busy = fetch(request("/503"));
    ASSERT_TRUE(busy);
    EXPECT_EQ(find_header(busy->headers, "retry-after"), "120");
}

TEST_F(FaultTest, GzipBombStopsAtTheBodyCapOnDecodedBytes)
{
    const std::string bomb = feedkeeper::testing::gzip(std::string(16 * 1024 * 1024, '\0')); // ~16 KiB on the wire
    ASSERT_LT(bomb.size(), 64u * 1024);
    server.route("/bomb", TestResponse { .body = bomb, .fault = Fault::gzip_bomb });
    expect_error(fetch(request("/bomb")), Errc::too_large, "65536 byte limit");
}

TEST_F(FaultTest, OversizedBodyWithContentLengthIsRefused)
{
    server.route("/big", TestResponse { .body = std::string(200 * 1024, 'x') });
    expect_error(fetch(request("/big")), Errc::too_large, "byte limit");
}

TEST_F(FaultTest, OversizedBodyWithoutContentLengthStopsAtTheCap)
{
    server.route("/close-delimited", TestResponse { .body = std::string(200 * 1024, 'x'), .omit_content_length = true });
    server.route("/chunked", TestResponse { .body = std::string(200 * 1024, 'x'), .chunked = true });
    expect_error(fetch(request("/close-delimited")), Errc::too_large, "byte limit");
    expect_error(fetch(request("/chunked")), Errc::too_large, "byte limit");
}

TEST_F(FaultTest, ABodyPastTheCapIsCutThereWhenTheRequestAsksForIt)
{
    std::string body;
    for (int i = 0; body.size() < 200 * 1024; ++i)
        body += std::to_string(i) + "\n";
    server.route("/big", TestResponse { .body = body });
    server.route("/chunked", TestResponse { .body = body, .chunked = true });
    server.route("/small", TestResponse { .body = "small" });
    for (const char* path : { "/big", "/chunked", "/small" }) {
        auto req = request(path);
        req.oversized_body = OversizedBody::truncate;
        auto response = fetch(req);
        ASSERT_TRUE(response) << path << ": " << response.error().message;
        const bool small = std::string_view(path) == "/small";
        EXPECT_EQ(response->body, small ? "small" : body.substr(0, 64 * 1024)) << path;
        EXPECT_EQ(response->body_truncated, !small) << path;
    }
}

TEST_F(FaultTest, WrongContentTypeIsRefusedWhenTheCallerNamesTheTypes)
{
    server.route("/feed", TestResponse { .headers = { { "Content-Type", "image/png" } }, .body = std::string(50'000, 'p') });
    server.route("/empty", TestResponse { .headers = { { "Content-Type", "video/mp4" } } });
    auto req = request("/feed");
    req.accepted_content_types = { "application/rss+xml", "application/xml", "text/*" };
    expect_error(fetch(req), Errc::unsupported, "image/png");
    req.url = server.base_url() + "/empty";
    expect_error(fetch(req), Errc::unsupported, "video/mp4");
    req.accepted_content_types.clear(); // nothing required: any type is a response
    auto any = fetch(req);
    ASSERT_TRUE(any) << any.error().message;
}

TEST_F(FaultTest, EndlessHeadersStopAtTheHeaderCap)
{
    server.route("/headers", TestResponse { .fault = Fault::endless_headers });
    expect_error(fetch(request("/headers")), Errc::too_large, "headers larger than");
}

TEST_F(FaultTest, AnEndlessHeaderLineStopsAtTheHeaderCap)
{
    server.route("/line", TestResponse { .fault = Fault::endless_header_line });
    expect_error(fetch(request("/line")), Errc::too_large, "header");
}

TEST(ContentType, AcceptsExactTypesAndWholeTypeWildcards)
{
    const std::vector<std::string> accepted { "application/rss+xml", "text/*" };
    EXPECT_TRUE(content_type_accepted("application/rss+xml; charset=utf-8", accepted));
    EXPECT_TRUE(content_type_accepted("TEXT/HTML", accepted));
    EXPECT_FALSE(content_type_accepted("application/json", accepted));
    EXPECT_FALSE(content_type_accepted("", accepted));
    EXPECT_FALSE(content_type_accepted("text", accepted));
    EXPECT_TRUE(content_type_accepted("", {}));
}

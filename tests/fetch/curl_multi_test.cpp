// tests/fetch/curl_multi_test.cpp — CurlMulti under concurrency, cancellation and shutdown:
// a stuck transfer never holds up the others, cancelled ones end at once, nothing leaks or
// dangles when the multi goes away mid-transfer (ASan checks the last part).
#include "fetch/http_client.hpp"
#include "tests/fetch/test_io.hpp"
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using feedkeeper::testing::Fault;
using feedkeeper::testing::HttpTestServer;
using feedkeeper::testing::Outcome;
using feedkeeper::testing::RecordedRequest;
using feedkeeper::testing::TestResponse;
using feedkeeper::testing::run_for_at_most;
using feedkeeper::testing::spawn;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

FetchRequest request_for(const std::string& url)
{
    FetchRequest request;
    request.url = url;
    request.address_policy = AddressPolicy::allow_private;
    request.limits.total_timeout = 10s;
    request.limits.low_speed_time = 1s;
    return request;
}

// A route that stalls after the head, and tells the test's io_context (on the server's thread)
// when the request has arrived, so the test acts on an event, not after a sleep.
void route_stall_and_notify(HttpTestServer& server, boost::asio::io_context& io, std::function<void()> on_arrival)
{
    server.route("/stall", [&io, on_arrival](const RecordedRequest&) {
        boost::asio::post(io, on_arrival);
        return TestResponse { .body = std::string(100'000, 'x'), .fault = Fault::stall_mid_body };
    });
}

} // namespace

TEST(CurlMulti, HostileServersDoNotHoldUpTheHealthyTransfers)
{
    HttpTestServer server;
    server.route("/stall", TestResponse { .body = std::string(200, 'x'), .fault = Fault::stall_mid_body });
    server.route("/drip", TestResponse { .body = std::string(400, 'x'), .fault = Fault::slow_drip, .drip_interval = 50ms });
    server.route("/headers", TestResponse { .fault = Fault::endless_headers });
    server.route("/bomb", TestResponse { .body = feedkeeper::testing::gzip(std::string(16 * 1024 * 1024, '\0')), .fault = Fault::gzip_bomb });
    server.route("/reset", TestResponse { .fault = Fault::reset });
    server.route("/ok", TestResponse { .body = "fine" });
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);

    std::vector<std::shared_ptr<Outcome<Result<HttpResponse>>>> hostile, healthy;
    for (const char* path : { "/stall", "/drip", "/headers", "/bomb", "/reset" }) {
        auto request = request_for(server.base_url() + path);
        request.limits.max_body_bytes = 1024 * 1024;
        hostile.push_back(spawn(io, client.fetch(request)));
    }
    for (int i = 0; i < 20; ++i)
        healthy.push_back(spawn(io, client.fetch(request_for(server.base_url() + "/ok"))));
    run_for_at_most(io);

    Clock::time_point last_hostile {};
    for (const auto& outcome : hostile) {
        ASSERT_TRUE(outcome->value); // each one ended, with an error of its own
        EXPECT_FALSE(*outcome->value);
        last_hostile = std::max(last_hostile, outcome->finished_at);
    }
    for (const auto& outcome : healthy) {
        ASSERT_TRUE(outcome->value && *outcome->value);
        EXPECT_EQ((*outcome->value)->body, "fine");
        EXPECT_LT(outcome->finished_at, last_hostile); // all done while the slowest hostile one still hung
    }
    EXPECT_EQ(multi.in_flight(), 0u);
}

TEST(CurlMulti, CancellationEndsATransferAtOnce)
{
    HttpTestServer server;
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    boost::asio::cancellation_signal cancel;
    route_stall_and_notify(server, io, [&] { cancel.emit(boost::asio::cancellation_type::terminal); });
    server.route("/ok", TestResponse { .body = "after" });

    const auto started = Clock::now();
    auto cancelled = spawn(io, client.fetch(request_for(server.base_url() + "/stall")), &cancel);
    run_for_at_most(io);
    ASSERT_TRUE(cancelled->value);
    ASSERT_FALSE(*cancelled->value);
    EXPECT_EQ(cancelled->value->error().code, Errc::cancelled);
    EXPECT_LT(cancelled->finished_at - started, 1s); // before libcurl's low-speed limit could have fired
    EXPECT_EQ(multi.in_flight(), 0u);

    // The multi keeps working after a cancellation.
    auto next = spawn(io, client.fetch(request_for(server.base_url() + "/ok")));
    run_for_at_most(io);
    ASSERT_TRUE(next->value && *next->value);
    EXPECT_EQ((*next->value)->body, "after");
}

TEST(CurlMulti, DestroyingItMidTransferInvokesNoHandlerAndLeaksNothing)
{
    HttpTestServer server;
    std::shared_ptr<Outcome<Result<HttpResponse>>> outcome;
    {
        boost::asio::io_context io;
        auto multi = std::make_unique<CurlMulti>(io.get_executor());
        HttpClient client(*multi);
        route_stall_and_notify(server, io, [&] { io.stop(); });
        outcome = spawn(io, client.fetch(request_for(server.base_url() + "/stall")));
        run_for_at_most(io);
        ASSERT_EQ(multi->in_flight(), 1u);
        multi.reset(); // as at daemon shutdown: the transfer is dropped, its coroutine destroyed later
    } // the io_context destroys the suspended coroutine: its easy handle is freed (ASan: no leak)
    EXPECT_FALSE(outcome->done());
}

TEST(CurlMulti, ReportsConnectionRefusedWithoutHanging)
{
    boost::asio::io_context io;
    CurlMulti multi(io.get_executor());
    HttpClient client(multi);
    std::string url;
    {
        HttpTestServer closed;
        url = closed.base_url() + "/x";
    }
    auto outcome = spawn(io, client.fetch(request_for(url)));
    run_for_at_most(io);
    ASSERT_TRUE(outcome->value);
    ASSERT_FALSE(*outcome->value);
    EXPECT_EQ(outcome->value->error().code, Errc::network);
}

// fetch/curl_multi.hpp — libcurl's multi_socket API driven by an Asio executor.
// Threading: every member is used only on the executor's one thread (run its io_context on one
// thread); that is why nothing here needs a lock.
#pragma once

#include "fetch/curl_handles.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

namespace feedkeeper::fetch {

namespace asio = boost::asio;

class CurlMulti {
public:
    explicit CurlMulti(asio::any_io_executor);
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;
    ~CurlMulti();

    // Runs `easy` (fully configured by the caller, who also owns whatever its callbacks write to)
    // to completion. Completes with libcurl's result; cancellation (per-operation slot, any type)
    // removes the transfer and completes with CURLE_ABORTED_BY_CALLBACK. Never completes inline.
    // Shutdown: destroying the CurlMulti destroys the handlers of unfinished transfers without
    // invoking them (their coroutines are destroyed with the io_context). For a graceful stop,
    // cancel the operations (per-operation slots) and keep running the io_context first.
    template <asio::completion_token_for<void(CURLcode)> Token>
    auto async_perform(CURL* easy, Token&& token)
    {
        return asio::async_initiate<Token, void(CURLcode)>(
            [this](asio::any_completion_handler<void(CURLcode)> handler, CURL* handle) { start(handle, std::move(handler)); },
            token, easy);
    }

    std::size_t in_flight() const { return m_transfers.size(); }

    // Shutdown: removes every transfer and destroys (never invokes) its handler. The suspended
    // coroutines behind them are destroyed through their executor, so the caller must still
    // destroy the io_context's pending work while whatever those frames refer to exists.
    void abandon_transfers();
    asio::any_io_executor get_executor() const { return m_executor; }

private:
    struct Transfer {
        asio::any_completion_handler<void(CURLcode)> handler;
        std::uint64_t id = 0; // libcurl may reuse a freed CURL* address; a stale slot must not hit a new transfer
    };
    enum class SlotState { connected, emitting };
    // libcurl owns the socket; we only borrow it to learn about readiness.
    struct Watch {
        Watch(asio::any_io_executor executor, curl_socket_t fd) : descriptor(executor, fd) { }
        ~Watch()
        {
            if (descriptor.is_open())
                (void)descriptor.release(); // Never close curl's fd.
        }
        asio::posix::stream_descriptor descriptor;
        int wanted = 0; // CURL_POLL_IN / CURL_POLL_OUT / CURL_POLL_INOUT
        bool waiting_read = false;
        bool waiting_write = false;
    };

    void start(CURL* easy, asio::any_completion_handler<void(CURLcode)> handler);
    void cancel(CURL* easy, std::uint64_t id);
    static int on_socket(CURL*, curl_socket_t, int what, void* self, void* socket_data);
    static int on_timer(CURLM*, long timeout_ms, void* self);
    void arm_timer(std::chrono::steady_clock::time_point);
    void on_timer_expired();
    void watch(curl_socket_t, const std::shared_ptr<Watch>&);
    void drive(curl_socket_t, int event_bitmask);
    void complete_finished_transfers();
    void complete(CURL* easy, CURLcode, SlotState = SlotState::connected);

    asio::any_io_executor m_executor;
    // libcurl moves its deadline on nearly every call, and each re-arm of an Asio timer that
    // becomes the earliest costs a timerfd_settime() syscall (a quarter of the CPU at 100
    // transfers). So the timer is re-armed only when libcurl's deadline moves earlier; when it
    // fires early it re-arms for the current deadline. 0 ms timeouts are posted, not timed.
    asio::steady_timer m_timer;
    std::optional<std::chrono::steady_clock::time_point> m_deadline; // libcurl's wish; none: no timeout
    std::optional<std::chrono::steady_clock::time_point> m_armed;    // what m_timer waits for
    bool m_timeout_posted = false;
    std::shared_ptr<CurlMulti*> m_self; // posted work holds a weak_ptr: it must not outlive us
    std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> m_watches;
    std::unordered_map<CURL*, Transfer> m_transfers;
    std::uint64_t m_next_id = 1;
    MultiHandle m_multi; // Last member: curl_multi_cleanup() calls back into the ones above.
};

} // namespace feedkeeper::fetch

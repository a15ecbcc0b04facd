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

#include <memory>
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
    // to completion. Completes with libcurl's result; cancellation (per-operation slot) aborts
    // the transfer with CURLE_ABORTED_BY_CALLBACK. Never completes inline.
    template <asio::completion_token_for<void(CURLcode)> Token>
    auto async_perform(CURL* easy, Token&& token)
    {
        return asio::async_initiate<Token, void(CURLcode)>(
            [this](asio::any_completion_handler<void(CURLcode)> handler, CURL* handle) { start(handle, std::move(handler)); },
            token, easy);
    }

    std::size_t in_flight() const { return m_transfers.size(); }
    asio::any_io_executor get_executor() const { return m_executor; }

private:
    struct Transfer {
        asio::any_completion_handler<void(CURLcode)> handler;
    };
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
    void cancel(CURL* easy);
    static int on_socket(CURL*, curl_socket_t, int what, void* self, void* socket_data);
    static int on_timer(CURLM*, long timeout_ms, void* self);
    void watch(curl_socket_t, const std::shared_ptr<Watch>&);
    void drive(curl_socket_t, int event_bitmask);
    void complete_finished_transfers();
    void complete(CURL* easy, CURLcode);

    asio::any_io_executor m_executor;
    asio::steady_timer m_timer;
    std::unordered_map<curl_socket_t, std::shared_ptr<Watch>> m_watches;
    std::unordered_map<CURL*, Transfer> m_transfers;
    MultiHandle m_multi; // Last member: curl_multi_cleanup() calls back into the ones above.
};

} // namespace feedkeeper::fetch

// crawl/runtime.hpp — the executors and services one crawl runs on, and the hop between them.
// Threading (three executors, no mutexes):
//   io    — one thread: timers, libcurl, coroutine control flow (Fetcher and CurlMulti live here)
//   cpu   — thread_pool: feed parsing and extraction (hostile input can take long)
//   store — thread_pool(1): owns the read-write Archive, so writes are serialised
#pragma once

#include "crawl/config.hpp"
#include "fetch/curl_multi.hpp"
#include "fetch/fetcher.hpp"
#include "store/archive.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <type_traits>

namespace feedkeeper::crawl {

namespace asio = boost::asio;

// Runs `work` on `pool` and resumes the caller on its own executor. The work is one synchronous
// call that cannot be cut short, so the caller's cancellation is not connected to it: in Asio
// 1.81 a spawned coroutine whose state is cancelled before its first step throws "co_await:
// Operation canceled" from its entry point, outside its try block, on the pool's thread, where
// nothing catches it. A cancelled caller still stops at its own next co_await.
template <class F, class R = std::invoke_result_t<F&>>
asio::awaitable<R> run_on(asio::thread_pool& pool, F work)
{
    co_return co_await asio::co_spawn(pool, [&work]() -> asio::awaitable<R> { co_return work(); },
        asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
}

fetch::FetcherOptions fetcher_options(const Config&);

// An io_context whose pending work (suspended coroutine frames, queued handlers) can be destroyed
// at a moment of our choosing: while the objects those frames refer to (the fetcher's politeness
// state, the service) still exist. The destructor would do the same, but only after them.
class IoContext : public asio::io_context {
public:
    using asio::io_context::io_context;
    void destroy_pending_work() { shutdown(); } // idempotent; ~io_context calls it again
};

class Runtime {
public:
    Runtime(Config, std::unique_ptr<store::Archive>);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Joins the pools, then destroys what is left on the io_context (after io.stop()).
    void shut_down();

    // The configuration as it is now. Work takes its own snapshot when it starts and keeps it to
    // the end: a reload (SIGHUP) replaces the pointer, never what a running task reads.
    std::shared_ptr<const Config> config() const { return m_config; }
    // Swaps the configuration (on the io thread) and hands the fetcher its new options.
    void set_config(Config);

    IoContext io;
    asio::thread_pool cpu;
    asio::thread_pool store_pool { 1 };

private:
    std::shared_ptr<const Config> m_config;

public:
    std::unique_ptr<store::Archive> archive; // touched only on store_pool
    fetch::CurlMulti multi;                  // after io: borrows its executor
    fetch::Fetcher fetcher;

    // Runs `work(archive)` on the store thread.
    template <class F>
    auto store(F work) -> asio::awaitable<std::invoke_result_t<F&, store::Archive&>>
    {
        store::Archive& handle = *archive;
        co_return co_await run_on(store_pool, [&work, &handle] { return work(handle); });
    }
};

} // namespace feedkeeper::crawl

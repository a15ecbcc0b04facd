// tests/fetch/test_io.hpp — run coroutines on a test's io_context and collect their results.
// Threading: the test thread runs the io_context; server handlers post back to it.
#pragma once

#include "core/error.hpp"

#include <fmt/format.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <memory>
#include <optional>

namespace feedkeeper::testing {

namespace asio = boost::asio;

// The outcome of one spawned coroutine, filled in when it completes.
template <class T>
struct Outcome {
    std::optional<T> value;
    std::exception_ptr error;
    std::chrono::steady_clock::time_point finished_at {};
    bool done() const { return value.has_value() || error; }
};

// Starts `work` on `io`; the returned outcome is filled when it completes. `signal`, if given,
// can cancel it (per-operation cancellation reaches whatever it awaits).
template <class T>
std::shared_ptr<Outcome<T>> spawn(asio::io_context& io, asio::awaitable<T> work, asio::cancellation_signal* signal = nullptr)
{
    auto outcome = std::make_shared<Outcome<T>>();
    auto handler = [outcome](std::exception_ptr error, T value) {
        outcome->finished_at = std::chrono::steady_clock::now();
        outcome->error = error;
        if (!error)
            outcome->value = std::move(value);
    };
    if (signal)
        asio::co_spawn(io, std::move(work), asio::bind_cancellation_slot(signal->slot(), std::move(handler)));
    else
        asio::co_spawn(io, std::move(work), std::move(handler));
    return outcome;
}

// Runs `io` until it has no more work or `limit` passes (then the test sees unfinished outcomes:
// a hang becomes a failure, not a stuck CI job).
inline void run_for_at_most(asio::io_context& io, std::chrono::milliseconds limit = std::chrono::seconds(30))
{
    io.restart();
    io.run_for(limit);
}

// Runs one coroutine on `io` to completion, for at most `limit`. One that throws or does not finish
// comes back as an Errc::io error saying so, for the test's assertions to report.
template <class T>
Result<T> complete(asio::io_context& io, asio::awaitable<Result<T>> work, std::chrono::milliseconds limit = std::chrono::seconds(30))
{
    auto outcome = spawn(io, std::move(work));
    run_for_at_most(io, limit);
    if (!outcome->value)
        return Error(Errc::io, outcome->error ? std::string("the coroutine threw") : fmt::format("the coroutine did not complete within {} ms", limit.count()));
    return std::move(*outcome->value);
}

// Runs ready handlers until none is left (timers in the future do not count).
inline void run_ready(asio::io_context& io)
{
    io.restart();
    while (io.poll() > 0) { }
}

} // namespace feedkeeper::testing

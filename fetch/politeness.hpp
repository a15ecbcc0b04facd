// fetch/politeness.hpp — who may be contacted when: per-host connection slots and spacing, an
// adaptive delay, a shared budget per registrable domain, and pauses (Retry-After).
// Threading: the io_context's one thread only (no locks).
#pragma once

#include "core/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace feedkeeper::fetch {

namespace asio = boost::asio;

struct HostPolicy {
    std::chrono::milliseconds min_delay { 1000 };    // between the end of one request and the next
    std::chrono::milliseconds max_delay { 60'000 };  // ceiling of the adaptive delay
    double response_time_factor = 1.0;               // adaptive: delay >= factor x last response time
    std::size_t connections = 1;                     // concurrent requests to the host
    bool obey_robots = true;
};

struct PolitenessOptions {
    HostPolicy defaults;
    std::map<std::string, HostPolicy> hosts; // per-host overrides, by lower-case host name
    std::size_t connections_per_domain = 4;  // shared by all hosts of one registrable domain
};

namespace detail {
struct PolitenessState;
}

// Why a host is paused.
enum class PauseReason {
    retry_after, // the server asked (429/503 with Retry-After; a 429 without: 60 s)
    failures,    // transfers to it failed in a row (refused, reset, timed out)
};
std::string_view to_string(PauseReason);

// A granted slot on a host; releasing it (or destroying it) starts the host's delay.
class HostPermit {
public:
    HostPermit() = default;
    HostPermit(std::shared_ptr<detail::PolitenessState>, std::string host);
    HostPermit(HostPermit&&) noexcept;
    HostPermit& operator=(HostPermit&&) noexcept;
    ~HostPermit();
    void release(std::chrono::steady_clock::duration response_time);

private:
    std::shared_ptr<detail::PolitenessState> m_state;
    std::string m_host;
};

// Waiters queue per host, first come first served: only the front of a host's queue may take a
// slot, and it is woken when its time comes, a slot frees up or the queue ahead of it changes.
// Permits and suspended acquire() calls share the state, so they may outlive this object (at
// shutdown the io_context destroys suspended coroutines last).
class Politeness {
public:
    Politeness(asio::any_io_executor, PolitenessOptions);

    // Waits for the host's turn. Fails with Errc::cancelled (per-operation cancellation), and with
    // Errc::deferred when the host's delay or pause would make the caller wait longer than
    // `max_wait`, or, with QueueWait::defer, when it cannot be granted at once because the host's
    // (or its domain's) slots are taken or others queue for it: a dispatcher that starts only
    // hosts that are ready (crawl/frontier) then takes the work back instead of holding a
    // transfer slot while it waits.
    enum class QueueWait { wait, defer };
    asio::awaitable<Result<HostPermit>> acquire(std::string host, std::chrono::steady_clock::duration max_wait = std::chrono::steady_clock::duration::max(),
        QueueWait = QueueWait::wait);
    // When a request to `host` could start as things stand: a time at or before now if at once,
    // a later time for its delay or pause, time_point::max() while its slots or its domain's are
    // taken or others queue for it (a release changes that).
    std::chrono::steady_clock::time_point ready_at(const std::string& host) const;
    // No request to `host` starts before `until` (429/503 Retry-After, a failing host).
    void pause(const std::string& host, std::chrono::steady_clock::time_point until, PauseReason = PauseReason::retry_after);
    PauseReason pause_reason(const std::string& host) const;
    // What a transfer to `host` came to: transport failures in a row pause the host, 30 s at
    // first, doubling to 30 minutes (a host that is down is not asked for each of its pages in
    // turn); any response ends the streak. Returns the pause it started, if any.
    std::optional<std::chrono::steady_clock::duration> record_transfer(const std::string& host, bool transport_failed);
    // No request to `host` starts before `until`: the spacing another process left behind when it
    // handed the host over (not a pause: nothing asked us to wait).
    void hold_until(const std::string& host, std::chrono::steady_clock::time_point until);
    std::chrono::steady_clock::time_point paused_until(const std::string& host) const;
    // When the host's spacing after its last request ends (pauses aside).
    std::chrono::steady_clock::time_point spaced_until(const std::string& host) const;
    // robots.txt Crawl-delay: raises the host's minimum delay (never lowers the configured one)
    // until `until`, when the robots.txt it came from expires; the host is remembered that long.
    void set_crawl_delay(const std::string& host, std::chrono::milliseconds, std::chrono::steady_clock::time_point until);
    const HostPolicy& policy(const std::string& host) const;
    void set_options(PolitenessOptions);

    std::size_t waiting(const std::string& host) const; // callers queued for the host
    std::size_t tracked_hosts() const;                 // idle hosts are forgotten over time

private:
    std::shared_ptr<detail::PolitenessState> m_state;
};

// The registrable domain of `host` (public suffix + 1 label, via libpsl); the host itself for
// IP addresses and hosts without a known suffix.
std::string registrable_domain(const std::string& host);

} // namespace feedkeeper::fetch

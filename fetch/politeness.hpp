// fetch/politeness.hpp — who may be contacted when: per-host connection slots and spacing, an
// adaptive delay, a shared budget per registrable domain, and pauses (Retry-After).
// Threading: the io_context's one thread only (no locks).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

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

class Politeness;

// A granted slot on a host; releasing it (or destroying it) starts the host's delay.
class HostPermit {
public:
    HostPermit() = default;
    HostPermit(Politeness*, std::string host);
    HostPermit(HostPermit&&) noexcept;
    HostPermit& operator=(HostPermit&&) noexcept;
    ~HostPermit();
    void release(std::chrono::steady_clock::duration response_time);

private:
    Politeness* m_owner = nullptr;
    std::string m_host;
};

class Politeness {
public:
    Politeness(asio::any_io_executor, PolitenessOptions);

    asio::awaitable<HostPermit> acquire(std::string host);
    // No request to `host` starts before `until` (429/503 Retry-After).
    void pause(const std::string& host, std::chrono::steady_clock::time_point until);
    std::chrono::steady_clock::time_point paused_until(const std::string& host) const;
    // robots.txt Crawl-delay: raises the host's minimum delay (never lowers the configured one).
    void set_crawl_delay(const std::string& host, std::chrono::milliseconds);
    const HostPolicy& policy(const std::string& host) const;
    void set_options(PolitenessOptions);

private:
    friend class HostPermit;
    using Waiter = std::shared_ptr<asio::steady_timer>;
    struct HostState {
        std::size_t active = 0;
        std::chrono::steady_clock::time_point next_allowed {};
        std::chrono::steady_clock::time_point paused_until {};
        std::chrono::milliseconds crawl_delay { 0 };
        std::string domain;
        std::deque<Waiter> waiters; // FIFO: only the front may take a slot
    };
    struct DomainState {
        std::size_t active = 0;
        std::vector<std::string> hosts;
    };

    void release(const std::string& host, std::chrono::steady_clock::duration response_time);
    void remove_waiter(const std::string& host, const Waiter&);
    HostState& host_state(const std::string& host);

    asio::any_io_executor m_executor;
    PolitenessOptions m_options;
    std::unordered_map<std::string, HostState> m_hosts;
    std::unordered_map<std::string, DomainState> m_domains;
};

// The registrable domain of `host` (public suffix + 1 label, via libpsl); the host itself for
// IP addresses and hosts without a known suffix.
std::string registrable_domain(const std::string& host);

} // namespace feedkeeper::fetch

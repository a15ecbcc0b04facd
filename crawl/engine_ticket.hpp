// crawl/engine_ticket.hpp — what the engine's .cpp files share: the ticket (the share of the
// dispatcher's work one crawl or request owns, and its report), the politeness gate, clock helpers.
// Threading: the io thread.
#pragma once

#include "crawl/engine.hpp"

#include <boost/asio/steady_timer.hpp>

namespace feedkeeper::crawl {

// Leases, pauses and spacing run on the steady clock here and on the wall clock in the archive.
inline SteadyTime steady_time(Timestamp time) { return SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(time - now_utc()); }
inline Timestamp system_time(SteadyTime time) { return now_utc() + std::chrono::ceil<std::chrono::seconds>(time - SteadyClock::now()); }

// How often the engine renews leases, hands idle hosts back and records pauses.
constexpr std::chrono::seconds maintenance_interval { 5 };

// The frontier's view of fetch::Politeness: the same state the fetcher obeys.
class Engine::Gate final : public HostGate {
public:
    explicit Gate(fetch::Politeness& politeness) : m_politeness(politeness) { }
    SteadyTime ready_at(const std::string& host) const override { return m_politeness.ready_at(host); }
    std::size_t connections(const std::string& host) const override { return std::max<std::size_t>(m_politeness.policy(host).connections, 1); }

private:
    fetch::Politeness& m_politeness;
};

struct Ticket {
    explicit Ticket(asio::any_io_executor executor, std::chrono::seconds wait) : max_wait(wait), done(executor, asio::steady_timer::time_point::max()) { }

    CrawlReport report;
    std::set<std::pair<WorkKind, std::int64_t>> items; // queued or running
    std::size_t running = 0;
    std::chrono::seconds max_wait;
    bool all_jobs = false;                 // every job belongs to it, not only its feeds'
    std::set<std::int64_t> feeds;          // the jobs of these feeds belong to it
    std::map<std::string, CrawlReport::Deferred> deferred; // by host: work released untried
    struct Blocked {                       // a host another process holds
        std::string worker;
        std::size_t feeds = 0;
        std::size_t articles = 0;
        SteadyTime since {};
        std::vector<store::FeedRecord> polls; // to push once the host is free
    };
    std::map<std::string, Blocked> blocked;
    asio::steady_timer done; // cancelled when the ticket completes
    bool complete = false;
    bool loading = true;     // its scope is still being queued: not complete even with no items yet
    bool background = false; // the daemon's own work: never completes
};

} // namespace feedkeeper::crawl

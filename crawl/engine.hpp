// crawl/engine.hpp — the crawl: one dispatcher over the frontier, fed from the archive's queue.
//
//   archive (feeds due, jobs) ──claim (leases: hosts and jobs)──► Frontier ──pop (host ready)──►
//   tasks (poll / article job, at most max_in_flight) ──done──► new jobs claimed, host may go again
//
// Feed polls and article fetches are both work items of a host. The dispatcher starts an item only
// when its host may be asked now (politeness slot and delay, Retry-After pause, robots Crawl-delay),
// never holds a transfer slot while it waits for a host, and starts the next ready item as soon as
// one ends: no phase between polls and articles, no batches. `crawl --once` does what may be done,
// waits for a host at most --max-wait and leaves the rest queued (a report line per host); the
// daemon runs the same dispatcher until it is stopped. Work is leased from the archive, so several
// processes share one archive without fetching a page twice or crowding a host.
// Threading: everything on Runtime::io (one thread); tasks hop to the pools as the jobs do.
#pragma once

#include "crawl/article_job.hpp"
#include "crawl/frontier.hpp"
#include "crawl/report.hpp"
#include "crawl/task_group.hpp"

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

namespace feedkeeper::crawl {

struct Ticket; // one crawl's or request's share of the work and its report (engine_ticket.hpp)

// What a crawl covers.
struct CrawlScope {
    std::vector<store::FeedRecord> feeds; // polled now
    bool all_jobs = false;                // every due job, not only the feeds' own
    std::vector<std::string> urls;        // pages a user asked for (recrawl --url): fetched first
    std::vector<std::int64_t> job_feeds;  // feeds whose queued jobs are crawled, without a poll (backfill)
    std::chrono::seconds max_wait { 60 }; // the longest wait for a host before its work is left queued
    // `crawl --all`: the Retry-After pauses recorded by earlier runs are not waited for (a pause
    // this run meets is).
    bool ignore_recorded_pauses = false;
};

struct EngineStatus {
    std::size_t queued = 0;
    std::size_t running = 0;
    std::size_t hosts = 0;
};

class Engine {
public:
    enum class Mode {
        once,      // `crawl`, `recrawl` without a daemon: the scope, then exit
        continuous // the daemon: due feeds, jobs and rechecks as they come, and requests
    };
    Engine(Runtime&, Mode);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Registers this process with the archive's queue (its leases are known by its token).
    asio::awaitable<Result<void>> open(std::string_view role);
    // Hands every host and job this process holds back to the queue, with the pauses it learned.
    asio::awaitable<void> close();

    // Mode::once: the whole crawl of `scope`; returns when it is done or left queued.
    asio::awaitable<CrawlReport> crawl(CrawlScope);
    // Mode::continuous: the dispatcher, until stop(). Requests run inside it.
    asio::awaitable<void> run();
    // Mode::continuous: a user's request in the running dispatcher (its items first on their
    // hosts); returns its report when its items are done or left queued (their hosts not ready
    // within scope.max_wait: they stay queued in the daemon).
    asio::awaitable<CrawlReport> request(CrawlScope);
    // Cancels every task and ends run(); leases go back with close().
    void stop();
    // After stop(): waits at most `grace` for the cancelled tasks to unwind; true when they did.
    asio::awaitable<bool> drain(std::chrono::steady_clock::duration grace) { return m_tasks.wait_empty(grace); }
    // Something may be due now (a reload, a control request): look at the archive again.
    void wake();

    // Called on the io thread after each item ends: (done, total, "items").
    using ProgressCallback = std::function<void(std::size_t done, std::size_t total, const std::string& what)>;
    void on_progress(ProgressCallback callback) { m_progress = std::move(callback); }
    // Called after each item ends with what it added to the report (the daemon's counters).
    using OutcomeCallback = std::function<void(const CrawlReport&)>;
    void on_outcome(OutcomeCallback callback) { m_outcome = std::move(callback); }
    EngineStatus status() const;

private:
    class Gate;
    using ItemKey = std::pair<WorkKind, std::int64_t>;

    asio::awaitable<void> dispatch();
    void start(WorkItem);
    asio::awaitable<void> run_item(WorkItem, std::shared_ptr<const Config>);
    asio::awaitable<bool> run_poll(const WorkItem&, const Config&);
    asio::awaitable<bool> run_job(const WorkItem&, const Config&);
    void settle(const WorkItem&, const CrawlReport& outcome, const std::optional<CrawlReport::Deferred>& deferred = std::nullopt);
    void check_tickets(SteadyTime now);
    void complete(const std::shared_ptr<Ticket>&, SteadyTime now);
    CrawlReport::Deferred deferral(const std::string& host, const WorkItem*, SteadyTime now) const;

    // The archive side (engine_load.cpp).
    asio::awaitable<void> load_scope(const std::shared_ptr<Ticket>&, const CrawlScope&);
    asio::awaitable<void> push_polls(std::vector<store::FeedRecord>, Priority, const std::vector<std::shared_ptr<Ticket>>&);
    asio::awaitable<void> claim_jobs(store::WorkClaim, const std::vector<std::shared_ptr<Ticket>>&);
    void take_work(store::ClaimedWork, const std::vector<std::shared_ptr<Ticket>>&);
    static WorkItem job_item(const store::Job&);
    asio::awaitable<void> refill();   // continuous: due feeds, rechecks, jobs
    asio::awaitable<void> maintain(); // leases, idle hosts, pauses
    asio::awaitable<void> retry_blocked();
    void hold(const store::HostLease&);
    void push(WorkItem, const std::vector<std::shared_ptr<Ticket>>&);
    asio::awaitable<const store::FeedRecord*> feed_record(std::int64_t feed_id);
    store::WorkClaim work_claim() const;
    std::vector<std::shared_ptr<Ticket>> scope_tickets(std::optional<std::int64_t> feed_id) const;

    Runtime& m_runtime;
    Mode m_mode;
    std::unique_ptr<Gate> m_gate;
    Frontier m_frontier;
    TaskGroup m_tasks;
    asio::steady_timer m_wakeup;
    std::mt19937_64 m_random;
    SiteProfileCache m_profiles;
    ArticleSaver m_saver;
    ProgressCallback m_progress;
    OutcomeCallback m_outcome;
    std::string m_worker; // this process's token in the archive's leases
    std::string m_role;   // how the archive's workers table names it: "daemon on HOSTNAME"
    bool m_open = false;
    bool m_stopping = false;
    bool m_refill_now = true;
    bool m_ignore_recorded_pauses = false;

    std::map<ItemKey, std::vector<std::shared_ptr<Ticket>>> m_item_tickets;
    std::vector<std::shared_ptr<Ticket>> m_tickets; // open ones
    std::shared_ptr<Ticket> m_background;           // the daemon's own work
    std::unordered_map<std::int64_t, store::FeedRecord> m_feeds; // polls queued or running, and article jobs' feeds
    std::unordered_map<std::int64_t, store::Job> m_jobs;         // article jobs queued or running
    std::set<std::string> m_held;                 // hosts this process holds in the archive
    std::set<std::string> m_more;                 // hosts with more due jobs in the archive than claimed
    std::map<std::string, SteadyTime> m_recorded_pauses; // pauses written to the archive
    std::map<std::int64_t, SteadyTime> m_last_poll; // continuous: a feed whose poll could not be recorded is not hammered
    SteadyTime m_next_refill {};
    SteadyTime m_next_maintenance {};
    SteadyTime m_next_renewal {};
    // Bytes of fetched pages whose items are past their transfer and not finished: new transfers
    // wait while they exceed max_page_backlog_bytes (a few huge pages cannot pile up unbounded).
    std::size_t m_page_backlog_bytes = 0;
    static constexpr std::size_t max_page_backlog_bytes = 64 * 1024 * 1024;
    std::size_t m_done = 0;
    std::size_t m_seen = 0;
};

} // namespace feedkeeper::crawl

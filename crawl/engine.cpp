// crawl/engine.cpp — the dispatcher and the items it runs (the archive side is engine_load.cpp).
// Invariants: an item is in the frontier or running, never both; every item's tickets are in
// m_item_tickets under its key until it is settled; a ticket's `running` counts its items that
// run now; a ticket completes when its items are done, or when none runs and every one left waits
// for a host longer than the ticket's max_wait.
// Threading: the io thread; items are tasks of m_tasks.
#include "crawl/engine.hpp"

#include "core/log.hpp"
#include "core/process.hpp"
#include "core/url.hpp"
#include "crawl/engine_ticket.hpp"
#include "crawl/feed_poll.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace feedkeeper::crawl {

using namespace std::chrono_literals;

namespace {

// An item handed back although its host looked ready (another task took the slot meanwhile) waits
// this long, so that such a race can never turn into a busy loop.
constexpr auto requeue_pause = 50ms;

} // namespace

Engine::Engine(Runtime& runtime, Mode mode)
    : m_runtime(runtime)
    , m_mode(mode)
    , m_gate(std::make_unique<Gate>(runtime.fetcher.politeness()))
    , m_tasks(runtime.io.get_executor())
    , m_wakeup(runtime.io)
    , m_random(std::random_device {}())
    , m_saver(runtime)
    , m_worker(process_token())
{
    if (mode == Mode::continuous) {
        m_background = std::make_shared<Ticket>(runtime.io.get_executor(), 60s);
        m_background->background = true;
        m_background->loading = false;
        m_background->all_jobs = true;
    }
}

Engine::~Engine() = default;

EngineStatus Engine::status() const { return { m_frontier.queued(), m_frontier.running(), m_frontier.hosts() }; }

void Engine::wake()
{
    m_refill_now = true;
    m_wakeup.cancel();
}

void Engine::stop()
{
    m_stopping = true;
    m_tasks.cancel();
    m_wakeup.cancel();
    for (const auto& ticket : m_tickets)
        ticket->done.cancel();
}

asio::awaitable<Result<void>> Engine::open(std::string_view role)
{
    m_role = fmt::format("{} on {}", role, host_name());
    auto registered = co_await m_runtime.store([&](store::Archive& archive) { return archive.jobs().register_worker(m_worker, m_role, now_utc()); });
    if (!registered)
        co_return registered.error();
    m_open = true;
    co_return Result<void> {};
}

asio::awaitable<CrawlReport> Engine::crawl(CrawlScope scope)
{
    m_ignore_recorded_pauses = scope.ignore_recorded_pauses;
    auto ticket = std::make_shared<Ticket>(m_runtime.io.get_executor(), scope.max_wait);
    ticket->all_jobs = scope.all_jobs;
    for (const store::FeedRecord& feed : scope.feeds)
        ticket->feeds.insert(feed.id);
    ticket->feeds.insert(scope.job_feeds.begin(), scope.job_feeds.end());
    m_tickets.push_back(ticket);
    co_await load_scope(ticket, scope);
    ticket->loading = false;
    co_await dispatch();
    co_await m_tasks.wait_empty(m_runtime.config()->daemon.shutdown_grace);
    // What may not be done now stays queued, with the time its host may be asked again.
    std::vector<std::pair<std::int64_t, std::optional<Timestamp>>> left;
    for (const WorkItem& item : m_frontier.take_all()) {
        if (item.kind != WorkKind::article)
            continue;
        const SteadyTime ready = m_gate->ready_at(item.host);
        const SteadyTime at = std::max(ready == SteadyTime::max() ? SteadyTime {} : ready, item.not_before);
        left.emplace_back(item.id, at > SteadyClock::now() ? std::optional<Timestamp>(system_time(at)) : std::nullopt);
    }
    if (!left.empty())
        if (auto released = co_await m_runtime.store([&](store::Archive& archive) { return archive.jobs().release_many(left); }); !released)
            log_event(LogLevel::warning, "store.failed", { { "error", released.error().message } });
    co_return ticket->report;
}

asio::awaitable<void> Engine::run() { co_await dispatch(); }

asio::awaitable<CrawlReport> Engine::request(CrawlScope scope)
{
    auto ticket = std::make_shared<Ticket>(m_runtime.io.get_executor(), scope.max_wait);
    ticket->all_jobs = scope.all_jobs;
    for (const store::FeedRecord& feed : scope.feeds)
        ticket->feeds.insert(feed.id);
    ticket->feeds.insert(scope.job_feeds.begin(), scope.job_feeds.end());
    m_tickets.push_back(ticket);
    co_await load_scope(ticket, scope);
    ticket->loading = false;
    m_wakeup.cancel();
    while (!ticket->complete && !m_stopping)
        co_await ticket->done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ticket->report;
}

asio::awaitable<void> Engine::dispatch()
{
    m_next_maintenance = SteadyClock::now() + maintenance_interval;
    while (!m_stopping) {
        if (SteadyClock::now() >= m_next_maintenance)
            co_await maintain();
        if (m_mode == Mode::continuous && !m_stopping && (m_refill_now || SteadyClock::now() >= m_next_refill))
            co_await refill();
        // Up to max_in_flight transfers. Items past their transfer (extracting, storing) hold no
        // transfer slot and no host, but each holds its page (compressed once prepared): up to
        // three times as many again may be in those stages, so that the cores keep extracting
        // while the one writer commits a batch (bench_crawl: with one times as many, they stalled),
        // as long as their pages stay under max_page_backlog_bytes.
        const std::size_t limit = std::max<std::size_t>(m_runtime.config()->fetch.max_in_flight, 1);
        auto may_start = [&] {
            return m_frontier.transferring() < limit && m_frontier.running() < 4 * limit && m_page_backlog_bytes < max_page_backlog_bytes;
        };
        while (!m_stopping && may_start()) {
            auto item = m_frontier.pop(SteadyClock::now(), *m_gate);
            if (!item)
                break;
            start(std::move(*item));
        }
        const SteadyTime now = SteadyClock::now();
        check_tickets(now);
        if (m_mode == Mode::once && m_tickets.empty() && m_frontier.running() == 0)
            break;
        SteadyTime wake_at = m_next_maintenance;
        if (m_mode == Mode::continuous)
            wake_at = std::min(wake_at, m_next_refill);
        if (may_start())
            if (auto next = m_frontier.next_time())
                wake_at = std::min(wake_at, *next);
        // Nothing is lost between here and the wait: completions run only while this coroutine is
        // suspended, and each cancels the wait it finds (or the next loop sees what it changed).
        m_wakeup.expires_at(std::max(wake_at, now));
        co_await m_wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

void Engine::start(WorkItem item)
{
    for (const auto& ticket : m_item_tickets[{ item.kind, item.id }])
        ++ticket->running;
    m_tasks.spawn(run_item(std::move(item), m_runtime.config()), "crawl item");
}

asio::awaitable<void> Engine::run_item(WorkItem item, std::shared_ptr<const Config> config)
{
    // `config` is this item's snapshot: a reload meanwhile does not change what it runs under.
    const bool requeue = item.kind == WorkKind::poll ? co_await run_poll(item, *config) : co_await run_job(item, *config);
    m_frontier.finish(item, *m_gate);
    if (requeue && !m_stopping) {
        for (const auto& ticket : m_item_tickets[{ item.kind, item.id }])
            --ticket->running;
        if (m_gate->ready_at(item.host) <= SteadyClock::now())
            item.not_before = SteadyClock::now() + requeue_pause;
        m_frontier.push(std::move(item), *m_gate);
    }
    m_wakeup.cancel();
}

void Engine::settle(const WorkItem& item, const CrawlReport& outcome, const std::optional<CrawlReport::Deferred>& deferred)
{
    const ItemKey key { item.kind, item.id };
    auto tickets = m_item_tickets.find(key);
    if (tickets != m_item_tickets.end()) {
        for (const auto& ticket : tickets->second) {
            ticket->report.add(outcome);
            if (deferred) {
                CrawlReport::Deferred& host = ticket->deferred[deferred->host];
                if (host.host.empty())
                    host = *deferred;
                else {
                    host.feeds += deferred->feeds;
                    host.articles += deferred->articles;
                    if (deferred->until && (!host.until || *deferred->until > *host.until))
                        host.until = deferred->until;
                }
            }
            ticket->items.erase(key);
            if (ticket->running > 0)
                --ticket->running;
        }
        m_item_tickets.erase(tickets);
    }
    if (m_outcome)
        m_outcome(outcome);
    ++m_done;
    if (m_progress)
        m_progress(m_done, std::max(m_done, m_seen), "items");
}

asio::awaitable<bool> Engine::run_poll(const WorkItem& item, const Config& config)
{
    auto found = m_feeds.find(item.id);
    if (found == m_feeds.end()) {
        settle(item, {});
        co_return false;
    }
    const store::FeedRecord feed = found->second;
    m_last_poll[feed.id] = SteadyClock::now();
    const PollResult result = co_await poll_feed(m_runtime, config, feed, m_random, 0ms);
    CrawlReport outcome;
    switch (result.kind) {
    case PollResult::Kind::deferred: co_return true;
    case PollResult::Kind::cancelled: co_return false;
    case PollResult::Kind::failed:
        outcome.feeds_polled = 1;
        outcome.feeds_failed = 1;
        outcome.failures.push_back({ feed.url, result.error });
        break;
    case PollResult::Kind::polled: {
        outcome.feeds_polled = 1;
        outcome.new_entries = result.new_entries;
        // Its articles, new or waiting: for whoever asked for this poll, and for the scopes that cover it.
        store::WorkClaim claim = work_claim();
        claim.feed_id = feed.id;
        std::vector<std::shared_ptr<Ticket>> tickets = m_item_tickets[{ item.kind, item.id }];
        // The poll recorded what it learned (the feed's address decides its articles' address
        // policy, a redirect may have moved it): its articles read the feed afresh.
        m_feeds.erase(feed.id);
        co_await claim_jobs(claim, tickets);
        break;
    }
    }
    settle(item, outcome);
    co_return false;
}

asio::awaitable<bool> Engine::run_job(const WorkItem& item, const Config& config)
{
    auto found = m_jobs.find(item.id);
    if (found == m_jobs.end()) {
        settle(item, {});
        co_return false;
    }
    const store::Job job = found->second;
    const store::FeedRecord* feed = job.feed_id ? co_await feed_record(*job.feed_id) : nullptr;
    // Once the page is in (or the transfer failed), the host may take its next request while this
    // page is extracted and stored.
    // (Like finish() in run_item, the share is given back when the job returns: a job ends by
    // returning, also when cancelled; only shutdown destroys a suspended one, with the engine.)
    std::size_t page_bytes = 0;
    auto transfer_ended = [this, &item, &page_bytes](std::size_t body_bytes) {
        page_bytes = body_bytes;
        m_page_backlog_bytes += body_bytes;
        m_frontier.transfer_ended(item, *m_gate);
        m_wakeup.cancel();
    };
    const JobResult result = co_await run_article_job(m_runtime, config, m_profiles, m_saver, job, feed, 0ms, transfer_ended);
    m_page_backlog_bytes -= page_bytes;
    CrawlReport outcome;
    std::optional<CrawlReport::Deferred> deferred;
    switch (result.kind) {
    case JobResult::Kind::requeue: co_return true;
    case JobResult::Kind::cancelled: co_return false;
    case JobResult::Kind::stored: outcome.articles_stored = 1; break;
    case JobResult::Kind::unchanged: outcome.articles_unchanged = 1; break;
    case JobResult::Kind::not_article: outcome.pages_not_articles = 1; break;
    case JobResult::Kind::failed:
        outcome.articles_failed = 1;
        outcome.failures.push_back({ job.url, result.error });
        break;
    case JobResult::Kind::released:
        deferred = CrawlReport::Deferred { job.host, "paused", result.not_before, "Retry-After", 0, 1 };
        break;
    case JobResult::Kind::storage_failed:
        outcome.articles_failed = 1;
        outcome.storage_failures = 1;
        outcome.failures.push_back({ job.url, result.error });
        break;
    }
    m_jobs.erase(job.id);
    // The host's share of the queue ran dry here while the archive holds more of its jobs.
    if (m_frontier.queued_on(job.host) == 0 && m_more.erase(job.host) > 0 && !m_stopping) {
        store::WorkClaim claim = work_claim();
        claim.host = job.host;
        const std::vector<std::shared_ptr<Ticket>> none;
        co_await claim_jobs(claim, none);
    }
    settle(item, outcome, deferred);
    co_return false;
}

void Engine::check_tickets(SteadyTime now)
{
    const std::vector<std::shared_ptr<Ticket>> open = m_tickets;
    for (const auto& ticket : open) {
        if (ticket->complete || ticket->loading)
            continue;
        if (ticket->items.empty() && ticket->blocked.empty()) {
            complete(ticket, now);
            continue;
        }
        if (ticket->running > 0)
            continue;
        // Nothing of it runs: is everything it still has waiting longer than it may wait?
        const SteadyTime limit = now + ticket->max_wait;
        bool waits_too_long = true;
        for (const auto& [kind, id] : ticket->items) {
            auto ready = m_frontier.ready_time(kind, id, *m_gate);
            if (!ready || *ready <= limit) {
                waits_too_long = false;
                break;
            }
        }
        for (const auto& [host, blocked] : ticket->blocked)
            if (blocked.since + ticket->max_wait > now)
                waits_too_long = false;
        if (waits_too_long)
            complete(ticket, now);
    }
}

CrawlReport::Deferred Engine::deferral(const std::string& host, const WorkItem* item, SteadyTime now) const
{
    CrawlReport::Deferred deferred;
    deferred.host = host;
    const SteadyTime paused = m_runtime.fetcher.politeness().paused_until(host);
    const SteadyTime ready = m_gate->ready_at(host);
    if (paused > now) {
        const fetch::PauseReason reason = m_runtime.fetcher.politeness().pause_reason(host);
        deferred.state = reason == fetch::PauseReason::retry_after ? "paused" : "backing off";
        deferred.until = system_time(paused);
        deferred.cause = std::string(fetch::to_string(reason));
    } else if (item && item->not_before > now) {
        deferred.state = "backing off";
        deferred.until = system_time(item->not_before);
    } else {
        deferred.state = "may not be asked yet";
        if (ready != SteadyTime::max())
            deferred.until = system_time(ready);
        deferred.cause = "its politeness delay or robots.txt Crawl-delay";
    }
    return deferred;
}

void Engine::complete(const std::shared_ptr<Ticket>& ticket, SteadyTime now)
{
    ticket->complete = true;
    // What is left waits for its host: one line per host.
    for (const auto& key : ticket->items) {
        std::string host;
        if (key.first == WorkKind::poll) {
            if (auto feed = m_feeds.find(key.second); feed != m_feeds.end())
                host = url_host(feed->second.url);
        } else if (auto job = m_jobs.find(key.second); job != m_jobs.end()) {
            host = job->second.host;
        }
        CrawlReport::Deferred& line = ticket->deferred[host];
        if (line.host.empty())
            line = deferral(host, nullptr, now);
        (key.first == WorkKind::poll ? line.feeds : line.articles) += 1;
        if (auto tickets = m_item_tickets.find(key); tickets != m_item_tickets.end())
            std::erase(tickets->second, ticket);
    }
    for (const auto& [host, blocked] : ticket->blocked) {
        CrawlReport::Deferred& line = ticket->deferred[host];
        line.host = host;
        line.state = fmt::format("held by another feedkeeper process (pid {})", token_pid(blocked.worker));
        line.feeds += blocked.feeds;
        line.articles += blocked.articles;
    }
    for (auto& [host, line] : ticket->deferred)
        ticket->report.deferred.push_back(line);
    std::erase(m_tickets, ticket);
    ticket->done.cancel();
}

} // namespace feedkeeper::crawl

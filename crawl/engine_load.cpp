// crawl/engine_load.cpp — the engine's archive side: taking work (feeds due, jobs) by lease into the
// frontier, keeping the leases alive, handing idle hosts back, recording pauses, and giving it all
// back at the end.
// Threading: the io thread; archive calls hop to the store thread.
#include "crawl/engine.hpp"

#include "core/log.hpp"
#include "core/url.hpp"
#include "crawl/engine_ticket.hpp"

#include <algorithm>

namespace feedkeeper::crawl {

using namespace std::chrono_literals;

namespace {

constexpr auto lease_time = 5min;       // a hung process's work is free after this
constexpr auto renewal_interval = 60s;
constexpr auto refill_floor = 15s;      // something due that is being worked on already
constexpr auto refill_ceiling = 1h;
constexpr auto repoll_guard = 60s;      // a feed whose poll could not be recorded stays due: not hammered

Priority job_priority(store::JobKind kind)
{
    switch (kind) {
    case store::JobKind::manual: return Priority::urgent;
    case store::JobKind::article: return Priority::fresh;
    case store::JobKind::recheck: return Priority::recheck;
    case store::JobKind::backfill: return Priority::backfill;
    }
    return Priority::fresh;
}

// Faster feeds are polled first: their news is fresher.
std::int64_t poll_rank(const store::FeedRecord& feed)
{
    if (feed.interval_seconds)
        return *feed.interval_seconds;
    if (feed.publishing_gap)
        return *feed.publishing_gap;
    return 3600;
}

} // namespace

store::WorkClaim Engine::work_claim() const
{
    store::WorkClaim claim;
    claim.worker = m_worker;
    claim.now = now_utc();
    claim.horizon = claim.now;
    claim.lease_until = claim.now + lease_time;
    return claim;
}

std::vector<std::shared_ptr<Ticket>> Engine::scope_tickets(std::optional<std::int64_t> feed_id) const
{
    std::vector<std::shared_ptr<Ticket>> tickets;
    for (const auto& ticket : m_tickets)
        if (ticket->all_jobs || (feed_id && ticket->feeds.contains(*feed_id)))
            tickets.push_back(ticket);
    if (m_background)
        tickets.push_back(m_background);
    return tickets;
}

void Engine::push(WorkItem item, const std::vector<std::shared_ptr<Ticket>>& tickets)
{
    const ItemKey key { item.kind, item.id };
    const Priority priority = item.priority;
    if (m_frontier.push(item, *m_gate))
        ++m_seen;
    else if (priority == Priority::urgent)
        m_frontier.promote(key.first, key.second, priority, *m_gate); // a user asked: first on its host
    const bool running = m_frontier.contains(key.first, key.second) && !m_frontier.ready_time(key.first, key.second, *m_gate);
    auto& attached = m_item_tickets[key];
    for (const auto& ticket : tickets) {
        if (ticket->complete || std::find(attached.begin(), attached.end(), ticket) != attached.end())
            continue;
        attached.push_back(ticket);
        ticket->items.insert(key);
        if (running)
            ++ticket->running;
    }
}

void Engine::hold(const store::HostLease& lease)
{
    m_held.insert(lease.host);
    fetch::Politeness& politeness = m_runtime.fetcher.politeness();
    if (lease.paused_until && !m_ignore_recorded_pauses) {
        const auto reason = lease.pause_reason == fetch::to_string(fetch::PauseReason::failures) ? fetch::PauseReason::failures : fetch::PauseReason::retry_after;
        politeness.pause(lease.host, steady_time(*lease.paused_until), reason);
        m_recorded_pauses[lease.host] = steady_time(*lease.paused_until);
    }
    if (lease.free_at)
        politeness.hold_until(lease.host, steady_time(*lease.free_at));
    m_frontier.refresh(lease.host, *m_gate);
}

asio::awaitable<const store::FeedRecord*> Engine::feed_record(std::int64_t feed_id)
{
    if (auto found = m_feeds.find(feed_id); found != m_feeds.end())
        co_return &found->second;
    auto loaded = co_await m_runtime.store([&](store::Archive& archive) { return archive.feeds().find(std::to_string(feed_id)); });
    if (!loaded || !*loaded)
        co_return nullptr; // removed meanwhile: fetched as a page of no feed
    auto [it, inserted] = m_feeds.emplace(feed_id, std::move(**loaded));
    co_return &it->second;
}

asio::awaitable<void> Engine::load_scope(const std::shared_ptr<Ticket>& ticket, const CrawlScope& scope)
{
    const std::vector<std::shared_ptr<Ticket>> tickets { ticket };
    for (const std::string& url : scope.urls) {
        // Queued and claimed in one step on the store thread: the daemon's own refill must not
        // take the job in between, or it would run uncredited to the request that asked for it.
        store::WorkClaim claim = work_claim();
        std::int64_t job_id = 0;
        auto work = co_await m_runtime.store([&](store::Archive& archive) -> Result<store::ClaimedWork> {
            auto queued = archive.jobs().enqueue(store::JobKind::manual, url, std::nullopt);
            if (!queued)
                return queued.error();
            job_id = *queued;
            claim.job_id = *queued;
            return archive.jobs().claim(claim);
        });
        if (!work) {
            ticket->report.articles_failed += 1;
            ticket->report.failures.push_back({ url, work.error().message });
            continue;
        }
        take_work(std::move(*work), tickets);
        // Asked for again while an earlier request's job for it is still ours: share that one.
        if (auto known = m_jobs.find(job_id); known != m_jobs.end() && !ticket->items.contains({ WorkKind::article, job_id }))
            push(job_item(known->second), tickets);
    }
    co_await push_polls(scope.feeds, m_mode == Mode::continuous ? Priority::urgent : Priority::poll, tickets);
    if (scope.all_jobs) {
        co_await claim_jobs(work_claim(), tickets);
    } else {
        for (const store::FeedRecord& feed : scope.feeds) {
            store::WorkClaim claim = work_claim();
            claim.feed_id = feed.id;
            co_await claim_jobs(claim, tickets);
        }
        for (std::int64_t feed_id : scope.job_feeds) {
            store::WorkClaim claim = work_claim();
            claim.feed_id = feed_id;
            co_await claim_jobs(claim, tickets);
        }
    }
}

asio::awaitable<void> Engine::push_polls(std::vector<store::FeedRecord> feeds, Priority priority, const std::vector<std::shared_ptr<Ticket>>& tickets)
{
    if (feeds.empty())
        co_return;
    std::vector<std::string> hosts;
    for (const store::FeedRecord& feed : feeds)
        hosts.push_back(url_host(feed.url));
    const Timestamp now = now_utc();
    auto granted = co_await m_runtime.store([&](store::Archive& archive) { return archive.hosts().claim(m_worker, hosts, now, now + lease_time); });
    if (!granted) {
        log_event(LogLevel::error, "store.failed", { { "error", granted.error().message } });
        for (const auto& ticket : tickets)
            for (const store::FeedRecord& feed : feeds) {
                ticket->report.feeds_failed += 1;
                ticket->report.failures.push_back({ feed.url, granted.error().message });
            }
        co_return;
    }
    for (const store::HostLease& lease : *granted)
        hold(lease);
    std::vector<std::string> refused;
    for (store::FeedRecord& feed : feeds) {
        std::string host = url_host(feed.url);
        if (!m_held.contains(host)) {
            refused.push_back(host);
            for (const auto& ticket : tickets) {
                if (ticket->background)
                    continue; // the daemon looks again at its next refill
                Ticket::Blocked& blocked = ticket->blocked[host];
                if (blocked.polls.empty() && blocked.articles == 0)
                    blocked.since = SteadyClock::now();
                blocked.feeds += 1;
                blocked.polls.push_back(feed);
            }
            continue;
        }
        WorkItem item;
        item.kind = WorkKind::poll;
        item.id = feed.id;
        item.host = std::move(host);
        item.priority = priority;
        item.rank = poll_rank(feed);
        m_feeds[feed.id] = std::move(feed);
        push(std::move(item), tickets);
    }
    if (!refused.empty()) {
        auto holders = co_await m_runtime.store([&](store::Archive& archive) { return archive.hosts().holders(refused, now_utc()); });
        if (holders)
            for (const store::HostHolder& holder : *holders)
                for (const auto& ticket : tickets)
                    if (auto blocked = ticket->blocked.find(holder.host); blocked != ticket->blocked.end())
                        blocked->second.worker = holder.worker;
    }
}

WorkItem Engine::job_item(const store::Job& job)
{
    WorkItem item;
    item.kind = WorkKind::article;
    item.id = job.id;
    item.host = job.host;
    item.priority = job_priority(job.kind);
    item.rank = job.id;
    if (const SteadyTime not_before = steady_time(job.not_before); not_before > SteadyClock::now())
        item.not_before = not_before;
    return item;
}

asio::awaitable<void> Engine::claim_jobs(store::WorkClaim claim, const std::vector<std::shared_ptr<Ticket>>& tickets)
{
    auto work = co_await m_runtime.store([&](store::Archive& archive) { return archive.jobs().claim(claim); });
    if (!work) {
        log_event(LogLevel::error, "store.failed", { { "error", work.error().message } });
        for (const auto& ticket : tickets) {
            ticket->report.failures.push_back({ "archive", work.error().message });
        }
        co_return;
    }
    take_work(std::move(*work), tickets);
}

void Engine::take_work(store::ClaimedWork work, const std::vector<std::shared_ptr<Ticket>>& tickets)
{
    for (const store::HostLease& lease : work.hosts)
        hold(lease);
    m_more.insert(work.more.begin(), work.more.end());
    for (store::Job& job : work.jobs) {
        WorkItem item = job_item(job);
        std::vector<std::shared_ptr<Ticket>> owners = scope_tickets(job.feed_id);
        for (const auto& ticket : tickets)
            if (std::find(owners.begin(), owners.end(), ticket) == owners.end())
                owners.push_back(ticket);
        m_jobs[job.id] = std::move(job);
        push(std::move(item), owners);
    }
    // Work another process holds: a crawl waits for it at most its max_wait, then reports it.
    for (const store::HostHolder& holder : work.held_elsewhere)
        for (const auto& ticket : m_tickets)
            if (ticket->all_jobs || std::find(tickets.begin(), tickets.end(), ticket) != tickets.end()) {
                Ticket::Blocked& blocked = ticket->blocked[holder.host];
                if (blocked.polls.empty() && blocked.articles == 0)
                    blocked.since = SteadyClock::now();
                blocked.worker = holder.worker;
                blocked.articles = static_cast<std::size_t>(holder.due_jobs);
            }
}

asio::awaitable<void> Engine::refill()
{
    m_refill_now = false;
    // Named, not braced in the co_await: GCC 12 miscompiles initializer lists in coroutines.
    const std::vector<std::shared_ptr<Ticket>> background { m_background };
    const Timestamp now = now_utc();
    auto due = co_await m_runtime.store([&](store::Archive& archive) { return archive.feeds().due(now); });
    if (!due) {
        log_event(LogLevel::error, "store.failed", { { "error", due.error().message } });
    } else {
        std::vector<store::FeedRecord> polls;
        for (store::FeedRecord& feed : *due) {
            if (feed.health == store::FeedHealth::retired || m_frontier.contains(WorkKind::poll, feed.id))
                continue;
            if (auto last = m_last_poll.find(feed.id); last != m_last_poll.end() && SteadyClock::now() - last->second < repoll_guard)
                continue;
            polls.push_back(std::move(feed));
        }
        co_await push_polls(std::move(polls), Priority::poll, background);
    }
    if (auto rechecks = co_await m_runtime.store([&](store::Archive& archive) { return archive.jobs().enqueue_due_rechecks(now, 1000); }); !rechecks)
        log_event(LogLevel::error, "store.failed", { { "error", rechecks.error().message } });
    co_await claim_jobs(work_claim(), background);

    auto next = co_await m_runtime.store([](store::Archive& archive) { return archive.jobs().next_due_time(); });
    std::chrono::seconds wait = std::chrono::duration_cast<std::chrono::seconds>(refill_ceiling);
    if (next && *next)
        wait = std::clamp(std::chrono::duration_cast<std::chrono::seconds>(**next - now_utc()), std::chrono::seconds(1), wait);
    if (next && *next && **next <= now_utc()) {
        wait = refill_floor; // due already, and being worked on (here or by another process)
        // Jobs due already (a backfill's thousands of pages) must not hide a feed that falls due
        // within the floor: its poll is looked at when it is due, not up to 15 s later.
        const Timestamp soon = now_utc() + std::chrono::duration_cast<std::chrono::seconds>(refill_floor);
        if (auto feeds = co_await m_runtime.store([&](store::Archive& archive) { return archive.feeds().due(soon); }))
            for (const store::FeedRecord& feed : *feeds)
                if (feed.next_fetch && *feed.next_fetch > now_utc() && !m_frontier.contains(WorkKind::poll, feed.id))
                    wait = std::min(wait, std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(*feed.next_fetch - now_utc())));
    }
    m_next_refill = SteadyClock::now() + wait;
}

asio::awaitable<void> Engine::maintain()
{
    m_next_maintenance = SteadyClock::now() + maintenance_interval;
    const fetch::Politeness& politeness = m_runtime.fetcher.politeness();
    const SteadyTime now = SteadyClock::now();
    // Pauses learned (429/503 Retry-After) outlive this process: no other run asks before they end.
    std::vector<std::pair<std::string, SteadyTime>> pauses;
    for (const std::string& host : m_held) {
        const SteadyTime paused = politeness.paused_until(host);
        if (paused > now + 1s && paused > m_recorded_pauses[host] + 1s)
            pauses.emplace_back(host, paused);
    }
    // Hosts with nothing queued or running here go back, with the spacing their next holder keeps.
    std::vector<std::pair<std::string, Timestamp>> idle;
    for (const std::string& host : m_held) {
        if (m_frontier.queued_on(host) > 0 || m_frontier.running_on(host) > 0)
            continue;
        idle.emplace_back(host, system_time(std::max(politeness.spaced_until(host), now)));
    }
    const bool renew = now >= m_next_renewal;
    auto done = co_await m_runtime.store([&](store::Archive& archive) -> Result<void> {
        for (const auto& [host, until] : pauses)
            if (auto recorded = archive.hosts().pause(host, system_time(until), std::string(fetch::to_string(politeness.pause_reason(host)))); !recorded)
                return recorded.error();
        if (!idle.empty())
            if (auto released = archive.hosts().release(m_worker, idle); !released)
                return released.error();
        if (renew) {
            const Timestamp wall = now_utc();
            if (auto renewed = archive.jobs().renew_leases(m_worker, wall, wall + lease_time); !renewed) {
                if (renewed.error().code != Errc::not_found)
                    return renewed.error();
                // Judged dead by another process (a long stall): register again; what it took
                // from us meanwhile it fetches, what we still hold we finish.
                log_event(LogLevel::warning, "queue.reregistered", { { "reason", renewed.error().message } });
                return archive.jobs().register_worker(m_worker, m_role, wall);
            }
        }
        return {};
    });
    if (!done) {
        log_event(LogLevel::error, "store.failed", { { "error", done.error().message } });
        co_return;
    }
    for (const auto& [host, until] : pauses)
        m_recorded_pauses[host] = until;
    for (const auto& [host, free_at] : idle) {
        m_held.erase(host);
        m_recorded_pauses.erase(host);
    }
    if (renew)
        m_next_renewal = now + renewal_interval;
    co_await retry_blocked();
}

asio::awaitable<void> Engine::retry_blocked()
{
    for (const auto& ticket : std::vector<std::shared_ptr<Ticket>>(m_tickets)) {
        if (ticket->blocked.empty())
            continue;
        std::map<std::string, Ticket::Blocked> blocked;
        blocked.swap(ticket->blocked);
        const std::vector<std::shared_ptr<Ticket>> owner { ticket };
        for (auto& [host, waiting] : blocked) {
            std::vector<store::FeedRecord> polls = std::move(waiting.polls);
            const bool had_articles = waiting.articles > 0;
            co_await push_polls(std::move(polls), m_mode == Mode::continuous ? Priority::urgent : Priority::poll, owner);
            if (had_articles) {
                store::WorkClaim claim = work_claim();
                claim.host = host;
                co_await claim_jobs(claim, owner);
            }
            // Still held elsewhere: the ticket keeps waiting from when it started to.
            if (auto again = ticket->blocked.find(host); again != ticket->blocked.end())
                again->second.since = waiting.since;
        }
    }
}

asio::awaitable<void> Engine::close()
{
    if (!m_open)
        co_return;
    m_open = false;
    const fetch::Politeness& politeness = m_runtime.fetcher.politeness();
    const SteadyTime now = SteadyClock::now();
    std::vector<std::pair<std::string, SteadyTime>> pauses;
    std::vector<std::pair<std::string, Timestamp>> hosts;
    for (const std::string& host : m_held) {
        const SteadyTime paused = politeness.paused_until(host);
        if (paused > now + 1s && paused > m_recorded_pauses[host] + 1s)
            pauses.emplace_back(host, paused);
        hosts.emplace_back(host, system_time(std::max(politeness.spaced_until(host), now)));
    }
    auto done = co_await m_runtime.store([&](store::Archive& archive) -> Result<void> {
        for (const auto& [host, until] : pauses)
            if (auto recorded = archive.hosts().pause(host, system_time(until), std::string(fetch::to_string(politeness.pause_reason(host)))); !recorded)
                return recorded.error();
        if (auto released = archive.hosts().release(m_worker, hosts); !released)
            return released.error();
        return archive.jobs().unregister_worker(m_worker);
    });
    if (!done)
        log_event(LogLevel::warning, "store.failed", { { "error", done.error().message }, { "note", "this process's leases expire on their own" } });
    m_held.clear();
}

} // namespace feedkeeper::crawl

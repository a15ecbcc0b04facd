// fetch/politeness.cpp — host slots and spacing. Waiters sleep on per-waiter timers and are woken
// (timer cancelled) when something they wait for may have changed; each re-checks its host's rules.
// Invariants: a host's queue holds exactly the acquire() calls still suspended for it, in arrival
// order; only the front is ever granted; `active` counts permits not yet released.
// Threading: the io_context's one thread only.
#include "fetch/politeness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <libpsl.h>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <vector>

namespace feedkeeper::fetch {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds first_failure_pause { 30 };
constexpr std::chrono::minutes max_failure_pause { 30 };

namespace detail {

struct PolitenessState {
    using Waiter = std::shared_ptr<asio::steady_timer>;
    struct HostState {
        std::size_t active = 0;
        Clock::time_point next_allowed {};
        Clock::time_point paused_until {};
        PauseReason pause_reason = PauseReason::retry_after;
        int failures = 0; // transport failures in a row
        std::chrono::milliseconds crawl_delay { 0 };
        Clock::time_point crawl_delay_until {}; // when the robots.txt it came from expires
        std::string domain;
        std::deque<Waiter> waiters; // FIFO: only the front may take a slot
    };
    struct DomainState {
        std::size_t active = 0;
        std::vector<std::string> hosts;
    };
    static constexpr std::size_t prune_interval = 1024; // acquisitions between sweeps of idle hosts

    asio::any_io_executor executor;
    PolitenessOptions options;
    std::unordered_map<std::string, HostState> hosts;
    std::unordered_map<std::string, DomainState> domains;
    std::size_t acquisitions_since_prune = 0;

    // The spacing floor: the configured minimum, or the host's robots.txt Crawl-delay while it lasts.
    static std::chrono::milliseconds min_delay(const HostPolicy& rules, const HostState& state, Clock::time_point now)
    {
        return state.crawl_delay_until > now ? std::max(rules.min_delay, state.crawl_delay) : rules.min_delay;
    }

    const HostPolicy& policy(const std::string& host) const
    {
        auto it = options.hosts.find(host);
        return it != options.hosts.end() ? it->second : options.defaults;
    }

    HostState& host_state(const std::string& host)
    {
        auto [it, inserted] = hosts.try_emplace(host); // references stay valid across rehashing
        if (inserted) {
            it->second.domain = registrable_domain(host);
            domains[it->second.domain].hosts.push_back(host);
        }
        return it->second;
    }

    static void wake_front(HostState& state)
    {
        if (!state.waiters.empty())
            state.waiters.front()->cancel(); // a no-op when it is already due to resume: it re-checks then
    }

    void wake_all()
    {
        for (auto& [name, state] : hosts)
            wake_front(state);
    }

    void remove_waiter(const std::string& host, const Waiter& waiter)
    {
        HostState& state = host_state(host);
        auto& waiters = state.waiters;
        const bool was_front = !waiters.empty() && waiters.front() == waiter;
        waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
        if (was_front)
            wake_front(state); // the next in line re-checks now
    }

    void release(const std::string& host, Clock::duration response_time)
    {
        HostState& state = host_state(host);
        DomainState& domain = domains[state.domain];
        const HostPolicy& rules = policy(host);
        const bool domain_was_full = domain.active >= std::max<std::size_t>(options.connections_per_domain, 1);
        state.active -= state.active > 0 ? 1 : 0;
        domain.active -= domain.active > 0 ? 1 : 0;
        const auto adaptive = std::chrono::duration_cast<std::chrono::milliseconds>(response_time * rules.response_time_factor);
        const auto floor = min_delay(rules, state, Clock::now());
        const auto delay = std::clamp(adaptive, floor, std::max(floor, rules.max_delay));
        state.next_allowed = std::max(state.next_allowed, Clock::now() + delay);
        wake_front(state);
        if (domain_was_full) // a domain slot freed: the other hosts' first waiters may go now
            for (const std::string& other : domain.hosts)
                if (other != host)
                    wake_front(hosts.at(other));
    }

    // Forgets hosts nobody waits for whose delays, pauses and Crawl-delay have passed, so a
    // long-running daemon does not keep every host it ever saw. A Crawl-delay is kept as long as
    // the robots.txt it came from is cached: a feed poll between two article checks obeys it too.
    void prune_idle_hosts()
    {
        const auto now = Clock::now();
        for (auto it = hosts.begin(); it != hosts.end();) {
            const HostState& state = it->second;
            if (state.active > 0 || !state.waiters.empty() || state.next_allowed > now || state.paused_until > now || state.crawl_delay_until > now) {
                ++it;
                continue;
            }
            auto domain = domains.find(state.domain);
            auto& names = domain->second.hosts;
            names.erase(std::remove(names.begin(), names.end(), it->first), names.end());
            if (names.empty() && domain->second.active == 0)
                domains.erase(domain);
            it = hosts.erase(it);
        }
    }
};

} // namespace detail

namespace {

using detail::PolitenessState;

asio::awaitable<Result<HostPermit>> acquire_slot(std::shared_ptr<PolitenessState> shared, std::string host, Clock::duration max_wait, Politeness::QueueWait queue_wait)
{
    PolitenessState& self = *shared;
    if (++self.acquisitions_since_prune >= PolitenessState::prune_interval) {
        self.acquisitions_since_prune = 0;
        self.prune_idle_hosts();
    }
    auto waiter = std::make_shared<asio::steady_timer>(self.executor);
    self.host_state(host).waiters.push_back(waiter);
    // Leaves the queue however this coroutine ends (granted, cancelled, or destroyed at shutdown).
    struct Leave {
        PolitenessState& self;
        const std::string& host;
        const PolitenessState::Waiter& waiter;
        ~Leave() { self.remove_waiter(host, waiter); }
    } leave { self, host, waiter };

    for (;;) {
        auto& state = self.host_state(host);
        auto& domain = self.domains[state.domain];
        const HostPolicy& rules = self.policy(host);
        const auto now = Clock::now();
        const auto ready_at = std::max(state.next_allowed, state.paused_until);
        const bool first = state.waiters.front() == waiter;
        const bool slot_free = state.active < std::max<std::size_t>(rules.connections, 1)
            && domain.active < std::max<std::size_t>(self.options.connections_per_domain, 1);
        if (ready_at > now && ready_at - now > max_wait)
            co_return Error(Errc::deferred, "host " + host + " may not be asked yet");
        if (queue_wait == Politeness::QueueWait::defer && !(first && slot_free))
            co_return Error(Errc::deferred, "host " + host + " is busy");
        if (first && slot_free && now >= ready_at) {
            ++state.active;
            ++domain.active;
            // Provisional spacing between starts; release() moves it past the end of this request.
            state.next_allowed = now + PolitenessState::min_delay(rules, state, now);
            co_return HostPermit(shared, host); // ~Leave wakes the next in line
        }
        // The front waits for its time; everyone else (or a front without a free slot) waits to be woken.
        waiter->expires_at(first && slot_free ? ready_at : Clock::time_point::max());
        co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return Error(Errc::cancelled, "cancelled while waiting for a slot on " + host);
    }
}

} // namespace

std::string registrable_domain(const std::string& host)
{
    if (host.empty() || host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos)
        return host; // IPv4/IPv6 literal
    const char* domain = psl_registrable_domain(psl_builtin(), host.c_str());
    return domain ? std::string(domain) : host;
}

HostPermit::HostPermit(std::shared_ptr<detail::PolitenessState> state, std::string host) : m_state(std::move(state)), m_host(std::move(host)) { }
HostPermit::HostPermit(HostPermit&& other) noexcept : m_state(std::move(other.m_state)), m_host(std::move(other.m_host)) { }
HostPermit& HostPermit::operator=(HostPermit&& other) noexcept
{
    if (this != &other) {
        release(Clock::duration::zero());
        m_state = std::move(other.m_state);
        m_host = std::move(other.m_host);
    }
    return *this;
}
HostPermit::~HostPermit() { release(Clock::duration::zero()); }

void HostPermit::release(Clock::duration response_time)
{
    if (auto state = std::exchange(m_state, nullptr))
        state->release(m_host, response_time);
}

Politeness::Politeness(asio::any_io_executor executor, PolitenessOptions options)
    : m_state(std::make_shared<PolitenessState>())
{
    m_state->executor = std::move(executor);
    m_state->options = std::move(options);
}

asio::awaitable<Result<HostPermit>> Politeness::acquire(std::string host, Clock::duration max_wait, QueueWait queue_wait)
{
    return acquire_slot(m_state, std::move(host), max_wait, queue_wait);
}

Clock::time_point Politeness::ready_at(const std::string& host) const
{
    auto it = m_state->hosts.find(host);
    if (it == m_state->hosts.end())
        return Clock::time_point {};
    const PolitenessState::HostState& state = it->second;
    auto domain = m_state->domains.find(state.domain);
    const bool slot_free = state.active < std::max<std::size_t>(m_state->policy(host).connections, 1)
        && (domain == m_state->domains.end() || domain->second.active < std::max<std::size_t>(m_state->options.connections_per_domain, 1));
    if (!slot_free || !state.waiters.empty())
        return Clock::time_point::max();
    return std::max(state.next_allowed, state.paused_until);
}

void Politeness::set_options(PolitenessOptions options)
{
    m_state->options = std::move(options);
    m_state->wake_all(); // more connections or shorter delays may let waiters go now
}

const HostPolicy& Politeness::policy(const std::string& host) const { return m_state->policy(host); }

void Politeness::pause(const std::string& host, Clock::time_point until, PauseReason reason)
{
    auto& state = m_state->host_state(host);
    if (until > state.paused_until)
        state.pause_reason = reason;
    state.paused_until = std::max(state.paused_until, until);
}

PauseReason Politeness::pause_reason(const std::string& host) const
{
    auto it = m_state->hosts.find(host);
    return it == m_state->hosts.end() ? PauseReason::retry_after : it->second.pause_reason;
}

std::optional<Clock::duration> Politeness::record_transfer(const std::string& host, bool transport_failed)
{
    auto& state = m_state->host_state(host);
    if (!transport_failed) {
        state.failures = 0;
        return std::nullopt;
    }
    ++state.failures;
    const auto pause = std::min<Clock::duration>(first_failure_pause * (1 << std::min(state.failures - 1, 10)), max_failure_pause);
    this->pause(host, Clock::now() + pause, PauseReason::failures);
    return pause;
}

std::string_view to_string(PauseReason reason) { return reason == PauseReason::failures ? "failed transfers" : "Retry-After"; }

void Politeness::hold_until(const std::string& host, Clock::time_point until)
{
    auto& state = m_state->host_state(host);
    state.next_allowed = std::max(state.next_allowed, until);
}

void Politeness::set_crawl_delay(const std::string& host, std::chrono::milliseconds delay, Clock::time_point until)
{
    auto& state = m_state->host_state(host);
    state.crawl_delay = std::min(delay, std::chrono::milliseconds(std::chrono::minutes(10)));
    state.crawl_delay_until = until;
}

Clock::time_point Politeness::paused_until(const std::string& host) const
{
    auto it = m_state->hosts.find(host);
    return it == m_state->hosts.end() ? Clock::time_point {} : it->second.paused_until;
}

Clock::time_point Politeness::spaced_until(const std::string& host) const
{
    auto it = m_state->hosts.find(host);
    return it == m_state->hosts.end() ? Clock::time_point {} : it->second.next_allowed;
}

std::size_t Politeness::waiting(const std::string& host) const
{
    auto it = m_state->hosts.find(host);
    return it == m_state->hosts.end() ? 0 : it->second.waiters.size();
}

std::size_t Politeness::tracked_hosts() const { return m_state->hosts.size(); }

} // namespace feedkeeper::fetch

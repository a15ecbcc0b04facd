// fetch/politeness.cpp — host slots and spacing. Waiters sleep on per-waiter timers and are woken
// (timer cancelled) when a slot on their domain frees up; each re-checks its host's rules.
// Threading: the io_context's one thread only.
#include "fetch/politeness.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <libpsl.h>

#include <algorithm>

namespace feedkeeper::fetch {

using Clock = std::chrono::steady_clock;

std::string registrable_domain(const std::string& host)
{
    if (host.empty() || host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos)
        return host; // IPv4/IPv6 literal
    const char* domain = psl_registrable_domain(psl_builtin(), host.c_str());
    return domain ? std::string(domain) : host;
}

HostPermit::HostPermit(Politeness* owner, std::string host) : m_owner(owner), m_host(std::move(host)) { }
HostPermit::HostPermit(HostPermit&& other) noexcept : m_owner(std::exchange(other.m_owner, nullptr)), m_host(std::move(other.m_host)) { }
HostPermit& HostPermit::operator=(HostPermit&& other) noexcept
{
    if (this != &other) {
        release(Clock::duration::zero());
        m_owner = std::exchange(other.m_owner, nullptr);
        m_host = std::move(other.m_host);
    }
    return *this;
}
HostPermit::~HostPermit() { release(Clock::duration::zero()); }

void HostPermit::release(Clock::duration response_time)
{
    if (auto* owner = std::exchange(m_owner, nullptr))
        owner->release(m_host, response_time);
}

Politeness::Politeness(asio::any_io_executor executor, PolitenessOptions options)
    : m_executor(std::move(executor))
    , m_options(std::move(options))
{
}

void Politeness::set_options(PolitenessOptions options) { m_options = std::move(options); }

const HostPolicy& Politeness::policy(const std::string& host) const
{
    auto it = m_options.hosts.find(host);
    return it != m_options.hosts.end() ? it->second : m_options.defaults;
}

Politeness::HostState& Politeness::host_state(const std::string& host)
{
    auto [it, inserted] = m_hosts.try_emplace(host); // references stay valid across rehashing
    if (inserted) {
        it->second.domain = registrable_domain(host);
        m_domains[it->second.domain].hosts.push_back(host);
    }
    return it->second;
}

void Politeness::remove_waiter(const std::string& host, const Waiter& waiter)
{
    auto& waiters = host_state(host).waiters;
    const bool was_front = !waiters.empty() && waiters.front() == waiter;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
    if (was_front && !waiters.empty())
        waiters.front()->cancel(); // the next in line re-checks now
}

asio::awaitable<HostPermit> Politeness::acquire(std::string host)
{
    auto waiter = std::make_shared<asio::steady_timer>(m_executor);
    host_state(host).waiters.push_back(waiter);
    // Leaves the queue however this coroutine ends (granted, cancelled, or destroyed at shutdown).
    struct Leave {
        Politeness* self;
        const std::string& host;
        const Waiter& waiter;
        ~Leave() { self->remove_waiter(host, waiter); }
    } leave { this, host, waiter };

    for (;;) {
        HostState& state = host_state(host);
        DomainState& domain = m_domains[state.domain];
        const HostPolicy& rules = policy(host);
        const auto now = Clock::now();
        const auto ready_at = std::max(state.next_allowed, state.paused_until);
        const bool first = state.waiters.front() == waiter;
        const bool slot_free = state.active < std::max<std::size_t>(rules.connections, 1)
            && domain.active < std::max<std::size_t>(m_options.connections_per_domain, 1);
        if (first && slot_free && now >= ready_at) {
            ++state.active;
            ++domain.active;
            // Provisional spacing between starts; release() moves it past the end of this request.
            state.next_allowed = now + std::max(rules.min_delay, state.crawl_delay);
            co_return HostPermit(this, host); // ~Leave wakes the next in line
        }
        // The front waits for its time; everyone else (or a front without a free slot) waits to be woken.
        waiter->expires_at(first && slot_free ? ready_at : Clock::time_point::max());
        co_await waiter->async_wait(asio::as_tuple(asio::use_awaitable));
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            throw boost::system::system_error(asio::error::operation_aborted);
    }
}

void Politeness::release(const std::string& host, Clock::duration response_time)
{
    HostState& state = host_state(host);
    DomainState& domain = m_domains[state.domain];
    const HostPolicy& rules = policy(host);
    const bool domain_was_full = domain.active >= std::max<std::size_t>(m_options.connections_per_domain, 1);
    state.active -= state.active > 0 ? 1 : 0;
    domain.active -= domain.active > 0 ? 1 : 0;
    auto adaptive = std::chrono::duration_cast<std::chrono::milliseconds>(response_time * rules.response_time_factor);
    const auto floor = std::max(rules.min_delay, state.crawl_delay);
    const auto delay = std::clamp(adaptive, floor, std::max(floor, rules.max_delay));
    state.next_allowed = std::max(state.next_allowed, Clock::now() + delay);
    if (!state.waiters.empty())
        state.waiters.front()->cancel();
    if (domain_was_full) // a domain slot freed: the other hosts' first waiters may go now
        for (const std::string& other : domain.hosts)
            if (auto& waiters = m_hosts[other].waiters; other != host && !waiters.empty())
                waiters.front()->cancel();
}

void Politeness::pause(const std::string& host, Clock::time_point until)
{
    HostState& state = host_state(host);
    state.paused_until = std::max(state.paused_until, until);
}

void Politeness::set_crawl_delay(const std::string& host, std::chrono::milliseconds delay)
{
    host_state(host).crawl_delay = std::min(delay, std::chrono::milliseconds(std::chrono::minutes(10)));
}

Clock::time_point Politeness::paused_until(const std::string& host) const
{
    auto it = m_hosts.find(host);
    return it == m_hosts.end() ? Clock::time_point {} : it->second.paused_until;
}

} // namespace feedkeeper::fetch

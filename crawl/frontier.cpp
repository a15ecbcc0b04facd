// crawl/frontier.cpp — per-host queues and the ready heap (see frontier.hpp for the picture).
// Invariants: every queued item is in exactly one of its host's `due` and `waiting`; a host with
// queued items and a free connection is either on the heap (one entry of its current version) or
// parked; a host with neither items nor running ones is forgotten.
// Threading: one thread.
#include "crawl/frontier.hpp"

#include <algorithm>

namespace feedkeeper::crawl {

Frontier::Host* Frontier::find_host(HostId id)
{
    auto it = m_hosts.find(id);
    return it == m_hosts.end() ? nullptr : &it->second;
}

bool Frontier::contains(WorkKind kind, std::int64_t id) const { return m_items.contains(ItemKey { kind, id }); }

std::size_t Frontier::queued_on(const std::string& host) const
{
    auto id = m_host_ids.find(host);
    if (id == m_host_ids.end())
        return 0;
    const Host& state = m_hosts.at(id->second);
    return state.due.size() + state.waiting.size();
}

std::size_t Frontier::running_on(const std::string& host) const
{
    auto id = m_host_ids.find(host);
    return id == m_host_ids.end() ? 0 : m_hosts.at(id->second).running;
}

bool Frontier::push(WorkItem item, const HostGate& gate)
{
    const ItemKey key { item.kind, item.id };
    if (m_items.contains(key))
        return false;
    auto [host_id, inserted] = m_host_ids.try_emplace(item.host, m_next_host);
    if (inserted) {
        ++m_next_host;
        m_hosts[host_id->second].name = item.host;
    }
    const HostId id = host_id->second;
    Host& host = m_hosts.at(id);
    const DueOrder order { item.priority, item.rank, ++m_sequence, key };
    if (item.not_before == SteadyTime {})
        host.due.insert(order);
    else
        host.waiting.emplace(item.not_before, order);
    m_items.emplace(key, Stored { std::move(item), order, false });
    ++m_queued;
    schedule(id, host, gate);
    return true;
}

void Frontier::promote_due(Host& host, SteadyTime now)
{
    while (!host.waiting.empty() && host.waiting.begin()->first <= now) {
        host.due.insert(host.waiting.begin()->second);
        host.waiting.erase(host.waiting.begin());
    }
}

void Frontier::drop_if_empty(HostId id, Host& host)
{
    if (!host.due.empty() || !host.waiting.empty() || host.running > 0)
        return;
    m_parked.erase(id);
    m_host_ids.erase(host.name);
    m_hosts.erase(id); // `host` dangles from here on
}

void Frontier::schedule(HostId id, Host& host, const HostGate& gate)
{
    ++host.version; // whatever entry it had on the heap is stale now
    if (host.due.empty() && host.waiting.empty()) {
        host.parked = false;
        m_parked.erase(id);
        drop_if_empty(id, host);
        return;
    }
    if (host.running >= std::max<std::size_t>(gate.connections(host.name), 1))
        return; // finish() schedules it again
    const SteadyTime gate_time = gate.ready_at(host.name);
    if (gate_time == SteadyTime::max()) {
        host.parked = true;
        m_parked.insert(id);
        return;
    }
    host.parked = false;
    m_parked.erase(id);
    const SteadyTime item_time = host.due.empty() ? host.waiting.begin()->first : SteadyTime::min();
    m_ready.push({ std::max(gate_time, item_time), host.last_turn, id, host.version });
}

std::optional<WorkItem> Frontier::pop(SteadyTime now, const HostGate& gate)
{
    while (!m_ready.empty()) {
        const HeapEntry top = m_ready.top();
        Host* host = find_host(top.host);
        if (!host || top.version != host->version) {
            m_ready.pop();
            continue;
        }
        if (top.time > now)
            return std::nullopt;
        m_ready.pop();
        ++host->version; // this entry is used up; schedule() makes the next one
        promote_due(*host, now);
        const SteadyTime gate_time = gate.ready_at(host->name);
        if (host->due.empty() || gate_time > now) {
            schedule(top.host, *host, gate); // its items' time, or the gate's new time, or parked
            continue;
        }
        const DueOrder first = *host->due.begin();
        host->due.erase(host->due.begin());
        Stored& stored = m_items.at(first.key);
        stored.running = true;
        ++host->running;
        ++m_running;
        --m_queued;
        host->last_turn = ++m_turn;
        schedule(top.host, *host, gate); // another connection may be free
        return stored.item;
    }
    return std::nullopt;
}

void Frontier::finish(const WorkItem& item, const HostGate& gate)
{
    auto stored = m_items.find(ItemKey { item.kind, item.id });
    if (stored == m_items.end() || !stored->second.running)
        return;
    m_items.erase(stored);
    --m_running;
    if (auto id = m_host_ids.find(item.host); id != m_host_ids.end()) {
        Host& host = m_hosts.at(id->second);
        --host.running;
        schedule(id->second, host, gate);
    }
    // A slot freed: hosts waiting for one (on this host's domain, or queued behind its transfer)
    // may go now. Parked hosts are few: only those whose domain budget is spent.
    const std::vector<HostId> parked(m_parked.begin(), m_parked.end());
    for (HostId id : parked)
        if (Host* host = find_host(id))
            schedule(id, *host, gate);
}

bool Frontier::promote(WorkKind kind, std::int64_t id, Priority priority, const HostGate& gate)
{
    auto stored = m_items.find(ItemKey { kind, id });
    if (stored == m_items.end() || stored->second.running)
        return false;
    const HostId host_id = m_host_ids.at(stored->second.item.host);
    Host& host = m_hosts.at(host_id);
    DueOrder& order = stored->second.order;
    if (host.due.erase(order) == 0)
        for (auto it = host.waiting.begin(); it != host.waiting.end(); ++it)
            if (it->second.key == order.key) {
                host.waiting.erase(it);
                break;
            }
    order.priority = std::min(order.priority, priority);
    stored->second.item.priority = order.priority;
    stored->second.item.not_before = {};
    host.due.insert(order);
    schedule(host_id, host, gate);
    return true;
}

std::optional<SteadyTime> Frontier::ready_time(WorkKind kind, std::int64_t id, const HostGate& gate) const
{
    auto stored = m_items.find(ItemKey { kind, id });
    if (stored == m_items.end() || stored->second.running)
        return std::nullopt;
    const SteadyTime gate_time = gate.ready_at(stored->second.item.host);
    if (gate_time == SteadyTime::max())
        return SteadyTime::min();
    return std::max(gate_time, stored->second.item.not_before);
}

void Frontier::refresh(const std::string& name, const HostGate& gate)
{
    if (auto id = m_host_ids.find(name); id != m_host_ids.end())
        schedule(id->second, m_hosts.at(id->second), gate);
}

void Frontier::discard_stale_tops()
{
    while (!m_ready.empty()) {
        const HeapEntry& top = m_ready.top();
        const Host* host = find_host(top.host);
        if (host && top.version == host->version)
            return;
        m_ready.pop();
    }
}

std::optional<SteadyTime> Frontier::next_time()
{
    discard_stale_tops();
    if (m_ready.empty())
        return std::nullopt;
    return m_ready.top().time;
}

std::vector<WorkItem> Frontier::take_all()
{
    std::vector<WorkItem> taken;
    taken.reserve(m_queued);
    for (auto it = m_items.begin(); it != m_items.end();) {
        if (it->second.running) {
            ++it;
            continue;
        }
        taken.push_back(std::move(it->second.item));
        it = m_items.erase(it);
    }
    for (auto it = m_hosts.begin(); it != m_hosts.end();) {
        Host& host = it->second;
        host.due.clear();
        host.waiting.clear();
        ++host.version;
        if (host.running == 0) {
            m_parked.erase(it->first);
            m_host_ids.erase(host.name);
            it = m_hosts.erase(it);
        } else {
            ++it;
        }
    }
    m_parked.clear();
    m_queued = 0;
    return taken;
}

} // namespace feedkeeper::crawl

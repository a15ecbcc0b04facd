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
    const bool had_due = !host.due.empty();
    const SteadyTime item_time = item.not_before == SteadyTime {} ? SteadyTime::min() : item.not_before;
    if (item.not_before == SteadyTime {})
        host.due.push(order);
    else
        host.waiting.push({ item.not_before, order });
    m_items.emplace(key, Stored { std::move(item), order, id, false });
    ++m_queued;
    schedule_if_earlier(id, host, had_due, item_time, gate);
    return true;
}

void Frontier::promote_due(Host& host, SteadyTime now)
{
    while (!host.waiting.empty() && host.waiting.top().at <= now)
        host.due.push(host.waiting.pop().order);
}

void Frontier::drop_if_empty(HostId id, Host& host)
{
    if (!host.due.empty() || !host.waiting.empty() || host.running > 0)
        return;
    m_parked.erase(id);
    m_host_ids.erase(host.name);
    m_hosts.erase(id); // `host` dangles from here on
}

void Frontier::schedule_if_earlier(HostId id, Host& host, bool had_due, SteadyTime item_time, const HostGate& gate)
{
    // A host on the heap keeps its entry unless the new item is due before it: most pushes then
    // cost no heap entry (a heap full of stale entries costs memory and every pop's log factor).
    if (host.scheduled && !host.parked && (had_due || item_time >= *host.scheduled))
        return;
    schedule(id, host, gate);
}

void Frontier::schedule(HostId id, Host& host, const HostGate& gate)
{
    ++host.version; // whatever entry it had on the heap is stale now
    host.scheduled.reset();
    if (host.due.empty() && host.waiting.empty()) {
        host.parked = false;
        m_parked.erase(id);
        drop_if_empty(id, host);
        return;
    }
    if (host.transferring >= std::max<std::size_t>(gate.connections(host.name), 1))
        return; // release_slot() schedules it again
    const SteadyTime gate_time = gate.ready_at(host.name);
    if (gate_time == SteadyTime::max()) {
        host.parked = true;
        m_parked.insert(id);
        return;
    }
    host.parked = false;
    m_parked.erase(id);
    const SteadyTime item_time = host.due.empty() ? host.waiting.top().at : SteadyTime::min();
    host.scheduled = std::max(gate_time, item_time);
    m_ready.push({ *host.scheduled, host.last_turn, id, host.version });
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
        host->scheduled.reset();
        promote_due(*host, now);
        const SteadyTime gate_time = gate.ready_at(host->name);
        if (host->due.empty() || gate_time > now) {
            schedule(top.host, *host, gate); // its items' time, or the gate's new time, or parked
            continue;
        }
        const DueOrder first = host->due.pop();
        Stored& stored = m_items.at(first.key);
        stored.running = true;
        stored.holds_slot = true;
        ++host->running;
        ++host->transferring;
        ++m_running;
        ++m_transferring;
        --m_queued;
        host->last_turn = ++m_turn;
        schedule(top.host, *host, gate); // another connection may be free
        return std::move(stored.item); // a running item is known by its key and host id only
    }
    return std::nullopt;
}

void Frontier::release_slot(Stored& stored, const HostGate& gate)
{
    if (!stored.holds_slot)
        return;
    stored.holds_slot = false;
    --m_transferring;
    if (Host* host = find_host(stored.host)) {
        --host->transferring;
        schedule(stored.host, *host, gate);
    }
    // A slot freed: hosts waiting for one (on this host's domain, or queued behind its transfer)
    // may go now. Parked hosts are few: only those whose domain budget is spent.
    if (!m_parked.empty()) {
        const std::vector<HostId> parked(m_parked.begin(), m_parked.end());
        for (HostId parked_id : parked)
            if (Host* host = find_host(parked_id))
                schedule(parked_id, *host, gate);
    }
}

void Frontier::transfer_ended(const WorkItem& item, const HostGate& gate)
{
    auto stored = m_items.find(ItemKey { item.kind, item.id });
    if (stored != m_items.end() && stored->second.running)
        release_slot(stored->second, gate);
}

void Frontier::finish(const WorkItem& item, const HostGate& gate)
{
    auto stored = m_items.find(ItemKey { item.kind, item.id });
    if (stored == m_items.end() || !stored->second.running)
        return;
    release_slot(stored->second, gate);
    const HostId id = stored->second.host;
    m_items.erase(stored);
    --m_running;
    if (Host* host = find_host(id)) {
        --host->running;
        schedule(id, *host, gate); // forgets the host when nothing of it is left
    }
}

bool Frontier::promote(WorkKind kind, std::int64_t id, Priority priority, const HostGate& gate)
{
    auto stored = m_items.find(ItemKey { kind, id });
    if (stored == m_items.end() || stored->second.running)
        return false;
    const HostId host_id = stored->second.host;
    Host& host = m_hosts.at(host_id);
    DueOrder& order = stored->second.order;
    if (!host.due.remove([&](const DueOrder& queued) { return queued.key == order.key; }))
        host.waiting.remove([&](const Waiting& queued) { return queued.order.key == order.key; });
    order.priority = std::min(order.priority, priority);
    stored->second.item.priority = order.priority;
    stored->second.item.not_before = {};
    host.due.push(order);
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

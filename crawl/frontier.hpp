// crawl/frontier.hpp — the crawl frontier: feed polls and article fetches as work items in per-host
// queues, and the dispatcher's view of which host may be asked next.
//
//   push(item) ──► host queue (due items by priority, waiting items by not-before time)
//                      │
//                ready heap, keyed by max(host's gate time, its first item's time), ties by the
//                      │   host's last turn (round robin: no host starves another)
//   pop(now) ◄─────────┘   only a host whose gate (politeness delay, Retry-After pause, robots
//                          Crawl-delay, free connection slot) allows a request now
//
// Pure bookkeeping: no I/O and no clock of its own (the caller passes `now`), so the unit tests run
// it on a fake clock and the benchmark measures its cost per decision. Cost: O(log hosts) per
// push and pop; hosts that wait on a busy slot are parked and looked at again when a transfer ends.
// Threading: one thread (the io thread).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace feedkeeper::crawl {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

enum class WorkKind : std::uint8_t { poll, article };

// Within a host's queue, lower goes first.
enum class Priority : std::uint8_t {
    urgent = 0,   // asked for by a user (recrawl): the front of its host's queue
    poll = 1,     // a feed poll; among polls the fast feeds first (rank = interval)
    fresh = 2,    // the article of a new feed item
    recheck = 3,  // a revision check of an archived article
    backfill = 4, // a site's past: never ahead of today's news
};

struct Ticket; // who asked for an item (a crawl, a recrawl request): defined by the engine

struct WorkItem {
    WorkKind kind = WorkKind::article;
    std::int64_t id = 0; // the feed's id for a poll, the job's id for an article
    std::string host;
    Priority priority = Priority::fresh;
    std::int64_t rank = 0;     // within a priority, smaller first (a poll: its interval; an article: its job id)
    SteadyTime not_before {};  // a retry's or a backoff's time; the epoch: at once
    std::shared_ptr<Ticket> ticket;
};

// When a host may be asked, as the politeness state says (fetch::Politeness in the crawler).
class HostGate {
public:
    virtual ~HostGate() = default;
    // At or before `now`: at once; later: not before then; SteadyTime::max(): not until a transfer
    // on the host (or on its registrable domain) ends.
    virtual SteadyTime ready_at(const std::string& host) const = 0;
    // Requests the frontier may have in flight on the host at once.
    virtual std::size_t connections(const std::string& host) const = 0;
};

class Frontier {
public:
    // Queues an item; false when an item of that kind and id is queued or running already.
    bool push(WorkItem, const HostGate&);
    // The next item to start: the best due item of the host that has been ready longest (by its
    // gate and its items' times), or nullopt when no host may be asked at `now`.
    std::optional<WorkItem> pop(SteadyTime now, const HostGate&);
    // A popped item's transfer ended while its work goes on (extraction, storing): its host's
    // connection slot is free for the next request, and hosts parked on busy slots are looked at
    // again. The item stays running until finish(). Once per item; finish() implies it.
    void transfer_ended(const WorkItem&, const HostGate&);
    // A popped item ended (done, failed or handed back: push it again to retry). Its host may go
    // again, and hosts parked on busy slots are looked at again.
    void finish(const WorkItem&, const HostGate&);
    // Something changed a host's gate outside the frontier (a pause recorded): re-keys it.
    void refresh(const std::string& host, const HostGate&);
    // The earliest time pop() could return an item, by what is known now (parked hosts aside);
    // nullopt when nothing is queued outside parked hosts.
    std::optional<SteadyTime> next_time();
    // Moves a queued item up to `priority` and makes it due at once (a user's recrawl of a feed the
    // scheduler had queued already); false when it is not queued (absent or running).
    bool promote(WorkKind, std::int64_t id, Priority, const HostGate&);
    // When a queued item could start as things stand: its host's gate time or its own time,
    // whichever is later; SteadyTime::min() when it only waits for a busy slot (soon); nullopt
    // when it is not queued.
    std::optional<SteadyTime> ready_time(WorkKind, std::int64_t id, const HostGate&) const;
    // Takes out every queued item (not the running ones): what `crawl --once` leaves queued.
    std::vector<WorkItem> take_all();

    std::size_t queued() const { return m_queued; }
    std::size_t running() const { return m_running; }               // popped, not finished
    std::size_t transferring() const { return m_transferring; }     // popped, transfer not ended
    std::size_t hosts() const { return m_hosts.size(); }
    std::size_t queued_on(const std::string& host) const;
    std::size_t running_on(const std::string& host) const;
    bool contains(WorkKind, std::int64_t id) const;

private:
    using HostId = std::uint64_t;
    struct ItemKey {
        WorkKind kind;
        std::int64_t id;
        bool operator==(const ItemKey&) const = default;
    };
    struct ItemKeyHash {
        std::size_t operator()(const ItemKey& key) const noexcept { return std::hash<std::int64_t>()(key.id) * 2 + static_cast<std::size_t>(key.kind); }
    };
    struct DueOrder { // priority, rank, then arrival
        Priority priority;
        std::int64_t rank;
        std::uint64_t sequence;
        ItemKey key;
        bool operator<(const DueOrder& other) const
        {
            if (priority != other.priority)
                return priority < other.priority;
            if (rank != other.rank)
                return rank < other.rank;
            return sequence < other.sequence;
        }
        bool operator>(const DueOrder& other) const { return other < *this; }
    };
    // A binary min-heap in a vector: a host's queue is short (the engine claims a few dozen of its
    // jobs at a time), so no node per item is allocated, and the front is O(1).
    template <class T>
    class MinHeap {
    public:
        bool empty() const { return m_items.empty(); }
        std::size_t size() const { return m_items.size(); }
        const T& top() const { return m_items.front(); }
        void push(T value)
        {
            m_items.push_back(std::move(value));
            std::push_heap(m_items.begin(), m_items.end(), std::greater<> {});
        }
        T pop()
        {
            std::pop_heap(m_items.begin(), m_items.end(), std::greater<> {});
            T value = std::move(m_items.back());
            m_items.pop_back();
            return value;
        }
        // Removes the first element `matches`; false when none does.
        template <class Predicate>
        bool remove(Predicate matches)
        {
            auto it = std::find_if(m_items.begin(), m_items.end(), matches);
            if (it == m_items.end())
                return false;
            m_items.erase(it);
            std::make_heap(m_items.begin(), m_items.end(), std::greater<> {});
            return true;
        }
        void clear() { m_items.clear(); }

    private:
        std::vector<T> m_items;
    };
    struct Waiting { // an item whose own time has not come
        SteadyTime at;
        DueOrder order;
        bool operator>(const Waiting& other) const { return at != other.at ? at > other.at : other.order < order; }
    };
    struct Host {
        std::string name;
        MinHeap<DueOrder> due;
        MinHeap<Waiting> waiting;
        std::size_t running = 0;      // items popped and not finished
        std::size_t transferring = 0; // of those, the ones holding a connection slot
        std::uint64_t version = 0;   // heap entries of older versions are stale
        std::uint64_t last_turn = 0; // when it was last given a turn: ties go to the one waiting longest
        bool parked = false;
        std::optional<SteadyTime> scheduled; // the time of its live heap entry, if it has one
    };
    struct HeapEntry {
        SteadyTime time;
        std::uint64_t turn;
        HostId host;
        std::uint64_t version;
        bool operator>(const HeapEntry& other) const { return time != other.time ? time > other.time : turn > other.turn; }
    };
    struct Stored {
        WorkItem item;
        DueOrder order;
        HostId host = 0;
        bool running = false;
        bool holds_slot = false; // running and its transfer has not ended
    };

    Host* find_host(HostId);
    void promote_due(Host&, SteadyTime now);
    // Puts the host on the heap at its current time, parks it, or forgets it when it is empty.
    void schedule(HostId, Host&, const HostGate&);
    void release_slot(Stored&, const HostGate&);
    // After an item due at `item_time` was added: the host's entry moves only if the item makes
    // it earlier (not when the host had due items already: then its gate decides its time).
    void schedule_if_earlier(HostId, Host&, bool had_due, SteadyTime item_time, const HostGate&);
    void drop_if_empty(HostId, Host&);
    void discard_stale_tops();

    std::unordered_map<std::string, HostId> m_host_ids;
    std::unordered_map<HostId, Host> m_hosts;
    std::unordered_map<ItemKey, Stored, ItemKeyHash> m_items;
    std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> m_ready;
    std::unordered_set<HostId> m_parked;
    HostId m_next_host = 1;
    std::uint64_t m_sequence = 0;
    std::uint64_t m_turn = 0;
    std::size_t m_queued = 0;
    std::size_t m_running = 0;
    std::size_t m_transferring = 0;
};

} // namespace feedkeeper::crawl

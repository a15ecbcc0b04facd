// tests/crawl/frontier_test.cpp — the frontier on a fake clock: ordering, per-host spacing, pauses,
// priorities, fairness, connection slots, parking.
#include "crawl/frontier.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace feedkeeper::crawl;
using namespace std::chrono_literals;

namespace {

const SteadyTime t0 = SteadyTime {} + 1000h; // the fake clock's start

// The politeness state as a test drives it: per-host ready times and slots.
struct FakeGate final : HostGate {
    std::map<std::string, SteadyTime> ready;
    std::map<std::string, std::size_t> slots;
    std::set<std::string> busy; // no free slot until a transfer ends
    SteadyTime ready_at(const std::string& host) const override
    {
        if (busy.contains(host))
            return SteadyTime::max();
        auto it = ready.find(host);
        return it == ready.end() ? SteadyTime {} : it->second;
    }
    std::size_t connections(const std::string& host) const override
    {
        auto it = slots.find(host);
        return it == slots.end() ? 1 : it->second;
    }
};

WorkItem article(std::int64_t id, std::string host, Priority priority = Priority::fresh)
{
    WorkItem item;
    item.kind = WorkKind::article;
    item.id = id;
    item.host = std::move(host);
    item.priority = priority;
    item.rank = id;
    return item;
}

// Runs the frontier to empty on the fake clock: each item takes `transfer`, then its host must
// wait `delay` (what fetch::Politeness does). Returns (start time, item id, host) in order.
struct Start {
    SteadyTime at;
    std::int64_t id;
    std::string host;
};
std::vector<Start> drain(Frontier& frontier, FakeGate& gate, std::chrono::milliseconds delay, std::chrono::milliseconds transfer, std::size_t parallel = 64)
{
    std::vector<Start> starts;
    std::multimap<SteadyTime, WorkItem> running;
    SteadyTime now = t0;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        while (running.size() < parallel) {
            auto item = frontier.pop(now, gate);
            if (!item)
                break;
            starts.push_back({ now, item->id, item->host });
            running.emplace(now + transfer, *item);
        }
        std::optional<SteadyTime> next = frontier.next_time();
        if (!running.empty() && (running.size() >= parallel || !next || running.begin()->first <= *next)) {
            now = std::max(now, running.begin()->first);
            WorkItem done = running.begin()->second;
            running.erase(running.begin());
            gate.ready[done.host] = now + delay;
            frontier.finish(done, gate);
            continue;
        }
        if (!next)
            break;
        now = std::max(now, *next);
    }
    return starts;
}

} // namespace

TEST(Frontier, TakesAHostsItemsByPriorityThenRankThenArrival)
{
    Frontier frontier;
    FakeGate gate;
    frontier.push(article(3, "a.example"), gate);
    frontier.push(article(1, "a.example", Priority::recheck), gate);
    frontier.push(article(2, "a.example"), gate);
    frontier.push(article(9, "a.example", Priority::urgent), gate);
    std::vector<std::int64_t> order;
    for (const Start& start : drain(frontier, gate, 0ms, 10ms))
        order.push_back(start.id);
    EXPECT_EQ(order, (std::vector<std::int64_t> { 9, 2, 3, 1 }));
}

TEST(Frontier, KeepsEachHostsSpacingWhileOtherHostsGoOn)
{
    Frontier frontier;
    FakeGate gate;
    for (int i = 0; i < 5; ++i) {
        frontier.push(article(i, "slow.example"), gate);
        frontier.push(article(100 + i, "other.example"), gate);
    }
    auto starts = drain(frontier, gate, 1000ms, 50ms);
    ASSERT_EQ(starts.size(), 10u);
    std::map<std::string, std::vector<SteadyTime>> by_host;
    for (const Start& start : starts)
        by_host[start.host].push_back(start.at);
    for (const auto& [host, times] : by_host) {
        ASSERT_EQ(times.size(), 5u) << host;
        for (std::size_t i = 1; i < times.size(); ++i)
            EXPECT_GE(times[i] - times[i - 1], 1050ms) << host << " request " << i; // transfer + delay
    }
    // Both hosts run side by side: the whole takes five spacings, not ten.
    EXPECT_LT(starts.back().at - t0, 5 * 1050ms);
}

TEST(Frontier, APausedHostWaitsUntilItsPauseEndsAndHoldsNoOneUp)
{
    Frontier frontier;
    FakeGate gate;
    gate.ready["paused.example"] = t0 + 3600s; // Retry-After: 3600
    for (int i = 0; i < 3; ++i)
        frontier.push(article(i, "paused.example"), gate);
    for (int i = 0; i < 3; ++i)
        frontier.push(article(10 + i, "sound.example"), gate);
    auto starts = drain(frontier, gate, 1000ms, 10ms);
    ASSERT_EQ(starts.size(), 6u);
    for (const Start& start : starts) {
        if (start.host == "paused.example")
            EXPECT_GE(start.at, t0 + 3600s);
        else
            EXPECT_LT(start.at, t0 + 3s); // the sound host is done long before
    }
}

TEST(Frontier, NextTimeIsWhenTheEarliestHostMayGo)
{
    Frontier frontier;
    FakeGate gate;
    gate.ready["later.example"] = t0 + 30s;
    frontier.push(article(1, "later.example"), gate);
    EXPECT_FALSE(frontier.pop(t0, gate));
    ASSERT_TRUE(frontier.next_time());
    EXPECT_EQ(*frontier.next_time(), t0 + 30s);
    EXPECT_FALSE(frontier.pop(t0 + 29s, gate));
    EXPECT_TRUE(frontier.pop(t0 + 30s, gate));
    EXPECT_FALSE(frontier.next_time()); // nothing queued
}

TEST(Frontier, AWaitingItemStartsAtItsOwnTimeAndDoesNotBlockItsHostsDueItems)
{
    Frontier frontier;
    FakeGate gate;
    WorkItem retry = article(1, "a.example", Priority::urgent);
    retry.not_before = t0 + 60s; // a retry after a failure
    frontier.push(retry, gate);
    frontier.push(article(2, "a.example"), gate);
    auto first = frontier.pop(t0, gate);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->id, 2);
    frontier.finish(*first, gate);
    EXPECT_FALSE(frontier.pop(t0 + 59s, gate));
    EXPECT_EQ(frontier.next_time(), t0 + 60s);
    auto second = frontier.pop(t0 + 60s, gate);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, 1);
}

TEST(Frontier, AHostWithTenThousandItemsDoesNotStarveOneWithOne)
{
    Frontier frontier;
    FakeGate gate;
    for (int i = 0; i < 10'000; ++i)
        frontier.push(article(i, "big.example"), gate);
    frontier.push(article(99'999, "small.example"), gate);
    // No politeness delay at all: only the turn order keeps it fair.
    auto starts = drain(frontier, gate, 0ms, 10ms, 1);
    ASSERT_EQ(starts.size(), 10'001u);
    std::size_t position = 0;
    while (starts[position].host != "small.example")
        ++position;
    EXPECT_LE(position, 1u);
}

TEST(Frontier, ManyHostsTakeTurnsRoundRobin)
{
    Frontier frontier;
    FakeGate gate;
    for (int host = 0; host < 4; ++host)
        for (int i = 0; i < 3; ++i)
            frontier.push(article(host * 10 + i, "h" + std::to_string(host)), gate);
    auto starts = drain(frontier, gate, 0ms, 10ms, 1);
    ASSERT_EQ(starts.size(), 12u);
    for (std::size_t i = 0; i + 4 <= starts.size(); i += 4) { // every round visits every host once
        std::set<std::string> round;
        for (std::size_t j = i; j < i + 4; ++j)
            round.insert(starts[j].host);
        EXPECT_EQ(round.size(), 4u) << "round starting at " << i;
    }
}

TEST(Frontier, AHostGetsAsManyTransfersAsItHasConnections)
{
    Frontier frontier;
    FakeGate gate;
    gate.slots["two.example"] = 2;
    for (int i = 0; i < 3; ++i) {
        frontier.push(article(i, "two.example"), gate);
        frontier.push(article(10 + i, "one.example"), gate);
    }
    std::map<std::string, int> started;
    while (auto item = frontier.pop(t0, gate))
        ++started[item->host];
    EXPECT_EQ(started["two.example"], 2);
    EXPECT_EQ(started["one.example"], 1);
    EXPECT_EQ(frontier.running(), 3u);
    EXPECT_EQ(frontier.queued(), 3u);
}

TEST(Frontier, AParkedHostIsLookedAtAgainWhenATransferEnds)
{
    Frontier frontier;
    FakeGate gate;
    frontier.push(article(1, "a.example"), gate);
    auto running = frontier.pop(t0, gate);
    ASSERT_TRUE(running);
    gate.busy.insert("b.example"); // its domain's budget is spent by a's transfer, say
    frontier.push(article(2, "b.example"), gate);
    EXPECT_FALSE(frontier.pop(t0, gate));
    EXPECT_FALSE(frontier.next_time()); // parked: nothing to wait for but a transfer's end
    gate.busy.clear();
    frontier.finish(*running, gate);
    auto next = frontier.pop(t0, gate);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->id, 2);
}

TEST(Frontier, RefusesAnItemItHoldsAlreadyAndTakesItBackAfterItEnds)
{
    Frontier frontier;
    FakeGate gate;
    EXPECT_TRUE(frontier.push(article(1, "a.example"), gate));
    EXPECT_FALSE(frontier.push(article(1, "a.example"), gate));
    WorkItem poll = article(1, "a.example");
    poll.kind = WorkKind::poll; // another kind, same id: another item
    EXPECT_TRUE(frontier.push(poll, gate));
    auto item = frontier.pop(t0, gate);
    ASSERT_TRUE(item);
    EXPECT_FALSE(frontier.push(*item, gate)); // running
    frontier.finish(*item, gate);
    EXPECT_TRUE(frontier.push(*item, gate)); // handed back: queued again
}

TEST(Frontier, TakeAllLeavesRunningItemsAndForgetsEmptyHosts)
{
    Frontier frontier;
    FakeGate gate;
    for (int i = 0; i < 3; ++i)
        frontier.push(article(i, "a.example"), gate);
    frontier.push(article(7, "b.example"), gate);
    gate.ready["b.example"] = t0 + 1h;
    auto running = frontier.pop(t0, gate);
    ASSERT_TRUE(running);
    auto taken = frontier.take_all();
    EXPECT_EQ(taken.size(), 3u);
    EXPECT_EQ(frontier.queued(), 0u);
    EXPECT_EQ(frontier.running(), 1u);
    EXPECT_EQ(frontier.hosts(), 1u);
    frontier.finish(*running, gate);
    EXPECT_EQ(frontier.hosts(), 0u);
    EXPECT_FALSE(frontier.pop(t0 + 2h, gate));
}

TEST(Frontier, AnItemWhoseTransferEndedNoLongerHoldsItsHostsSlot)
{
    // The page is in and being extracted and stored: the host takes its next request meanwhile,
    // and the item stays running (not queued again, counted until it finishes).
    Frontier frontier;
    FakeGate gate;
    frontier.push(article(1, "a.example"), gate);
    frontier.push(article(2, "a.example"), gate);
    auto first = frontier.pop(t0, gate);
    ASSERT_TRUE(first);
    EXPECT_FALSE(frontier.pop(t0, gate)) << "one connection: the second waits for the first transfer";
    EXPECT_EQ(frontier.transferring(), 1u);

    frontier.transfer_ended(*first, gate);
    EXPECT_EQ(frontier.transferring(), 0u);
    EXPECT_EQ(frontier.running(), 1u);
    EXPECT_FALSE(frontier.push(article(1, "a.example"), gate)) << "still running: not queued twice";
    auto second = frontier.pop(t0, gate);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, 2);
    EXPECT_EQ(frontier.running(), 2u);
    EXPECT_EQ(frontier.transferring(), 1u);

    frontier.transfer_ended(*first, gate); // a second call changes nothing
    EXPECT_EQ(frontier.transferring(), 1u);
    frontier.finish(*first, gate);
    EXPECT_EQ(frontier.running(), 1u);
    EXPECT_EQ(frontier.transferring(), 1u) << "finishing an item that gave its slot back frees no other";
    frontier.finish(*second, gate); // finish() without transfer_ended() frees the slot too
    EXPECT_EQ(frontier.running(), 0u);
    EXPECT_EQ(frontier.transferring(), 0u);
    EXPECT_EQ(frontier.hosts(), 0u);
}

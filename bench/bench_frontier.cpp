// bench/bench_frontier.cpp — the dispatcher's cost per decision as the number of hosts grows.
// A simulated crawl: 4 feeds per host (20,000 feeds on 5,000 hosts at the middle size), each item
// a poll that, once done, comes back after its feed's interval; politeness is a fake gate that
// spaces each host by one second; the clock is simulated, so the figure is the frontier's own cost
// (pop the next ready item, end it, queue it again), not the wait. Flat figures across 500, 5,000
// and 50,000 hosts mean a decision costs O(log hosts), not O(hosts).
// Threading: one thread.
#include "crawl/frontier.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace {

using namespace feedkeeper::crawl;
using namespace std::chrono_literals;

constexpr int feeds_per_host = 4;

struct SpacingGate final : HostGate {
    std::unordered_map<std::string, SteadyTime> ready;
    SteadyTime ready_at(const std::string& host) const override
    {
        auto it = ready.find(host);
        return it == ready.end() ? SteadyTime {} : it->second;
    }
    std::size_t connections(const std::string&) const override { return 1; }
};

void BM_DispatchDecision(benchmark::State& state)
{
    const int hosts = static_cast<int>(state.range(0));
    Frontier frontier;
    SpacingGate gate;
    std::vector<std::string> names;
    for (int host = 0; host < hosts; ++host)
        names.push_back("host-" + std::to_string(host) + ".example");
    SteadyTime now = SteadyTime {} + 1h;
    std::int64_t id = 0;
    for (int host = 0; host < hosts; ++host)
        for (int feed = 0; feed < feeds_per_host; ++feed) {
            WorkItem item;
            item.kind = WorkKind::poll;
            item.id = id++;
            item.host = names[static_cast<std::size_t>(host)];
            item.priority = Priority::poll;
            item.rank = 600 + feed * 300; // faster feeds first
            frontier.push(item, gate);
        }
    std::size_t decisions = 0;
    for (auto _ : state) {
        auto item = frontier.pop(now, gate);
        if (!item) {
            now = *frontier.next_time(); // the simulated clock jumps to the next ready host
            item = frontier.pop(now, gate);
        }
        gate.ready[item->host] = now + 1s; // the host's politeness delay after this request
        frontier.finish(*item, gate);
        item->not_before = now + std::chrono::seconds(item->rank); // polled again after its interval
        frontier.push(std::move(*item), gate);
        ++decisions;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(decisions));
    state.counters["hosts"] = hosts;
    state.counters["items"] = static_cast<double>(hosts * feeds_per_host);
}

BENCHMARK(BM_DispatchDecision)->Arg(500)->Arg(5'000)->Arg(50'000)->Unit(benchmark::kNanosecond);

} // namespace

// bench/bench_store_backends.cpp — the archive's store workload on PostgreSQL beside SQLite, on the
// same generated data in the same run (issue 17): storing 10,000 articles through the API
// (synchronous FULL and NORMAL; on PostgreSQL synchronous_commit on and off), their JSONL export,
// search p50/p95 over 200 queries, and queue claims per second with 1, 2 and 3 nodes (each its own
// connection and worker token) taking 20,000 jobs of 2,000 hosts, with a check that no job and no
// host is held by two nodes at once and that no job is claimed again after a node ended it (either
// fails the run: exit status 1). SQLite measured in the same run is the reference: the table
// gives each figure on both and the ratio PostgreSQL / SQLite. PostgreSQL is a throwaway cluster
// (tests/support/postgres_server.hpp, Unix socket only); without its binaries it says "skipped".
// Run: build/bench/bench_store_backends [--articles=N] [--claim-seconds=S].
// Threading: main thread, except the queue phase: one thread per node, each with its own Archive;
// what they share (the in-flight sets, the counters) is behind one mutex.
#include "store_bench_data.hpp"

#include "core/time.hpp"
#include "store/export.hpp"
#include "tests/support/postgres_server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace feedkeeper::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Settings {
    std::int64_t articles = 10'000;
    std::int64_t queue_jobs = 20'000;
    std::int64_t queue_hosts = 2'000;
    double claim_seconds = 5.0;
    std::size_t claim_total = 16;  // jobs per claim
    std::size_t claim_per_host = 4;
    int export_rounds = 3;
    std::size_t queries = 200;
};

// One backend: how to make a fresh, empty archive location for a name.
struct Backend {
    std::string name;
    std::function<std::string(const std::string&)> fresh;
};

std::unique_ptr<store::Archive> open_archive(const std::string& location, store::OpenMode mode = store::OpenMode::read_write,
    store::Synchronous synchronous = store::Synchronous::full)
{
    auto archive = store::Archive::open(location, mode, { .synchronous = synchronous });
    if (!archive)
        throw std::runtime_error(fmt::format("opening {}: {}", store::redacted_location(location), archive.error().message));
    return std::move(*archive);
}

// --- insert: exactly Store_ArchiveApi's calls (bench_store.cpp): entries per poll of 100, the due
// jobs, one articles().save per article. Only the store's calls are timed (Store_ArchiveApi also
// times generating the pages), so the ratio compares the backends, not the generator.
double insert_rate(const std::string& location, store::Synchronous synchronous, std::int64_t count)
{
    auto archive = open_archive(location, store::OpenMode::read_write, synchronous);
    const std::int64_t feed = archive->feeds().add({ .url = "https://feeds.example/a.xml" }).value().id;
    TextGenerator text(1);
    double busy = 0; // generating the pages is not the store's time
    for (std::int64_t first = 0; first < count; first += 100) {
        std::vector<store::ArticleInput> articles;
        std::vector<store::EntryInput> entries;
        for (std::int64_t n = first; n < std::min(count, first + 100); ++n) {
            articles.push_back(make_article(text, n));
            store::EntryInput entry;
            entry.key = fmt::format("guid:{}", n);
            entry.entry.link = articles.back().requested_url;
            entries.push_back(std::move(entry));
        }
        const auto start = Clock::now();
        archive->entries().save(feed, entries, articles.front().response.fetched_at).value();
        const auto jobs = archive->jobs().due(Timestamp::max(), 100, feed).value();
        for (std::size_t i = 0; i < articles.size(); ++i) {
            articles[i].job_id = jobs.at(i).id;
            articles[i].entry_id = jobs.at(i).entry_id;
            archive->articles().save(articles[i]).value();
        }
        busy += seconds_since(start);
    }
    return static_cast<double>(count) / busy;
}

// --- export: JSONL of the whole archive to a file, `rounds` times; MB/s over all rounds.
double export_rate(const std::string& location, const std::filesystem::path& out_path, int rounds, std::size_t& bytes_each)
{
    std::size_t bytes = 0;
    const auto start = Clock::now();
    for (int round = 0; round < rounds; ++round) {
        auto archive = open_archive(location, store::OpenMode::read_only);
        std::ofstream out(out_path, std::ios::binary);
        bytes_each = store::export_archive(*archive, store::ExportFormat::jsonl, {}, out).value().bytes;
        bytes += bytes_each;
    }
    return static_cast<double>(bytes) / 1e6 / seconds_since(start);
}

// --- search: 1–2 words drawn (Zipf, as the texts are) from the generator's vocabulary, so that
// frequent words with many matches and rare ones with few both occur; the same list on both.
std::vector<std::string> search_queries(std::size_t count)
{
    TextGenerator text(0);
    std::vector<std::string> queries;
    for (std::size_t i = 0; i < count; ++i)
        queries.push_back(i % 2 == 0 ? text.word() : text.word() + " " + text.word());
    return queries;
}

struct SearchFigures {
    double p50_ms = 0;
    double p95_ms = 0;
    std::size_t hits = 0;
};

SearchFigures search_latency(const std::string& location, const std::vector<std::string>& queries)
{
    auto archive = open_archive(location, store::OpenMode::read_only);
    for (const std::string& query : queries) // one untimed round: caches warm on both
        archive->reader().search(query, 20).value();
    std::vector<double> latencies;
    SearchFigures figures;
    for (const std::string& query : queries) {
        const auto start = Clock::now();
        figures.hits += archive->reader().search(query, 20).value().size();
        latencies.push_back(seconds_since(start) * 1e3);
    }
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double share) { return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(share * static_cast<double>(latencies.size())))]; };
    figures.p50_ms = at(0.50);
    figures.p95_ms = at(0.95);
    return figures;
}

// --- the queue: `jobs` article jobs over `hosts` hosts, queued by entries().save as a feed poll
// queues them (1,000 items per save).
void fill_queue(const std::string& location, const Settings& settings)
{
    auto archive = open_archive(location, store::OpenMode::read_write, store::Synchronous::normal);
    const std::int64_t feed = archive->feeds().add({ .url = "https://feeds.example/queue.xml" }).value().id;
    for (std::int64_t first = 0; first < settings.queue_jobs; first += 1000) {
        std::vector<store::EntryInput> entries;
        for (std::int64_t n = first; n < std::min(settings.queue_jobs, first + 1000); ++n) {
            store::EntryInput entry;
            entry.key = fmt::format("guid:{}", n);
            entry.entry.link = fmt::format("https://host{}.example/news/{}.html", n % settings.queue_hosts, n);
            entries.push_back(std::move(entry));
        }
        archive->entries().save(feed, entries, now_utc()).value();
    }
    const auto due = archive->jobs().due(Timestamp::max(), static_cast<std::size_t>(settings.queue_jobs) + 1).value();
    if (static_cast<std::int64_t>(due.size()) != settings.queue_jobs)
        throw std::runtime_error(fmt::format("queue fill: {} jobs pending, {} expected", due.size(), settings.queue_jobs));
}

struct QueueFigures {
    double jobs_per_second = 0;
    double claims_per_second = 0; // claim calls (transactions), all nodes together
    std::int64_t jobs = 0;
    std::int64_t claims = 0;
    std::int64_t empty_claims = 0;       // claims that got nothing (others held every waiting host)
    std::int64_t jobs_held_twice = 0;    // a job handed to a node while another node held it
    std::int64_t hosts_held_twice = 0;   // the same for hosts
    // A job handed to a node after another node had finished it (its state no longer 'pending').
    std::int64_t jobs_claimed_again = 0;
    double claim_p50_ms = 0; // one jobs().claim call, as its node waited for it
    double claim_p95_ms = 0;
    std::int64_t errors = 0;
    std::string first_error;
    bool drained = false;
    double seconds = 0;
};

// K nodes, each a thread with its own Archive (connection) and worker token, loop: claim a small
// batch, then finish it without fetching — each job failed (jobs().fail: its state leaves
// 'pending', one transaction per job, as a crawl's articles().save ends one) and the hosts handed
// back — until the queue is empty or the time budget ends.
QueueFigures claim_rate(const std::string& location, int nodes, const Settings& settings)
{
    QueueFigures figures;
    std::mutex mutex;
    std::unordered_map<std::int64_t, int> jobs_in_flight;
    std::unordered_map<std::string, int> hosts_in_flight;
    std::set<std::int64_t> finished;
    std::vector<double> all_claim_ms;
    std::atomic<bool> drained { false };
    std::latch ready(nodes + 1);
    std::latch go(1);
    Clock::time_point deadline;

    auto node = [&](int index) {
        const std::string worker = fmt::format("bench-node-{}", index); // no process token: never judged dead
        std::unique_ptr<store::Archive> archive;
        try {
            archive = open_archive(location, store::OpenMode::read_write, store::Synchronous::full);
            archive->jobs().register_worker(worker, fmt::format("bench node {}", index), now_utc()).value();
        } catch (const std::exception& error) {
            std::lock_guard lock(mutex);
            ++figures.errors;
            figures.first_error = error.what();
            ready.count_down();
            return;
        }
        ready.count_down();
        go.wait();
        std::int64_t jobs = 0, claims = 0, empty = 0;
        std::vector<double> claim_ms;
        while (Clock::now() < deadline && !drained) {
            const Timestamp now = now_utc();
            store::WorkClaim request { .worker = worker, .now = now, .horizon = now, .lease_until = now + std::chrono::minutes(5),
                .per_host = settings.claim_per_host, .total = settings.claim_total };
            const auto claim_start = Clock::now();
            auto work = archive->jobs().claim(request);
            claim_ms.push_back(seconds_since(claim_start) * 1e3);
            if (!work) {
                std::lock_guard lock(mutex);
                if (figures.errors++ == 0)
                    figures.first_error = work.error().message;
                continue;
            }
            ++claims;
            if (work->jobs.empty()) {
                ++empty;
                // Nothing for this node: other nodes hold (or, on PostgreSQL, are claiming right
                // now: SKIP LOCKED) every waiting host, or the queue is empty.
                auto pending = archive->jobs().due(now, 1);
                if (pending && pending->empty())
                    drained = true;
                else
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            {
                std::lock_guard lock(mutex);
                for (const store::Job& job : work->jobs) {
                    if (!jobs_in_flight.emplace(job.id, index).second)
                        ++figures.jobs_held_twice;
                    if (finished.contains(job.id))
                        ++figures.jobs_claimed_again;
                }
                for (const store::HostLease& host : work->hosts)
                    if (!hosts_in_flight.emplace(host.host, index).second)
                        ++figures.hosts_held_twice;
            }
            jobs += static_cast<std::int64_t>(work->jobs.size());
            // A job leaves the in-flight set once its end is committed (it is no longer pending:
            // from then on no claim may return it), a host before it is handed back (from then
            // on another node may take it). A claim seen returning a job or host another node
            // holds in these sets is one the archive handed out twice.
            for (const store::Job& job : work->jobs) {
                auto done = archive->jobs().fail(job.id, "bench: finished without fetching");
                std::lock_guard lock(mutex);
                if (!done && figures.errors++ == 0)
                    figures.first_error = done.error().message;
                if (auto held = jobs_in_flight.find(job.id); held != jobs_in_flight.end() && held->second == index)
                    jobs_in_flight.erase(held);
                finished.insert(job.id);
            }
            std::vector<std::pair<std::string, Timestamp>> hosts;
            {
                std::lock_guard lock(mutex);
                for (const store::HostLease& host : work->hosts) {
                    if (auto held = hosts_in_flight.find(host.host); held != hosts_in_flight.end() && held->second == index)
                        hosts_in_flight.erase(held);
                    hosts.emplace_back(host.host, now);
                }
            }
            if (auto released = archive->hosts().release(worker, hosts); !released) {
                std::lock_guard lock(mutex);
                if (figures.errors++ == 0)
                    figures.first_error = released.error().message;
            }
        }
        {
            std::lock_guard lock(mutex);
            figures.jobs += jobs;
            figures.claims += claims;
            figures.empty_claims += empty;
            all_claim_ms.insert(all_claim_ms.end(), claim_ms.begin(), claim_ms.end());
        }
        (void)archive->jobs().unregister_worker(worker);
    };

    std::vector<std::thread> threads;
    for (int index = 1; index <= nodes; ++index)
        threads.emplace_back(node, index);
    ready.arrive_and_wait();
    const auto start = Clock::now();
    deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.claim_seconds));
    go.count_down();
    for (std::thread& thread : threads)
        thread.join();
    figures.seconds = seconds_since(start);
    figures.drained = drained;
    figures.jobs_per_second = static_cast<double>(figures.jobs) / figures.seconds;
    figures.claims_per_second = static_cast<double>(figures.claims) / figures.seconds;
    if (!all_claim_ms.empty()) {
        std::sort(all_claim_ms.begin(), all_claim_ms.end());
        figures.claim_p50_ms = all_claim_ms[all_claim_ms.size() / 2];
        figures.claim_p95_ms = all_claim_ms[std::min(all_claim_ms.size() - 1, all_claim_ms.size() * 95 / 100)];
    }
    return figures;
}

struct Row {
    std::string metric;
    std::string unit;
    bool higher_is_better = true;
    std::map<std::string, double> values; // by backend
    std::string note;
};

std::string format_value(double value)
{
    if (value >= 100)
        return fmt::format("{:.0f}", value);
    if (value >= 10)
        return fmt::format("{:.1f}", value);
    return fmt::format("{:.2f}", value);
}

int run(const Settings& settings)
{
    std::unique_ptr<testing::PostgresServer> server;
    try {
        server = std::make_unique<testing::PostgresServer>();
    } catch (const std::exception& error) {
        std::cout << "bench_store_backends: skipped (no PostgreSQL cluster: " << error.what() << ")\n";
        return 0;
    }
    const auto scratch = data_directory() / "scratch" / "backends";
    std::filesystem::create_directories(scratch);
    const std::vector<Backend> backends {
        { "sqlite",
            [&](const std::string& name) {
                const auto path = scratch / (name + ".db");
                for (const char* suffix : { "", "-wal", "-shm" })
                    std::filesystem::remove(path.string() + suffix);
                return path.string();
            } },
        { "postgresql",
            [&](const std::string& name) {
                server->create_database(name);
                return server->url(name);
            } },
    };

    std::vector<Row> rows;
    auto row = [&](const std::string& metric, const std::string& unit, bool higher) -> Row& {
        for (Row& existing : rows)
            if (existing.metric == metric)
                return existing;
        rows.push_back({ metric, unit, higher, {}, {} });
        return rows.back();
    };
    const auto queries = search_queries(settings.queries);
    std::map<std::string, std::vector<QueueFigures>> queue_runs;

    for (const Backend& backend : backends) {
        std::cerr << "-- " << backend.name << ": insert (synchronous FULL)\n";
        row("insert, synchronous FULL", "articles/s", true).values[backend.name] = insert_rate(backend.fresh("bench_full"), store::Synchronous::full, settings.articles);
        std::cerr << "-- " << backend.name << ": insert (synchronous NORMAL)\n";
        const std::string archive = backend.fresh("bench_normal");
        row("insert, synchronous NORMAL", "articles/s", true).values[backend.name] = insert_rate(archive, store::Synchronous::normal, settings.articles);

        std::cerr << "-- " << backend.name << ": export\n";
        std::size_t bytes = 0;
        row("JSONL export", "MB/s", true).values[backend.name] = export_rate(archive, scratch / ("export-" + backend.name + ".jsonl"), settings.export_rounds, bytes);
        row("JSONL export size", "MB", true).values[backend.name] = static_cast<double>(bytes) / 1e6;

        std::cerr << "-- " << backend.name << ": search\n";
        const SearchFigures search = search_latency(archive, queries);
        row("search p50", "ms", false).values[backend.name] = search.p50_ms;
        row("search p95", "ms", false).values[backend.name] = search.p95_ms;
        row("search hits (200 queries, top 20)", "hits", true).values[backend.name] = static_cast<double>(search.hits);

        for (int nodes = 1; nodes <= 3; ++nodes) {
            std::cerr << "-- " << backend.name << ": queue, " << nodes << " node(s)\n";
            const std::string location = backend.fresh(fmt::format("bench_queue{}", nodes));
            const auto fill_start = Clock::now();
            fill_queue(location, settings);
            std::cerr << fmt::format("   queued {} jobs in {:.1f} s\n", settings.queue_jobs, seconds_since(fill_start));
            const QueueFigures figures = claim_rate(location, nodes, settings);
            queue_runs[backend.name].push_back(figures);
            row(fmt::format("queue, {} node{}: jobs claimed+finished", nodes, nodes > 1 ? "s" : ""), "jobs/s", true).values[backend.name] = figures.jobs_per_second;
            row(fmt::format("queue, {} node{}: claim transactions", nodes, nodes > 1 ? "s" : ""), "claims/s", true).values[backend.name] = figures.claims_per_second;
            row(fmt::format("queue, {} node{}: one claim p95", nodes, nodes > 1 ? "s" : ""), "ms", false).values[backend.name] = figures.claim_p95_ms;
        }
    }

    fmt::print("\n{:<40} {:>10} {:>12} {:>12} {:>9}\n", "metric", "unit", "sqlite", "postgresql", "pg/sqlite");
    for (const Row& r : rows) {
        const double sqlite = r.values.at("sqlite");
        const double postgresql = r.values.at("postgresql");
        fmt::print("{:<40} {:>10} {:>12} {:>12} {:>9}\n", r.metric, r.unit, format_value(sqlite), format_value(postgresql),
            sqlite > 0 ? fmt::format("{:.2f}", postgresql / sqlite) : "-");
    }
    fmt::print("\n(pg/sqlite > 1: PostgreSQL higher; for ms lower is better.) Queue: {} jobs over {} hosts, claims of {} ({} per host), "
               "budget {:.0f} s per run; each job finished with jobs().fail, hosts handed back.\n",
        settings.queue_jobs, settings.queue_hosts, settings.claim_total, settings.claim_per_host, settings.claim_seconds);
    fmt::print("\n{:<11} {:>5} {:>8} {:>8} {:>7} {:>7} {:>11} {:>12} {:>13} {:>7}  {}\n", "backend", "nodes", "jobs", "claims", "empty", "seconds",
        "drained", "jobs twice", "hosts twice", "again", "errors");
    // (claim p50/p95 per call are in the rows above; "again": see QueueFigures::jobs_claimed_again)
    int status = 0;
    for (const auto& [backend, runs] : queue_runs)
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const QueueFigures& f = runs[i];
            fmt::print("{:<11} {:>5} {:>8} {:>8} {:>7} {:>7.2f} {:>11} {:>12} {:>13} {:>7}  {}{}\n", backend, i + 1, f.jobs, f.claims, f.empty_claims, f.seconds,
                f.drained ? "yes" : "no", f.jobs_held_twice, f.hosts_held_twice, f.jobs_claimed_again, f.errors, f.first_error.empty() ? "" : " (first: " + f.first_error + ")");
            if (f.jobs_held_twice || f.hosts_held_twice || f.jobs_claimed_again)
                status = 1; // the queue's promise broken: a failure, not a figure
        }
    if (status)
        fmt::print("\nFAILED: the queue handed a job or host to a second node (see the columns above).\n");
    return status;
}

} // namespace
} // namespace feedkeeper::bench

int main(int argc, char** argv)
{
    feedkeeper::bench::Settings settings;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument.starts_with("--articles="))
            settings.articles = std::stoll(std::string(argument.substr(11)));
        else if (argument.starts_with("--claim-seconds="))
            settings.claim_seconds = std::stod(std::string(argument.substr(16)));
        else {
            std::cerr << "usage: bench_store_backends [--articles=N] [--claim-seconds=S]\n";
            return 2;
        }
    }
    try {
        return feedkeeper::bench::run(settings);
    } catch (const std::exception& error) {
        std::cerr << "bench_store_backends: " << error.what() << "\n";
        return 1;
    }
}

// bench/bench_store_read.cpp — search latency over 100,000 articles (p50/p95/max against bare
// FTS5 ranking) and start-up on a 1,000,000-article archive (open, `status`, the crawl start
// path, the daemon until READY=1; against one scan of the articles table). Threading: main thread.
#include "store_bench_data.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <csignal>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>
#include <sys/wait.h>

extern char** environ;

namespace feedkeeper::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> search_queries()
{
    TextGenerator text(0);
    const auto& words = text.vocabulary();
    std::vector<std::string> queries;
    for (std::size_t rank : { 3, 20, 33, 120, 500, 1500, 5000, 15000, 29000 }) // frequent to rare
        queries.push_back(words[rank]);
    queries.push_back(words[5] + " " + words[200]);
    queries.push_back(words[60] + " " + words[900]);
    queries.push_back(words[150] + " " + words[151] + " " + words[2000]);
    queries.push_back(words[300].substr(0, 4) + "*");
    queries.push_back("foderation"); // diacritics folded: matches "Föderation"
    return queries;
}

// Wall time is what a user waits; on a shared machine it includes waiting for a core, so the
// thread's CPU time per query is reported too.
double thread_cpu_ms()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Latencies {
    std::vector<double> wall;
    std::vector<double> cpu;
};

template <class F>
void timed(Latencies& latencies, F&& work)
{
    const auto start = Clock::now();
    const double cpu = thread_cpu_ms();
    work();
    latencies.cpu.push_back(thread_cpu_ms() - cpu);
    latencies.wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
}

void report_latencies(benchmark::State& state, Latencies latencies)
{
    for (auto* series : { &latencies.wall, &latencies.cpu }) {
        std::sort(series->begin(), series->end());
        const std::string prefix = series == &latencies.wall ? "" : "cpu_";
        auto at = [&](double share) { return (*series)[std::min(series->size() - 1, static_cast<std::size_t>(share * static_cast<double>(series->size())))]; };
        state.counters[prefix + "p50_ms"] = at(0.50);
        state.counters[prefix + "p95_ms"] = at(0.95);
        state.counters[prefix + "max_ms"] = series->back();
    }
    state.counters["queries"] = static_cast<double>(latencies.wall.size());
}

constexpr int search_rounds = 20;

// Archive::search: bm25 ranking (title 5:1), top 20, with snippets, URL and title per hit.
void Search_Archive(benchmark::State& state)
{
    const auto path = api_archive(100'000, 2);
    auto archive = store::Archive::open(path, store::OpenMode::read_only).value();
    const auto queries = search_queries();
    Latencies latencies;
    std::size_t hits = 0;
    for (auto _ : state)
        for (int round = 0; round < search_rounds; ++round)
            for (const std::string& query : queries)
                timed(latencies, [&] { hits += archive->reader().search(query, 20).value().size(); });
    state.counters["hits"] = static_cast<double>(hits);
    report_latencies(state, latencies);
}

// Floor: the same queries as bare FTS5 ranking of row ids over all matches (no window, no
// snippet, no row lookups): what SQLite's ranking alone costs.
void Search_Floor_BareFts(benchmark::State& state)
{
    const auto path = api_archive(100'000, 2);
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* select = nullptr;
    sqlite3_prepare_v2(db, "SELECT rowid FROM revisions_fts WHERE revisions_fts MATCH ? ORDER BY rank LIMIT 20", -1, &select, nullptr);
    const auto queries = search_queries();
    Latencies latencies;
    for (auto _ : state) {
        for (int round = 0; round < search_rounds; ++round) {
            for (const std::string& query : queries) {
                // The archive quotes each word; the floor does the same so both match the same rows.
                std::string fts;
                for (std::size_t start = 0; start < query.size();) {
                    const auto end = std::min(query.find(' ', start), query.size());
                    std::string word = query.substr(start, end - start);
                    const bool prefix = word.ends_with('*');
                    fts += (fts.empty() ? "\"" : " \"") + (prefix ? word.substr(0, word.size() - 1) : word) + (prefix ? "\"*" : "\"");
                    start = end + 1;
                }
                timed(latencies, [&] {
                    sqlite3_bind_text(select, 1, fts.c_str(), -1, SQLITE_TRANSIENT);
                    while (sqlite3_step(select) == SQLITE_ROW)
                        benchmark::DoNotOptimize(sqlite3_column_int64(select, 0));
                    sqlite3_reset(select);
                });
            }
        }
    }
    sqlite3_finalize(select);
    sqlite3_close(db);
    report_latencies(state, latencies);
}

// --- start-up on 1,000,000 articles.
void Startup_ArchiveOpen(benchmark::State& state)
{
    const auto path = bulk_archive(1'000'000);
    for (auto _ : state)
        benchmark::DoNotOptimize(store::Archive::open(path, store::OpenMode::read_write).value());
}

// What `status` reads: a read-only open, the counts and the feed list.
void Startup_StatusQueries(benchmark::State& state)
{
    const auto path = bulk_archive(1'000'000);
    for (auto _ : state) {
        auto archive = store::Archive::open(path, store::OpenMode::read_only).value();
        benchmark::DoNotOptimize(archive->reader().stats().value());
        benchmark::DoNotOptimize(archive->feeds().list().value());
    }
}

pid_t start_binary(const std::vector<std::string>& arguments, const std::vector<std::string>& extra_environment = {})
{
    std::vector<char*> argv;
    for (const std::string& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> environment;
    for (char** entry = environ; *entry; ++entry)
        environment.push_back(*entry);
    for (const std::string& entry : extra_environment)
        environment.push_back(const_cast<char*>(entry.c_str()));
    environment.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int failed = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environment.data());
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0)
        throw std::runtime_error("cannot start " + arguments[0]);
    return pid;
}

int wait_binary(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_binary(const std::vector<std::string>& arguments) { return wait_binary(start_binary(arguments)); }

// The real binary, process start to exit: `status --json`, and `crawl --due` with nothing due
// (open read-write, migrations check, config feeds, due feeds, due jobs: the daemon's start path).
void Startup_Binary(benchmark::State& state)
{
    const auto path = bulk_archive(1'000'000);
    const auto config = data_directory() / "scratch" / "empty.toml";
    std::filesystem::create_directories(config.parent_path());
    std::ofstream(config) << "";
    const std::vector<std::string> command = state.range(0) == 0
        ? std::vector<std::string> { FEEDKEEPER_BINARY_PATH, "--db", path.string(), "--config", config.string(), "status", "--json" }
        : std::vector<std::string> { FEEDKEEPER_BINARY_PATH, "--db", path.string(), "--config", config.string(), "crawl", "--due" };
    state.SetLabel(state.range(0) == 0 ? "feedkeeper status --json" : "feedkeeper crawl --due (nothing due)");
    for (auto _ : state)
        if (int code = run_binary(command); code != 0)
            state.SkipWithError(fmt::format("exit {}", code).c_str());
}

// The daemon: process start until it tells systemd READY=1 (NOTIFY_SOCKET), archive open,
// migrations checked, config feeds synced, control socket listening; then SIGTERM.
void Startup_Daemon(benchmark::State& state)
{
    const auto path = bulk_archive(1'000'000);
    const auto scratch = data_directory() / "scratch";
    const auto config = scratch / "empty.toml";
    std::filesystem::create_directories(scratch);
    std::ofstream(config) << "";
    const std::string notify_path = (scratch / "notify").string();
    std::filesystem::remove(notify_path);
    const int notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", notify_path.c_str());
    if (bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("cannot bind " + notify_path);
    const std::vector<std::string> command { FEEDKEEPER_BINARY_PATH, "--db", path.string(), "--config", config.string(), "--socket", (scratch / "control.sock").string(), "daemon" };
    for (auto _ : state) {
        const pid_t pid = start_binary(command, { "NOTIFY_SOCKET=" + notify_path });
        bool ready = false;
        while (!ready) {
            pollfd wait { notify, POLLIN, 0 };
            if (poll(&wait, 1, 10'000) <= 0)
                break;
            char buffer[512];
            const ssize_t n = recv(notify, buffer, sizeof buffer - 1, 0);
            ready = n > 0 && std::string_view(buffer, static_cast<std::size_t>(n)).find("READY=1") != std::string_view::npos;
        }
        state.PauseTiming();
        kill(pid, SIGTERM);
        wait_binary(pid);
        state.ResumeTiming();
        if (!ready)
            state.SkipWithError("the daemon never reported READY=1");
    }
    close(notify);
}

// Floor: one pass over the articles table — what start-up must never do.
void Startup_Floor_ScanArticles(benchmark::State& state)
{
    const auto path = bulk_archive(1'000'000);
    for (auto _ : state) {
        sqlite3* db = nullptr;
        sqlite3_open_v2(path.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* scan = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*), sum(length(url)) FROM articles NOT INDEXED", -1, &scan, nullptr);
        sqlite3_step(scan);
        benchmark::DoNotOptimize(sqlite3_column_int64(scan, 1));
        sqlite3_finalize(scan);
        sqlite3_close(db);
    }
}

} // namespace
} // namespace feedkeeper::bench

using namespace feedkeeper::bench;
BENCHMARK(Search_Archive)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Search_Floor_BareFts)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Startup_ArchiveOpen)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Startup_StatusQueries)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Startup_Binary)->ArgName("crawl")->Arg(0)->Arg(1)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Startup_Daemon)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Startup_Floor_ScanArticles)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

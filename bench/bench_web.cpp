// bench/bench_web.cpp — the web view's latency (p50/p95/max per route) on the 100,000-article
// benchmark archive (bench_store's data), through the real `feedkeeper serve` and libcurl with one
// kept-alive connection, as a browser asks. The bar: p95 under 50 ms for every page and
// API call. Threading: main thread; the server is a child process.
#include "store_bench_data.hpp"
#include "tests/support/web_client.hpp"

#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace feedkeeper::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user)
{
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// `feedkeeper serve` over the archive for the whole run; killed when the program ends.
class Server {
public:
    static Server& get()
    {
        static Server server;
        return server;
    }
    ~Server()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    std::string url(const std::string& path) const { return fmt::format("http://127.0.0.1:{}{}", m_port, path); }

    // One GET on the kept-alive handle; the status, or 0 when the transfer failed.
    long get_status(const std::string& path, std::size_t& bytes)
    {
        std::string body;
        const std::string address = url(path);
        curl_easy_setopt(m_handle.get(), CURLOPT_URL, address.c_str());
        curl_easy_setopt(m_handle.get(), CURLOPT_WRITEDATA, &body);
        if (curl_easy_perform(m_handle.get()) != CURLE_OK)
            return 0;
        long status = 0;
        curl_easy_getinfo(m_handle.get(), CURLINFO_RESPONSE_CODE, &status);
        bytes += body.size();
        return status;
    }

private:
    Server()
    {
        const auto archive = api_archive(100'000, 2);
        m_port = testing::free_loopback_port();
        const std::string listen = fmt::format("127.0.0.1:{}", m_port);
        std::vector<std::string> arguments { FEEDKEEPER_BINARY_PATH, "--db", archive.string(), "-q", "serve", "--listen", listen };
        std::vector<char*> argv;
        for (auto& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        if (posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
            throw std::runtime_error("cannot start feedkeeper serve");
        posix_spawn_file_actions_destroy(&actions);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        m_handle.reset(curl_easy_init());
        curl_easy_setopt(m_handle.get(), CURLOPT_NOPROXY, "*");
        curl_easy_setopt(m_handle.get(), CURLOPT_TIMEOUT_MS, 30'000L);
        curl_easy_setopt(m_handle.get(), CURLOPT_WRITEFUNCTION, collect);
        std::size_t ignored = 0;
        for (int attempt = 0; attempt < 200 && get_status("/static/style.css", ignored) != 200; ++attempt)
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }

    pid_t m_pid = -1;
    unsigned short m_port = 0;
    std::unique_ptr<CURL, CurlDeleter> m_handle;
};

constexpr int requests_per_route = 200;

// Requests `paths(i)` for i < requests_per_route after a few warm-up ones (the readers open their
// connections and warm SQLite's cache), and reports p50/p95/max of the wall time.
template <class Paths>
void measure(benchmark::State& state, Paths&& paths)
{
    Server& server = Server::get();
    std::size_t bytes = 0;
    for (int i = 0; i < 5; ++i)
        server.get_status(paths(i), bytes);
    std::vector<double> wall;
    std::size_t failures = 0;
    for (auto _ : state) {
        for (int i = 0; i < requests_per_route; ++i) {
            const auto start = Clock::now();
            failures += server.get_status(paths(i), bytes) != 200;
            wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
    }
    std::sort(wall.begin(), wall.end());
    auto at = [&](double share) { return wall[std::min(wall.size() - 1, static_cast<std::size_t>(share * static_cast<double>(wall.size())))]; };
    state.counters["p50_ms"] = at(0.50);
    state.counters["p95_ms"] = at(0.95);
    state.counters["max_ms"] = wall.back();
    state.counters["failures"] = static_cast<double>(failures);
    state.counters["kB_per_page"] = static_cast<double>(bytes) / 1024.0 / static_cast<double>(wall.size() + 5);
    if (failures != 0)
        state.SkipWithError("some requests did not answer 200");
}

std::vector<std::string> words()
{
    TextGenerator text(0);
    const auto& vocabulary = text.vocabulary();
    std::vector<std::string> chosen;
    for (std::size_t rank : { 3, 20, 33, 120, 500, 1500, 5000, 15000 })
        chosen.push_back(vocabulary[rank]);
    return chosen;
}

std::int64_t article_at(int i) { return 1 + (static_cast<std::int64_t>(i) * 7919) % 100'000; }

void Web_Feeds(benchmark::State& state) { measure(state, [](int) { return std::string("/"); }); }
void Web_FeedRecords(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/feeds/{}", 1 + i % 20); }); }
void Web_FeedRecordsDeepCursor(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/feeds/{}?before={}", 1 + i % 20, 50'000 + i); }); }
void Web_FeedRecordsFiltered(benchmark::State& state)
{
    measure(state, [](int i) { return fmt::format("/feeds/{}?status=article&since=2000-01-01", 1 + i % 20); });
}
void Web_Search(benchmark::State& state)
{
    const auto queries = words();
    measure(state, [&](int i) { return "/search?q=" + queries[static_cast<std::size_t>(i) % queries.size()]; });
}
void Web_SearchInFeed(benchmark::State& state)
{
    const auto queries = words();
    measure(state, [&](int i) { return fmt::format("/search?q={}&feed={}", queries[static_cast<std::size_t>(i) % queries.size()], 1 + i % 20); });
}
void Web_Article(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/articles/{}", article_at(i)); }); }
void Web_ArticleDiff(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/articles/{}?diff=1..1", article_at(i)); }); }
void Web_Capture(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/captures/{}", article_at(i)); }); }
void Web_Status(benchmark::State& state) { measure(state, [](int) { return std::string("/status"); }); }
void Api_Feeds(benchmark::State& state) { measure(state, [](int) { return std::string("/api/v1/feeds"); }); }
void Api_FeedRecords(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/api/v1/feeds/{}/records", 1 + i % 20); }); }
void Api_Article(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/api/v1/articles/{}", article_at(i)); }); }
void Api_Revisions(benchmark::State& state) { measure(state, [](int i) { return fmt::format("/api/v1/articles/{}/revisions", article_at(i)); }); }
void Api_Search(benchmark::State& state)
{
    const auto queries = words();
    measure(state, [&](int i) { return "/api/v1/search?q=" + queries[static_cast<std::size_t>(i) % queries.size()]; });
}
void Api_Status(benchmark::State& state) { measure(state, [](int) { return std::string("/api/v1/status"); }); }

// Floor: the style sheet, compiled in: the server and the HTTP exchange alone, no archive.
void Floor_StaticStyleSheet(benchmark::State& state) { measure(state, [](int) { return std::string("/static/style.css"); }); }

} // namespace

BENCHMARK(Floor_StaticStyleSheet)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_Feeds)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_FeedRecords)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_FeedRecordsDeepCursor)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_FeedRecordsFiltered)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_Search)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_SearchInFeed)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_Article)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_ArticleDiff)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_Capture)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Web_Status)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_Feeds)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_FeedRecords)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_Article)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_Revisions)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_Search)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Api_Status)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace feedkeeper::bench

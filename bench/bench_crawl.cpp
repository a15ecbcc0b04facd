// bench/bench_crawl.cpp — the whole pipeline end to end: `feedkeeper crawl --once` over 50 loopback
// hosts of 100 pages each (politeness off, FULL sync, [parse] threads = one per core), next to the
// floor measured in the same run: the `extract` command's own one-core rate (pages per CPU second)
// on the same pages, the faster of a run before the crawl and one after it. On 2 cores a crawl that keeps every core busy goes well past 1 x that rate.
// Pages: the extraction dev set's real news pages when --corpus is given (each host serves 100
// distinct ones), else generated pages. The server runs in a forked child, as in bench_fetch.
// Threading: this process only starts and times children.
//
//   bench_crawl [--corpus DIR] [--hosts 50] [--pages-per-host 100] [--server-threads 2]
//               [--parse-threads 0] [--binary PATH] [--min-ratio 0]
#include "tests/support/archive_query.hpp"
#include "bench/forked_server.hpp"
#include "tests/support/news_site.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using namespace feedkeeper;
using Clock = std::chrono::steady_clock;

struct Settings {
    std::string corpus;
    std::size_t hosts = 50;
    std::size_t pages_per_host = 100;
    std::size_t server_threads = 2;
    std::size_t parse_threads = 0;
    std::size_t max_in_flight = 64;
    std::string synchronous = "full";
    std::string binary = FEEDKEEPER_BINARY_PATH;
    double min_ratio = 0;
};

Settings parse_arguments(int argc, char** argv)
{
    Settings settings;
    std::map<std::string, std::string> values;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (auto equals = argument.find('='); equals != std::string::npos)
            values[argument.substr(0, equals)] = argument.substr(equals + 1);
        else if (i + 1 < argc)
            values[argument] = argv[++i];
    }
    auto number = [&](const char* name, std::size_t& target) {
        if (auto it = values.find(name); it != values.end())
            target = std::strtoull(it->second.c_str(), nullptr, 10);
    };
    number("--hosts", settings.hosts);
    number("--pages-per-host", settings.pages_per_host);
    number("--server-threads", settings.server_threads);
    number("--parse-threads", settings.parse_threads);
    number("--max-in-flight", settings.max_in_flight);
    if (auto it = values.find("--synchronous"); it != values.end())
        settings.synchronous = it->second;
    if (auto it = values.find("--corpus"); it != values.end())
        settings.corpus = it->second;
    if (auto it = values.find("--binary"); it != values.end())
        settings.binary = it->second;
    if (auto it = values.find("--min-ratio"); it != values.end())
        settings.min_ratio = std::strtod(it->second.c_str(), nullptr);
    settings.hosts = std::clamp<std::size_t>(settings.hosts, 1, 250);
    settings.pages_per_host = std::max<std::size_t>(settings.pages_per_host, 1);
    return settings;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The distinct pages, as files (for `extract`) and bytes (for the server).
struct Pages {
    std::vector<std::string> files;
    std::vector<std::string> bodies;
};

Pages load_pages(const Settings& settings, const std::string& scratch)
{
    Pages pages;
    if (!settings.corpus.empty()) {
        std::filesystem::path html = std::filesystem::path(settings.corpus) / "html";
        if (!std::filesystem::is_directory(html))
            html = settings.corpus;
        for (const auto& entry : std::filesystem::directory_iterator(html))
            if (entry.is_regular_file())
                pages.files.push_back(entry.path().string());
        std::sort(pages.files.begin(), pages.files.end());
    } else {
        for (std::size_t i = 0; i < 200; ++i) {
            const std::string file = fmt::format("{}/page-{}.html", scratch, i);
            std::ofstream(file) << testing::news_article_page(static_cast<int>(i % 50) + 1, static_cast<int>(i));
            pages.files.push_back(file);
        }
    }
    for (const std::string& file : pages.files)
        pages.bodies.push_back(read_file(file));
    return pages;
}

// Host h's page i: 100 distinct pages per host, spread differently over the hosts.
std::size_t page_of(std::size_t host, std::size_t index, std::size_t distinct) { return (host * 37 + index) % distinct; }

// The test site: a feed and 100 article pages per host, the pages taken from `pages`.
std::unique_ptr<testing::HttpTestServer> make_server(const Settings& settings, const std::vector<std::string>& addresses, const Pages& pages)
{
    auto server = std::make_unique<testing::HttpTestServer>(
        testing::ServerOptions { .addresses = addresses, .threads = settings.server_threads, .record_requests = false });
    server->fallback([&settings, &pages, port = server->port()](const testing::RecordedRequest& request) {
        const std::size_t host = std::stoul(request.host_address.substr(request.host_address.rfind('.') + 1)) - 2;
        if (request.target == "/feed.xml")
            return testing::TestResponse { .headers = { { "Content-Type", "application/rss+xml" } },
                .body = testing::news_feed(fmt::format("http://{}:{}", request.host_address, port), static_cast<int>(host), 0,
                    static_cast<int>(settings.pages_per_host)) };
        if (request.target.starts_with("/a/")) {
            const std::size_t index = std::stoul(request.target.substr(3));
            return testing::TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } },
                .body = pages.bodies[page_of(host, index, pages.bodies.size())] };
        }
        return testing::TestResponse { .status = 404 };
    });
    return server;
}

struct ChildRun {
    int status = -1;
    double seconds = 0;
    double cpu_seconds = 0;
    long peak_rss_kib = 0;
};

// Runs `arguments` with its output thrown away; wall time, CPU time and peak RSS from wait4.
// Starts every child at once and waits for all; each one's wall time counts from the common start.
std::vector<ChildRun> run_children(std::vector<std::vector<std::string>> commands)
{
    std::vector<pid_t> pids;
    const auto started = Clock::now();
    for (std::vector<std::string>& arguments : commands) {
        std::vector<char*> argv;
        for (std::string& argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0)
            throw std::runtime_error("could not start " + arguments[0]);
        pids.push_back(pid);
    }
    std::vector<ChildRun> runs(pids.size());
    for (std::size_t done = 0; done < pids.size(); ++done) {
        rusage usage {};
        int status = 0;
        const pid_t pid = wait4(-1, &status, 0, &usage);
        const auto which = std::find(pids.begin(), pids.end(), pid);
        if (which == pids.end())
            continue;
        ChildRun& run = runs[static_cast<std::size_t>(which - pids.begin())];
        run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        run.cpu_seconds = bench::cpu_seconds(usage);
        run.peak_rss_kib = usage.ru_maxrss;
        run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return runs;
}

ChildRun run_child(std::vector<std::string> arguments) { return run_children({ std::move(arguments) }).front(); }

} // namespace

int main(int argc, char** argv)
{
    const Settings settings = parse_arguments(argc, argv);
    testing::TemporaryDirectory scratch;
    const Pages pages = load_pages(settings, scratch.path());
    if (pages.bodies.empty()) {
        fmt::print("bench_crawl: no pages in {}\n", settings.corpus);
        return 1;
    }
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < settings.hosts; ++i)
        addresses.push_back(fmt::format("127.0.3.{}", i + 2));
    bench::ForkedServer server([&] { return make_server(settings, addresses, pages); });
    const unsigned short port = server.port();
    const std::size_t total = settings.hosts * settings.pages_per_host;

    std::vector<std::string> feeds;
    for (const std::string& address : addresses)
        feeds.push_back(fmt::format("http://{}:{}/feed.xml", address, port));
    std::ofstream(scratch.file("feeds.opml")) << testing::news_opml(feeds);
    std::ofstream(scratch.file("feedkeeper.toml")) << fmt::format(
        "[politeness]\nmin_delay = \"0s\"\nmax_delay = \"0s\"\nresponse_time_factor = 0.0\nobey_robots = false\n"
        "[fetch]\nallow_private_addresses = true\nmax_in_flight = {}\n[store]\nsynchronous = \"{}\"\n[parse]\nthreads = {}\n",
        settings.max_in_flight, settings.synchronous, settings.parse_threads);
    const std::string db = scratch.file("archive.db");
    const std::vector<std::string> global { settings.binary, "--db", db, "--config", scratch.file("feedkeeper.toml"), "--socket", scratch.file("control.sock"), "-q" };
    auto with = [&global](std::vector<std::string> more) {
        std::vector<std::string> argv = global;
        argv.insert(argv.end(), more.begin(), more.end());
        return argv;
    };
    if (run_child(with({ "import-opml", scratch.file("feeds.opml") })).status != 0) {
        fmt::print("bench_crawl: import-opml failed\n");
        return 1;
    }
    fmt::print("{} pages ({} distinct{}) on {} loopback hosts; crawl: politeness off, synchronous={}, max_in_flight={}, [parse] threads = {}\n", total, pages.bodies.size(),
        settings.corpus.empty() ? ", generated" : " from " + settings.corpus, settings.hosts, settings.synchronous, settings.max_in_flight,
        settings.parse_threads == 0 ? fmt::format("one per core ({})", std::max(1u, std::thread::hardware_concurrency())) : std::to_string(settings.parse_threads));

    // The floor: `extract` over the same page instances, one process, one core; run before and
    // after the crawl, and the faster run counts, so that a slowdown of the shared machine during
    // one of them cannot flatter the ratio.
    std::vector<std::string> extract { settings.binary, "extract", "--jsonl" };
    for (std::size_t host = 0; host < settings.hosts; ++host)
        for (std::size_t index = 0; index < settings.pages_per_host; ++index)
            extract.push_back(pages.files[page_of(host, index, pages.files.size())]);
    const ChildRun floor_before = run_child(extract);

    const ChildRun crawl = run_child(with({ "crawl", "--once" }));
    const std::int64_t stored = testing::query_integer(db, "SELECT count(*) FROM articles");
    server.stop();

    const ChildRun floor_after = run_child(extract);
    const ChildRun& floor = floor_before.cpu_seconds <= floor_after.cpu_seconds ? floor_before : floor_after;
    // The machine's own ceiling: `extract` on every core at once (the pages split among one process
    // per core). On shared hardware two busy cores do less than twice one busy core's work.
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::vector<std::string>> shares(cores, std::vector<std::string>(extract.begin(), extract.begin() + 3));
    for (std::size_t i = 3; i < extract.size(); ++i)
        shares[i % cores].push_back(extract[i]);
    double all_cores_seconds = 0;
    for (const ChildRun& share : run_children(shares))
        all_cores_seconds = std::max(all_cores_seconds, share.seconds);

    const double crawl_rate = double(total) / crawl.seconds;
    const double extract_rate = double(total) / floor.cpu_seconds;
    const double all_cores_rate = double(total) / all_cores_seconds;
    const double ratio = crawl_rate / extract_rate;
    fmt::print("crawl --once: {:.1f} s wall, {:.1f} s CPU, {:.0f} pages/s end to end, peak RSS {:.1f} MiB; {} of {} pages archived (exit {})\n",
        crawl.seconds, crawl.cpu_seconds, crawl_rate, crawl.peak_rss_kib / 1024.0, stored, total, crawl.status);
    fmt::print("the test server (a forked child on the same cores): {:.1f} s CPU\n", server.cpu_seconds());
    fmt::print("extract (one core): {:.1f} s CPU, {:.0f} pages per CPU second (the faster of {:.1f} s before the crawl and {:.1f} s after it)\n",
        floor.cpu_seconds, extract_rate, floor_before.cpu_seconds, floor_after.cpu_seconds);
    fmt::print("extract ({} processes at once, one per core): {:.1f} s wall, {:.0f} pages/s = {:.2f} x the one-core rate (the machine's ceiling)\n",
        cores, all_cores_seconds, all_cores_rate, all_cores_rate / extract_rate);
    fmt::print("ratio: {:.2f} x the one-core extraction rate; {:.2f} of the all-core extraction rate\n", ratio, crawl_rate / all_cores_rate);
    const bool ok = crawl.status == 0 && stored == static_cast<std::int64_t>(total) && ratio >= settings.min_ratio;
    if (!ok)
        fmt::print("FAILED: {}\n", crawl.status != 0 ? "the crawl failed" : stored != static_cast<std::int64_t>(total) ? "pages missing" : "ratio below --min-ratio");
    return ok ? 0 : 1;
}

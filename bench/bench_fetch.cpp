// bench/bench_fetch.cpp — Fetcher throughput next to `curl --parallel` on the same URL list, in
// the same run, against one local server spread over many loopback addresses (127.0.0.x).
// Threading: the server runs in a forked child (so getrusage() measures only our client); our
// client runs on this process's one io_context thread; curl runs as a child process.
//
//   bench_fetch [--hosts 50] [--pages-per-host 100] [--page-bytes 8192] [--concurrency 100]
//               [--server-threads 2] [--rounds 3] [--curl curl] [--min-ratio 0]
#include "fetch/fetcher.hpp"
#include "bench/forked_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace asio = boost::asio;
using namespace feedkeeper;
using Clock = std::chrono::steady_clock;

struct Settings {
    std::size_t hosts = 50;
    std::size_t pages_per_host = 100;
    std::size_t page_bytes = 8192;
    std::size_t concurrency = 100;
    std::size_t server_threads = 2;
    std::size_t rounds = 3;
    std::string curl = "curl";
    double min_ratio = 0;
};

Settings parse_arguments(int argc, char** argv)
{
    Settings settings;
    std::map<std::string, std::string> values;
    for (int i = 1; i + 1 < argc; i += 2)
        values[argv[i]] = argv[i + 1];
    auto number = [&](const char* name, std::size_t& target) {
        if (auto it = values.find(name); it != values.end())
            target = std::max<std::size_t>(1, std::strtoull(it->second.c_str(), nullptr, 10));
    };
    number("--hosts", settings.hosts);
    number("--pages-per-host", settings.pages_per_host);
    number("--page-bytes", settings.page_bytes);
    number("--concurrency", settings.concurrency);
    number("--server-threads", settings.server_threads);
    number("--rounds", settings.rounds);
    if (auto it = values.find("--curl"); it != values.end())
        settings.curl = it->second;
    if (auto it = values.find("--min-ratio"); it != values.end())
        settings.min_ratio = std::strtod(it->second.c_str(), nullptr);
    settings.hosts = std::min<std::size_t>(settings.hosts, 250);
    return settings;
}


struct RoundResult {
    double seconds = 0;
    double cpu_seconds = 0; // user + system: less sensitive than wall time to a busy machine
    std::size_t ok = 0;
    long peak_rss_kib = 0;
};

RoundResult run_curl(const Settings& settings, const std::vector<std::string>& urls, const std::string& config_path)
{
    {
        std::ofstream config(config_path);
        for (const std::string& url : urls)
            config << "url = \"" << url << "\"\noutput = \"/dev/null\"\n";
    }
    const std::string codes_path = config_path + ".codes";
    const std::string parallel_max = std::to_string(std::min<std::size_t>(settings.concurrency, 300));
    std::vector<std::string> arguments { settings.curl, "--silent", "--no-progress-meter", "--parallel", "--parallel-immediate", "--parallel-max", parallel_max,
        "--write-out", "%{http_code}\\n", "--config", config_path };
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, codes_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    RoundResult result;
    const auto started = Clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("could not start " + settings.curl);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage {};
    wait4(pid, &status, 0, &usage);
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result.cpu_seconds = bench::cpu_seconds(usage);
    result.peak_rss_kib = usage.ru_maxrss;
    std::ifstream codes(codes_path);
    for (std::string line; std::getline(codes, line);)
        result.ok += line == "200";
    return result;
}

RoundResult run_fetcher(const Settings& settings, const std::vector<std::string>& urls)
{
    asio::io_context io;
    fetch::CurlMulti multi(io.get_executor());
    fetch::FetcherOptions options; // politeness opened up for the benchmark; the mechanism still runs
    options.politeness.defaults.min_delay = std::chrono::milliseconds(0);
    options.politeness.defaults.max_delay = std::chrono::milliseconds(0);
    options.politeness.defaults.response_time_factor = 0;
    options.politeness.defaults.connections = (settings.concurrency + settings.hosts - 1) / settings.hosts;
    options.politeness.defaults.obey_robots = false;
    options.politeness.connections_per_domain = options.politeness.defaults.connections;
    fetch::Fetcher fetcher(multi, options);

    RoundResult result;
    std::size_t next = 0;
    auto worker = [&]() -> asio::awaitable<void> {
        while (next < urls.size()) {
            fetch::FetchRequest request;
            request.url = urls[next++];
            request.address_policy = fetch::AddressPolicy::allow_private;
            auto response = co_await fetcher.fetch(std::move(request), fetch::FetchPurpose::feed);
            result.ok += response && response->status == 200 && response->body.size() == settings.page_bytes;
        }
    };
    rusage before {};
    getrusage(RUSAGE_SELF, &before);
    const auto started = Clock::now();
    for (std::size_t i = 0; i < std::min(settings.concurrency, urls.size()); ++i)
        asio::co_spawn(io, worker(), asio::detached);
    io.run();
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    result.cpu_seconds = bench::cpu_seconds(usage) - bench::cpu_seconds(before);
    result.peak_rss_kib = usage.ru_maxrss;
    return result;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    const Settings settings = parse_arguments(argc, argv);
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < settings.hosts; ++i)
        addresses.push_back(fmt::format("127.0.0.{}", i + 2));
    // Before any thread exists: every request gets the same page of `page_bytes`.
    bench::ForkedServer server([&] {
        auto made = std::make_unique<testing::HttpTestServer>(
            testing::ServerOptions { .addresses = addresses, .threads = settings.server_threads, .record_requests = false });
        made->fallback([page = std::string(settings.page_bytes, 'x')](const testing::RecordedRequest&) {
            return testing::TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } }, .body = page };
        });
        return made;
    });
    const unsigned short port = server.port();

    fetch::CurlGlobal curl_global;
    std::vector<std::string> urls; // page-major: consecutive URLs go to different hosts
    for (std::size_t page = 0; page < settings.pages_per_host; ++page)
        for (const std::string& address : addresses)
            urls.push_back(fmt::format("http://{}:{}/page/{}", address, port, page));
    const std::string config_path = fmt::format("/tmp/bench_fetch_{}.curlrc", getpid());

    fmt::print("{} pages of {} bytes over {} loopback hosts, concurrency {}, server threads {}, {} rounds\n", urls.size(), settings.page_bytes,
        settings.hosts, settings.concurrency, settings.server_threads, settings.rounds);
    fmt::print("{:>6} {:>14} {:>6} {:>7} {:>7}   {:>14} {:>6} {:>7} {:>7}\n", "round", "feedkeeper p/s", "ok", "wall s", "cpu s", "curl p/s", "ok",
        "wall s", "cpu s");
    std::vector<double> ours, theirs, our_cpu, their_cpu;
    long curl_peak_rss = 0;
    bool all_ok = true;
    for (std::size_t round = 1; round <= settings.rounds; ++round) {
        // Alternate who goes first so neither always meets a warmer server.
        RoundResult curl_result, our_result;
        if (round % 2) {
            curl_result = run_curl(settings, urls, config_path);
            our_result = run_fetcher(settings, urls);
        } else {
            our_result = run_fetcher(settings, urls);
            curl_result = run_curl(settings, urls, config_path);
        }
        ours.push_back(double(urls.size()) / our_result.seconds);
        theirs.push_back(double(urls.size()) / curl_result.seconds);
        our_cpu.push_back(our_result.cpu_seconds);
        their_cpu.push_back(curl_result.cpu_seconds);
        curl_peak_rss = std::max(curl_peak_rss, curl_result.peak_rss_kib);
        all_ok = all_ok && our_result.ok == urls.size() && curl_result.ok == urls.size();
        fmt::print("{:>6} {:>14.0f} {:>6} {:>7.2f} {:>7.2f}   {:>14.0f} {:>6} {:>7.2f} {:>7.2f}\n", round, ours.back(), our_result.ok, our_result.seconds,
            our_result.cpu_seconds, theirs.back(), curl_result.ok, curl_result.seconds, curl_result.cpu_seconds);
    }
    std::remove(config_path.c_str());
    std::remove((config_path + ".codes").c_str());
    server.stop();

    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const double ratio = median(ours) / median(theirs);
    fmt::print("median: feedkeeper {:.0f} pages/s, curl --parallel {:.0f} pages/s, ratio {:.2f}\n", median(ours), median(theirs), ratio);
    fmt::print("median client CPU: feedkeeper {:.2f} s, curl {:.2f} s per {} pages\n", median(our_cpu), median(their_cpu), urls.size());
    fmt::print("peak RSS: feedkeeper {:.1f} MiB (whole bench process, server excluded), curl {:.1f} MiB\n", usage.ru_maxrss / 1024.0, curl_peak_rss / 1024.0);
    if (!all_ok)
        fmt::print("FAILED: not every page came back with status 200 and its full body\n");
    return all_ok && ratio >= settings.min_ratio ? 0 : 1;
}

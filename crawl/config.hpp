// crawl/config.hpp — every setting and its default in one place; loaded from one TOML file.
// Threading: plain values; loaded on the main thread, swapped whole on reload.
#pragma once

#include "core/error.hpp"
#include "core/http.hpp"
#include "fetch/fetcher.hpp"
#include "store/archive.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::crawl {

// One parse thread per core (std::thread::hardware_concurrency), at least one.
std::size_t default_parse_threads();

struct FeedConfig {
    std::string url;
    std::string name;
    std::optional<std::chrono::seconds> interval; // fixed poll interval; none: adaptive
    HttpHeaders headers;                           // extra request headers
    std::string cookies;                           // e.g. a consent cookie
};

struct ScheduleConfig {
    std::chrono::seconds default_interval { 3600 }; // first polls, before the feed's rhythm is known
    std::chrono::seconds min_interval { 600 };
    std::chrono::seconds max_interval { 86400 };
    double jitter = 0.1;                            // +/- share of each interval
    std::chrono::seconds max_backoff { 6 * 3600 };  // failing feeds are still retried this often
    // After an article is first stored it is re-checked at these ages to catch revisions.
    std::vector<std::chrono::seconds> recheck_ages { std::chrono::hours(1), std::chrono::hours(6), std::chrono::hours(24), std::chrono::hours(72), std::chrono::hours(168) };
    std::size_t article_attempts = 5;               // before an article job is marked failed
};

struct FetchConfig {
    std::string user_agent;                         // default: feedkeeper/VERSION (+contact URL)
    std::string proxy;                              // every request through it; empty: direct
    bool proxy_from_environment = false;            // honour http_proxy & co. instead (the guard then stands aside)
    bool allow_private_addresses = false;           // any link or redirect may reach loopback/private hosts
    fetch::FetchLimits limits;
    std::size_t max_in_flight = 32;                 // concurrent transfers overall
};

struct DaemonConfig {
    std::string socket_path;
    std::string metrics_listen;                     // "127.0.0.1:9464"; empty: off
    std::chrono::seconds shutdown_grace { 4 };
    // How long the CLI waits for each line from the daemon (it sends one every 5 s while it works).
    std::chrono::seconds control_timeout { 60 };
};

// The read-only web view (daemon/web/): off unless `listen` is set.
struct WebConfig {
    std::string listen;                             // "127.0.0.1:8080"; empty: the daemon serves no view
    std::string token;                              // required by every request when set; needed off loopback
};

struct Config {
    std::string source;                             // file it came from; "" for built-in defaults
    std::string store_path;
    store::ArchiveOptions store;
    // [store] keep_captures: the retention policy `feedkeeper prune` applies — raw capture bodies
    // older than this are dropped (articles, revisions and capture metadata are kept). None: keep all.
    std::optional<std::chrono::seconds> keep_captures;
    FetchConfig fetch;
    fetch::PolitenessOptions politeness;
    ScheduleConfig schedule;
    DaemonConfig daemon;
    WebConfig web;
    std::vector<FeedConfig> feeds;
    // Threads for feed parsing and extraction; 0 in the file (the default): one per core.
    std::size_t parse_threads = default_parse_threads();
};

// Reads and validates `path`. Errors name the file, line and key.
Result<Config> load_config(const std::string& path);
Config default_config();

} // namespace feedkeeper::crawl

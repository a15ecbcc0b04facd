// crawl/config.cpp — TOML (toml++) to Config, strictly: unknown keys and wrong types are errors
// that name the file, line and key. Threading: main thread (and the reload path, same thread).
#include "crawl/config.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "core/url.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sys/stat.h>
#include <thread>

namespace feedkeeper::crawl {

// A configuration is a few kilobytes; this only keeps a wrong --config from being read whole.
// The control protocol's keepalive_interval (daemon/control_protocol.hpp; crawl/ cannot include daemon/).
constexpr std::chrono::seconds keepalive_seconds { 5 };

constexpr off_t max_config_bytes = 4 * 1024 * 1024;

std::size_t default_parse_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

namespace {

class Reader {
public:
    Reader(std::string file) : m_file(std::move(file)) { }

    [[noreturn]] void fail(const toml::node& node, std::string_view key, std::string_view what) const
    {
        throw Error(Errc::invalid_argument, fmt::format("{} (file {}, line {}, key {})", what, m_file, node.source().begin.line, key));
    }

    // Every key of `table` must be one of `known`.
    void check_keys(const toml::table& table, std::string_view prefix, std::initializer_list<std::string_view> known) const
    {
        const std::set<std::string_view> allowed(known);
        for (const auto& [key, node] : table)
            if (!allowed.contains(key.str()))
                fail(node, fmt::format("{}{}", prefix, key.str()), "unknown setting");
    }

    std::string text(const toml::table& table, std::string_view prefix, std::string_view key, std::string fallback) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        if (!node->is_string())
            fail(*node, fmt::format("{}{}", prefix, key), "expected a string");
        return std::string(node->as_string()->get());
    }

    bool boolean(const toml::table& table, std::string_view prefix, std::string_view key, bool fallback) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        if (!node->is_boolean())
            fail(*node, fmt::format("{}{}", prefix, key), "expected true or false");
        return node->as_boolean()->get();
    }

    std::int64_t integer(const toml::table& table, std::string_view prefix, std::string_view key, std::int64_t fallback, std::int64_t low, std::int64_t high) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        if (!node->is_integer())
            fail(*node, fmt::format("{}{}", prefix, key), "expected an integer");
        const std::int64_t value = node->as_integer()->get();
        if (value < low || value > high)
            fail(*node, fmt::format("{}{}", prefix, key), fmt::format("must be between {} and {}", low, high));
        return value;
    }

    double number(const toml::table& table, std::string_view prefix, std::string_view key, double fallback, double low, double high) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        double value = 0;
        if (node->is_floating_point())
            value = node->as_floating_point()->get();
        else if (node->is_integer())
            value = static_cast<double>(node->as_integer()->get());
        else
            fail(*node, fmt::format("{}{}", prefix, key), "expected a number");
        if (value < low || value > high)
            fail(*node, fmt::format("{}{}", prefix, key), fmt::format("must be between {} and {}", low, high));
        return value;
    }

    std::chrono::seconds duration(const toml::node& node, std::string_view key) const
    {
        if (node.is_integer() && node.as_integer()->get() >= 0)
            return std::chrono::seconds(node.as_integer()->get());
        if (node.is_string())
            if (auto parsed = parse_duration(node.as_string()->get()))
                return *parsed;
        fail(node, key, "expected a duration such as \"90s\", \"15m\", \"2h\" or \"1d\"");
    }

    std::chrono::seconds duration(const toml::table& table, std::string_view prefix, std::string_view key, std::chrono::seconds fallback) const
    {
        const toml::node* node = table.get(key);
        return node ? duration(*node, fmt::format("{}{}", prefix, key)) : fallback;
    }

    std::chrono::milliseconds milliseconds(const toml::table& table, std::string_view prefix, std::string_view key, std::chrono::milliseconds fallback) const
    {
        const toml::node* node = table.get(key);
        if (!node)
            return fallback;
        if (node->is_floating_point() && node->as_floating_point()->get() >= 0) // seconds with a fraction
            return std::chrono::milliseconds(static_cast<long long>(node->as_floating_point()->get() * 1000));
        if (node->is_string()) { // "250ms", "1.5s", or any whole duration
            const std::string value(node->as_string()->get());
            char* end = nullptr;
            const double number = std::strtod(value.c_str(), &end);
            const std::string unit = end ? std::string(end) : std::string();
            if (end != value.c_str() && number >= 0 && (unit == "ms" || unit == "s"))
                return std::chrono::milliseconds(static_cast<long long>(unit == "ms" ? number : number * 1000));
        }
        return duration(*node, fmt::format("{}{}", prefix, key));
    }

    const toml::table* table(const toml::table& parent, std::string_view key) const
    {
        const toml::node* node = parent.get(key);
        if (!node)
            return nullptr;
        if (!node->is_table())
            fail(*node, key, "expected a table");
        return node->as_table();
    }

    HttpHeaders headers(const toml::table& table, std::string_view prefix) const
    {
        HttpHeaders out;
        const toml::node* node = table.get("headers");
        if (!node)
            return out;
        if (!node->is_table())
            fail(*node, fmt::format("{}headers", prefix), "expected a table of header names to values");
        for (const auto& [name, value] : *node->as_table()) {
            const std::string key = fmt::format("{}headers.{}", prefix, name.str());
            if (!value.is_string())
                fail(value, key, "expected a string");
            // A CR or LF would end the header line and start another on the wire (header injection).
            if (name.str().empty() || has_line_break_or_nul(name.str()) || name.str().find(':') != std::string_view::npos)
                fail(value, key, "a header name must be one line without ':'");
            if (has_line_break_or_nul(value.as_string()->get()))
                fail(value, key, "a header value must be one line (no CR, LF or NUL)");
            out.push_back({ std::string(name.str()), std::string(value.as_string()->get()) });
        }
        return out;
    }

private:
    std::string m_file;
};

fetch::HostPolicy read_host_policy(const Reader& reader, const toml::table& table, std::string_view prefix, const fetch::HostPolicy& base)
{
    fetch::HostPolicy policy = base;
    policy.min_delay = reader.milliseconds(table, prefix, "min_delay", base.min_delay);
    policy.max_delay = reader.milliseconds(table, prefix, "max_delay", base.max_delay);
    policy.response_time_factor = reader.number(table, prefix, "response_time_factor", base.response_time_factor, 0, 100);
    policy.connections = static_cast<std::size_t>(reader.integer(table, prefix, "connections", static_cast<std::int64_t>(base.connections), 1, 64));
    policy.obey_robots = reader.boolean(table, prefix, "obey_robots", base.obey_robots);
    return policy;
}

void read_config(const Reader& reader, const toml::table& root, Config& config)
{
    reader.check_keys(root, "", { "store", "fetch", "politeness", "schedule", "daemon", "web", "feed", "parse" });
    if (const auto* store = reader.table(root, "store")) {
        reader.check_keys(*store, "store.", { "path", "url", "synchronous", "busy_timeout", "keep_captures", "max_bytes" });
        config.store_path = reader.text(*store, "store.", "path", config.store_path);
        // url: "postgresql://..." (or "postgres://") for an archive in PostgreSQL, "sqlite:PATH" or
        // a plain path for a file; the same place as `path`, so not both.
        if (const toml::node* url = store->get("url")) {
            if (store->get("path"))
                reader.fail(*url, "store.url", "names the archive as store.path does; give one of them");
            config.store_path = store::archive_location(reader.text(*store, "store.", "url", ""));
            if (config.store_path.empty())
                reader.fail(*url, "store.url", "must be \"postgresql://...\", \"sqlite:PATH\" or a path");
        }
        const std::string synchronous = reader.text(*store, "store.", "synchronous", "full");
        if (synchronous != "full" && synchronous != "normal")
            reader.fail(*store->get("synchronous"), "store.synchronous", "must be \"full\" or \"normal\"");
        config.store.synchronous = synchronous == "full" ? store::Synchronous::full : store::Synchronous::normal;
        config.store.busy_timeout = reader.milliseconds(*store, "store.", "busy_timeout", config.store.busy_timeout);
        if (const std::int64_t max_bytes = reader.integer(*store, "store.", "max_bytes", 0, 0, std::numeric_limits<std::int64_t>::max()); max_bytes > 0) {
            if (max_bytes < 1 << 20)
                reader.fail(*store->get("max_bytes"), "store.max_bytes", "must be 0 (no cap) or at least 1048576 (1 MiB)");
            config.store.max_bytes = max_bytes;
        }
        if (const toml::node* keep = store->get("keep_captures")) {
            config.keep_captures = reader.duration(*keep, "store.keep_captures");
            if (config.keep_captures->count() < 86400)
                reader.fail(*keep, "store.keep_captures", "must be at least \"1d\" (raw captures are what reextract works from)");
        }
    }
    if (const auto* fetch = reader.table(root, "fetch")) {
        reader.check_keys(*fetch, "fetch.", { "user_agent", "proxy", "proxy_from_environment", "allow_private_addresses", "connect_timeout", "total_timeout",
            "low_speed_limit", "low_speed_time", "max_redirects", "max_body_bytes", "max_header_bytes", "max_in_flight" });
        auto& f = config.fetch;
        f.user_agent = reader.text(*fetch, "fetch.", "user_agent", f.user_agent);
        f.proxy = reader.text(*fetch, "fetch.", "proxy", f.proxy);
        f.proxy_from_environment = reader.boolean(*fetch, "fetch.", "proxy_from_environment", f.proxy_from_environment);
        if (f.proxy_from_environment && !f.proxy.empty())
            reader.fail(*fetch->get("proxy_from_environment"), "fetch.proxy_from_environment", "conflicts with fetch.proxy: set one of them");
        f.allow_private_addresses = reader.boolean(*fetch, "fetch.", "allow_private_addresses", f.allow_private_addresses);
        f.limits.connect_timeout = reader.milliseconds(*fetch, "fetch.", "connect_timeout", f.limits.connect_timeout);
        f.limits.total_timeout = reader.milliseconds(*fetch, "fetch.", "total_timeout", f.limits.total_timeout);
        // Zero would read as "no limit" to libcurl and as "already over" to a redirect chain: neither is a timeout.
        for (auto [key, value] : { std::pair { "connect_timeout", f.limits.connect_timeout }, std::pair { "total_timeout", f.limits.total_timeout } })
            if (value < std::chrono::seconds(1))
                reader.fail(*fetch->get(key), std::string("fetch.") + key, "must be at least 1s");
        f.limits.low_speed_bytes_per_second = reader.integer(*fetch, "fetch.", "low_speed_limit", f.limits.low_speed_bytes_per_second, 0, 1 << 30);
        f.limits.low_speed_time = reader.duration(*fetch, "fetch.", "low_speed_time", f.limits.low_speed_time);
        f.limits.max_redirects = reader.integer(*fetch, "fetch.", "max_redirects", f.limits.max_redirects, 0, 20);
        f.limits.max_body_bytes = static_cast<std::size_t>(reader.integer(*fetch, "fetch.", "max_body_bytes", static_cast<std::int64_t>(f.limits.max_body_bytes), 1024, std::int64_t(1) << 32));
        f.limits.max_header_bytes = static_cast<std::size_t>(reader.integer(*fetch, "fetch.", "max_header_bytes", static_cast<std::int64_t>(f.limits.max_header_bytes), 1024, 1 << 24));
        f.max_in_flight = static_cast<std::size_t>(reader.integer(*fetch, "fetch.", "max_in_flight", static_cast<std::int64_t>(f.max_in_flight), 1, 4096));
    }
    if (const auto* politeness = reader.table(root, "politeness")) {
        reader.check_keys(*politeness, "politeness.", { "min_delay", "max_delay", "response_time_factor", "connections", "obey_robots", "connections_per_domain", "host" });
        config.politeness.defaults = read_host_policy(reader, *politeness, "politeness.", config.politeness.defaults);
        config.politeness.connections_per_domain = static_cast<std::size_t>(reader.integer(*politeness, "politeness.", "connections_per_domain", static_cast<std::int64_t>(config.politeness.connections_per_domain), 1, 1024));
        if (const toml::node* hosts = politeness->get("host")) {
            if (!hosts->is_array_of_tables())
                reader.fail(*hosts, "politeness.host", "expected [[politeness.host]] tables");
            for (const toml::node& node : *hosts->as_array()) {
                const auto& host = *node.as_table();
                reader.check_keys(host, "politeness.host.", { "host", "min_delay", "max_delay", "response_time_factor", "connections", "obey_robots" });
                const std::string name = ascii_lower(reader.text(host, "politeness.host.", "host", ""));
                if (name.empty())
                    reader.fail(node, "politeness.host.host", "each [[politeness.host]] needs a host");
                config.politeness.hosts[name] = read_host_policy(reader, host, "politeness.host.", config.politeness.defaults);
            }
        }
    }
    if (const auto* schedule = reader.table(root, "schedule")) {
        reader.check_keys(*schedule, "schedule.", { "default_interval", "min_interval", "max_interval", "jitter", "max_backoff", "recheck_ages", "article_attempts" });
        auto& s = config.schedule;
        s.default_interval = reader.duration(*schedule, "schedule.", "default_interval", s.default_interval);
        s.min_interval = reader.duration(*schedule, "schedule.", "min_interval", s.min_interval);
        s.max_interval = reader.duration(*schedule, "schedule.", "max_interval", s.max_interval);
        s.jitter = reader.number(*schedule, "schedule.", "jitter", s.jitter, 0, 0.5);
        s.max_backoff = reader.duration(*schedule, "schedule.", "max_backoff", s.max_backoff);
        s.article_attempts = static_cast<std::size_t>(reader.integer(*schedule, "schedule.", "article_attempts", static_cast<std::int64_t>(s.article_attempts), 1, 100));
        if (const toml::node* ages = schedule->get("recheck_ages")) {
            if (!ages->is_array())
                reader.fail(*ages, "schedule.recheck_ages", "expected an array of durations");
            s.recheck_ages.clear();
            for (const toml::node& age : *ages->as_array())
                s.recheck_ages.push_back(reader.duration(age, "schedule.recheck_ages"));
        }
        // Each message points at the line of the key that is set (else the [schedule] table's).
        const auto at = [&](std::initializer_list<std::string_view> keys) -> const toml::node& {
            for (std::string_view key : keys)
                if (const toml::node* node = schedule->get(key))
                    return *node;
            return *schedule;
        };
        if (s.min_interval > s.max_interval)
            reader.fail(at({ "min_interval", "max_interval" }), "schedule.min_interval", fmt::format("({}) is larger than schedule.max_interval ({})",
                format_duration(s.min_interval), format_duration(s.max_interval)));
        // Floors that keep a typo ("6" meaning 6 s) from turning the daemon into a hammer.
        if (s.min_interval < std::chrono::seconds(60))
            reader.fail(at({ "min_interval" }), "schedule.min_interval", "must be at least 60s");
        if (s.max_backoff < std::chrono::seconds(60))
            reader.fail(at({ "max_backoff" }), "schedule.max_backoff", "must be at least 60s");
        if (s.default_interval < s.min_interval)
            reader.fail(at({ "default_interval", "min_interval" }), "schedule.default_interval", "is smaller than schedule.min_interval");
        std::sort(s.recheck_ages.begin(), s.recheck_ages.end());
    }
    if (const auto* daemon = reader.table(root, "daemon")) {
        reader.check_keys(*daemon, "daemon.", { "socket", "metrics_listen", "shutdown_grace", "control_timeout" });
        config.daemon.socket_path = reader.text(*daemon, "daemon.", "socket", config.daemon.socket_path);
        config.daemon.metrics_listen = reader.text(*daemon, "daemon.", "metrics_listen", config.daemon.metrics_listen);
        config.daemon.shutdown_grace = reader.duration(*daemon, "daemon.", "shutdown_grace", config.daemon.shutdown_grace);
        config.daemon.control_timeout = reader.duration(*daemon, "daemon.", "control_timeout", config.daemon.control_timeout);
        if (config.daemon.control_timeout < 2 * keepalive_seconds)
            reader.fail(*daemon->get("control_timeout"), "daemon.control_timeout", fmt::format("must be at least {}s (the daemon sends a line every {}s)", 2 * keepalive_seconds.count(), keepalive_seconds.count()));
    }
    if (const auto* web = reader.table(root, "web")) {
        reader.check_keys(*web, "web.", { "listen", "token" });
        config.web.listen = reader.text(*web, "web.", "listen", config.web.listen);
        config.web.token = reader.text(*web, "web.", "token", config.web.token);
        if (has_line_break_or_nul(config.web.token))
            reader.fail(*web->get("token"), "web.token", "must be one line (no CR, LF or NUL)");
    }
    if (const auto* parse = reader.table(root, "parse")) {
        reader.check_keys(*parse, "parse.", { "threads" });
        const auto threads = reader.integer(*parse, "parse.", "threads", 0, 0, 64);
        config.parse_threads = threads == 0 ? default_parse_threads() : static_cast<std::size_t>(threads);
    }
    if (const toml::node* feeds = root.get("feed")) {
        if (!feeds->is_array_of_tables())
            reader.fail(*feeds, "feed", "expected [[feed]] tables");
        for (const toml::node& node : *feeds->as_array()) {
            const auto& table = *node.as_table();
            reader.check_keys(table, "feed.", { "url", "name", "interval", "headers", "cookies" });
            FeedConfig feed;
            feed.url = reader.text(table, "feed.", "url", "");
            if (!is_http_url(feed.url))
                reader.fail(node, "feed.url", "each [[feed]] needs an http(s) url");
            feed.name = reader.text(table, "feed.", "name", "");
            if (table.get("interval")) {
                feed.interval = reader.duration(table, "feed.", "interval", {});
                if (*feed.interval < std::chrono::seconds(60))
                    reader.fail(*table.get("interval"), "feed.interval", "must be at least 60s");
            }
            feed.headers = reader.headers(table, "feed.");
            feed.cookies = reader.text(table, "feed.", "cookies", "");
            if (has_line_break_or_nul(feed.cookies))
                reader.fail(*table.get("cookies"), "feed.cookies", "must be one line (no CR, LF or NUL)");
            config.feeds.push_back(std::move(feed));
        }
    }
}

} // namespace

Config default_config() { return Config {}; }

namespace {

// The file's bytes, from a regular file only: a directory or a device read as an empty file would
// silently mean "all defaults, no feeds".
Result<std::string> read_config_file(const std::string& path)
{
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0)
        return Error(errno == ENOENT ? Errc::not_found : Errc::invalid_argument,
            fmt::format("cannot read the configuration: {} (file {})", std::strerror(errno), path));
    if (!S_ISREG(status.st_mode))
        return Error(Errc::invalid_argument, fmt::format("the configuration must be a regular file, not {} (file {})",
            S_ISDIR(status.st_mode) ? "a directory" : "a device, socket or pipe", path));
    if (status.st_size > max_config_bytes)
        return Error(Errc::invalid_argument, fmt::format("the configuration is larger than {} bytes (file {})", max_config_bytes, path));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error(Errc::invalid_argument, fmt::format("cannot read the configuration: {} (file {})", std::strerror(errno), path));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return Error(Errc::invalid_argument, fmt::format("cannot read the configuration (file {})", path));
    return text;
}

} // namespace

Result<Config> load_config(const std::string& path)
{
    Config config = default_config();
    config.source = path;
    auto text = read_config_file(path);
    if (!text)
        return text.error();
    try {
        const toml::table root = toml::parse(*text, path);
        read_config(Reader(path), root, config);
    } catch (const toml::parse_error& error) {
        return Error(Errc::parse, fmt::format("{} (file {}, line {})", error.description(), path, error.source().begin.line));
    } catch (const Error& error) {
        return error;
    }
    return config;
}

} // namespace feedkeeper::crawl

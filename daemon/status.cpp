// daemon/status.cpp — feeds' health, queue and archive size for people (aligned text) and
// machines (JSON). Threading: the archive's thread.
#include "daemon/status.hpp"

#include "daemon/json_output.hpp"
#include "daemon/table.hpp"

#include <fmt/format.h>

namespace feedkeeper::daemon {
namespace {

std::string health_sentence(const store::FeedRecord& feed)
{
    switch (feed.health) {
    case store::FeedHealth::ok: return "ok";
    case store::FeedHealth::backing_off: return fmt::format("backing off until {}", format_rfc3339(feed.next_fetch));
    case store::FeedHealth::failing: return fmt::format("failing since {}", format_rfc3339(feed.failing_since));
    case store::FeedHealth::retired: return "retired";
    }
    return "ok";
}

nlohmann::ordered_json daemon_json(const std::optional<DaemonInfo>& info)
{
    if (!info)
        return nullptr;
    return { { "pid", info->pid }, { "started", format_rfc3339(info->started) }, { "in_flight", info->in_flight },
        { "last_crawl", json_time(info->last_crawl) }, { "errors", info->errors }, { "next_due", json_time(info->next_due) } };
}

} // namespace

Result<std::string> render_status(store::Archive& archive, const std::string& db_path, const std::optional<DaemonInfo>& daemon, bool json)
{
    auto stats = archive.stats();
    if (!stats)
        return stats.error();
    auto feeds = archive.list_feeds();
    if (!feeds)
        return feeds.error();
    if (json) {
        nlohmann::ordered_json feed_array = nlohmann::ordered_json::array();
        for (const auto& feed : *feeds) {
            auto entry = feed_json(feed);
            entry["health_detail"] = health_sentence(feed);
            feed_array.push_back(std::move(entry));
        }
        const nlohmann::ordered_json status {
            { "daemon", daemon_json(daemon) },
            { "database", db_path },
            { "database_bytes", stats->database_bytes },
            { "feeds", feed_array },
            { "articles", stats->articles },
            { "revisions", stats->revisions },
            { "captures", stats->captures },
            { "queue", { { "pending", stats->pending_jobs }, { "failed", stats->failed_jobs } } },
        };
        return dump_json(status, JsonStyle::pretty) + "\n";
    }
    std::string out = fmt::format("archive {} ({:.1f} MiB): {} articles, {} revisions, {} captures; queue: {} pending, {} failed\n", db_path,
        static_cast<double>(stats->database_bytes) / (1024.0 * 1024.0), stats->articles, stats->revisions, stats->captures, stats->pending_jobs,
        stats->failed_jobs);
    if (daemon)
        out += fmt::format("daemon: running (pid {}, since {}), {} transfers in flight, last crawl {}, {} errors since start\n", daemon->pid,
            format_rfc3339(daemon->started), daemon->in_flight, daemon->last_crawl ? format_rfc3339(*daemon->last_crawl) : "never", daemon->errors);
    else
        out += "daemon: not running\n";
    out += "\n";
    Table table({ "ID", "HEALTH", "ARTICLES", "LAST FETCH", "NEXT FETCH", "LAST ERROR", "URL" });
    for (const auto& feed : *feeds)
        table.add({ std::to_string(feed.id), health_sentence(feed), std::to_string(feed.articles), format_rfc3339(feed.last_fetch),
            feed.health == store::FeedHealth::retired ? "-" : format_rfc3339(feed.next_fetch), feed.health == store::FeedHealth::ok ? "" : feed.last_error,
            feed.url });
    return out + table.render();
}

} // namespace feedkeeper::daemon

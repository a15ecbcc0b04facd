// daemon/status.cpp — feeds' health, queue and archive size for people (aligned text) and
// machines (JSON). Threading: the archive's thread.
#include "daemon/status.hpp"

#include "daemon/json_output.hpp"
#include "daemon/table.hpp"
#include "core/process.hpp"
#include "store/backfills.hpp"

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
    return { { "pid", info->pid }, { "started", format_rfc3339(info->started) }, { "in_flight", info->in_flight }, { "queued", info->queued },
        { "running", info->running }, { "hosts", info->hosts },
        { "last_crawl", json_time(info->last_crawl) }, { "errors", info->errors }, { "next_due", json_time(info->next_due) } };
}

// Hosts that may not be asked yet: paused (Retry-After, failing transfers) or with jobs backing off.
nlohmann::ordered_json hosts_json(const std::vector<store::HostBacklog>& hosts)
{
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const store::HostBacklog& host : hosts)
        array.push_back({ { "host", host.host }, { "state", host.paused_until ? "paused" : "backing_off" }, { "paused_until", json_time(host.paused_until) },
            { "reason", host.paused_until ? nlohmann::ordered_json(host.pause_reason) : nlohmann::ordered_json(nullptr) },
            { "deferred_articles", host.deferred_jobs }, { "next_attempt", json_time(host.next_attempt) } });
    return array;
}

// The processes taking work: one daemon on SQLite, the nodes when several share PostgreSQL.
nlohmann::ordered_json nodes_json(const std::vector<store::WorkerRecord>& workers)
{
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const store::WorkerRecord& worker : workers)
        array.push_back({ { "role", worker.role }, { "pid", token_pid(worker.token) }, { "token", worker.token },
            { "started_at", json_time(worker.started_at) }, { "heartbeat_at", json_time(worker.heartbeat_at) }, { "leased_jobs", worker.jobs },
            { "owned_hosts", worker.hosts } });
    return array;
}

// What a backfill is doing: walking its sources, fetching the pages it queued, or finished.
std::string phase(const store::BackfillRecord& backfill)
{
    if (backfill.state == store::BackfillState::running)
        return "walking";
    if (backfill.state == store::BackfillState::done)
        return backfill.pending > 0 ? "fetching" : "finished";
    return std::string(to_string(backfill.state));
}

nlohmann::ordered_json backfills_json(const std::vector<store::BackfillRecord>& backfills)
{
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const store::BackfillRecord& backfill : backfills)
        array.push_back({ { "id", backfill.id }, { "feed_id", backfill.feed_id }, { "feed_url", backfill.feed_url },
            { "requested_source", backfill.requested_source }, { "source", backfill.source.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(backfill.source) },
            { "state", std::string(to_string(backfill.state)) }, { "phase", phase(backfill) }, { "pages", backfill.pages }, { "found", backfill.found }, { "queued", backfill.queued },
            { "pending", backfill.pending }, { "failed", backfill.failed }, { "archived", std::max<std::int64_t>(0, backfill.queued - backfill.pending - backfill.failed) },
            { "since", json_time(backfill.since) }, { "until", json_time(backfill.until) }, { "max", backfill.max_items ? nlohmann::ordered_json(*backfill.max_items) : nlohmann::ordered_json(nullptr) },
            { "message", backfill.message }, { "started", format_rfc3339(backfill.started_at) }, { "updated", format_rfc3339(backfill.updated_at) },
            { "finished", json_time(backfill.finished_at) } });
    return array;
}

// The backfills the archive holds: running ones first, then the latest finished ones.
Result<std::vector<store::BackfillRecord>> recent_backfills(store::Archive& archive)
{
    return archive.backfills().list(20);
}

} // namespace

Result<std::string> render_status(store::Archive& archive, const std::string& db_path, const std::optional<DaemonInfo>& daemon, bool json)
{
    auto stats = archive.reader().stats();
    if (!stats)
        return stats.error();
    auto feeds = archive.feeds().list();
    if (!feeds)
        return feeds.error();
    const Timestamp now = now_utc();
    auto hosts = archive.hosts().backlog(now, 50);
    if (!hosts)
        return hosts.error();
    auto backfills = recent_backfills(archive);
    if (!backfills)
        return backfills.error();
    auto workers = archive.jobs().workers();
    if (!workers)
        return workers.error();
    if (json) {
        nlohmann::ordered_json feed_array = nlohmann::ordered_json::array();
        for (const auto& feed : *feeds) {
            auto entry = feed_json(feed);
            entry["health_detail"] = health_sentence(feed);
            feed_array.push_back(std::move(entry));
        }
        nlohmann::ordered_json records = nlohmann::ordered_json::object();
        for (const auto& [record_status, count] : stats->records)
            records[std::string(to_string(record_status))] = count;
        const nlohmann::ordered_json status {
            { "daemon", daemon_json(daemon) },
            { "database", store::redacted_location(db_path) },
            { "database_bytes", stats->database_bytes },
            { "feeds", feed_array },
            { "articles", stats->articles },
            { "revisions", stats->revisions },
            { "records", records },
            { "captures", stats->captures },
            { "queue", { { "pending", stats->pending_jobs }, { "failed", stats->failed_jobs } } },
            { "hosts", hosts_json(*hosts) },
            { "nodes", nodes_json(*workers) },
            { "backfills", backfills_json(*backfills) },
        };
        return dump_json(status, JsonStyle::pretty) + "\n";
    }
    std::string out = fmt::format("archive {} ({:.1f} MiB): {} articles, {} revisions, {} captures; queue: {} pending, {} failed\n", store::redacted_location(db_path),
        static_cast<double>(stats->database_bytes) / (1024.0 * 1024.0), stats->articles, stats->revisions, stats->captures, stats->pending_jobs,
        stats->failed_jobs);
    std::string records;
    for (const auto& [record_status, count] : stats->records)
        if (count != 0)
            records += fmt::format("{}{} {}", records.empty() ? "" : ", ", count, to_string(record_status));
    out += fmt::format("records (one per feed item): {}\n", records.empty() ? "none yet" : records);
    if (daemon)
        out += fmt::format("daemon: running (pid {}, since {}), {} items queued on {} hosts, {} running, {} transfers in flight, last crawl {}, {} errors since start\n",
            daemon->pid, format_rfc3339(daemon->started), daemon->queued, daemon->hosts, daemon->running, daemon->in_flight,
            daemon->last_crawl ? format_rfc3339(*daemon->last_crawl) : "never", daemon->errors);
    else
        out += "daemon: not running\n";
    out += "\n";
    if (!workers->empty()) {
        Table nodes({ "NODE", "PID", "SINCE", "HEARTBEAT", "JOBS", "HOSTS" });
        for (const store::WorkerRecord& worker : *workers)
            nodes.add({ worker.role, std::to_string(token_pid(worker.token)), format_rfc3339(worker.started_at), format_rfc3339(worker.heartbeat_at),
                std::to_string(worker.jobs), std::to_string(worker.hosts) });
        out += nodes.render() + "\n";
    }
    if (!hosts->empty()) {
        Table waiting({ "HOST", "STATE", "UNTIL", "DEFERRED" });
        for (const store::HostBacklog& host : *hosts) {
            const bool paused = host.paused_until.has_value();
            waiting.add({ host.host, paused ? "paused (" + host.pause_reason + ")" : "backing off",
                format_rfc3339(paused ? host.paused_until : host.next_attempt), fmt::format("{} articles", host.deferred_jobs) });
        }
        out += waiting.render() + "\n";
    }
    if (!backfills->empty()) {
        Table history({ "BACKFILL", "FEED", "PHASE", "SOURCE", "PAGES", "FOUND", "QUEUED", "ARCHIVED", "PENDING", "FAILED", "UPDATED", "NOTE" });
        for (const store::BackfillRecord& backfill : *backfills)
            history.add({ std::to_string(backfill.id), std::to_string(backfill.feed_id), phase(backfill),
                backfill.source.empty() ? backfill.requested_source : backfill.source, std::to_string(backfill.pages), std::to_string(backfill.found),
                std::to_string(backfill.queued), std::to_string(std::max<std::int64_t>(0, backfill.queued - backfill.pending - backfill.failed)),
                std::to_string(backfill.pending), std::to_string(backfill.failed), format_rfc3339(backfill.updated_at), backfill.message });
        out += history.render() + "\n";
    }
    Table table({ "ID", "HEALTH", "ARTICLES", "LAST FETCH", "NEXT FETCH", "LAST ERROR", "URL" });
    for (const auto& feed : *feeds)
        table.add({ std::to_string(feed.id), health_sentence(feed), std::to_string(feed.articles), format_rfc3339(feed.last_fetch),
            feed.health == store::FeedHealth::retired ? "-" : format_rfc3339(feed.next_fetch), feed.health == store::FeedHealth::ok ? "" : feed.last_error,
            feed.url });
    return out + table.render();
}

std::string render_metrics(const DaemonInfo& info, std::size_t feeds_polling)
{
    std::string out;
    auto metric = [&out](std::string_view name, std::string_view type, std::string_view help, auto value) {
        out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
    };
    metric("feedkeeper_feed_polls_total", "counter", "Feed polls completed since start.", info.polls);
    metric("feedkeeper_feed_poll_failures_total", "counter", "Feed polls that failed since start.", info.poll_failures);
    metric("feedkeeper_articles_stored_total", "counter", "Articles stored (new or revised) since start.", info.articles_stored);
    metric("feedkeeper_article_failures_total", "counter", "Article fetches or extractions that failed since start.", info.article_failures);
    metric("feedkeeper_transfers_in_flight", "gauge", "HTTP transfers running now.", info.in_flight);
    metric("feedkeeper_feeds_polling", "gauge", "Feeds being polled now.", feeds_polling);
    metric("feedkeeper_start_time_seconds", "gauge", "Start time of the daemon, seconds since the epoch.", info.started.time_since_epoch().count());
    return out;
}

} // namespace feedkeeper::daemon

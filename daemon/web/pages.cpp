// daemon/web/pages.cpp — the feeds, a feed's records, search and status pages. Every value goes
// through the template layer's escaping; links to archived addresses only when http(s).
// Threading: a reader thread, with its archive.
#include "daemon/web/routes.hpp"
#include "daemon/web/view_parts.hpp"

#include "daemon/status.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace feedkeeper::daemon::web {
namespace {

constexpr int bar_days = 30;

// Items per day over the last bar_days days as an inline SVG bar chart (no script, no request).
std::string day_bars(const std::map<std::int64_t, std::int64_t>& per_day, std::int64_t today)
{
    std::int64_t most = 1;
    for (const auto& [day, count] : per_day)
        most = std::max(most, count);
    std::string bars;
    std::int64_t total = 0;
    for (int i = 0; i < bar_days; ++i) {
        const std::int64_t day = today - (bar_days - 1 - i);
        const auto it = per_day.find(day);
        const std::int64_t count = it == per_day.end() ? 0 : it->second;
        total += count;
        if (count == 0)
            continue;
        const int height = static_cast<int>(std::max<std::int64_t>(1, count * 22 / most));
        bars += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"3\" height=\"{}\"><title>{} items</title></rect>", i * 4, 24 - height, height, count);
    }
    return fmt::format("<svg class=\"bars\" width=\"120\" height=\"24\" viewBox=\"0 0 120 24\" role=\"img\" aria-label=\"{} items in the last {} days\">{}</svg>",
        total, bar_days, bars);
}

std::string feed_name(const store::FeedRecord& feed)
{
    return !feed.name.empty() ? feed.name : !feed.title.empty() ? feed.title : feed.url;
}

} // namespace

WebResponse feeds_page(const WebRequest&, store::Archive& archive)
{
    auto feeds = archive.feeds().list();
    if (!feeds)
        return error_page(500, feeds.error().message);
    const Timestamp now = now_utc();
    const std::int64_t today = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() / 86400;
    auto counts = archive.reader().items_per_day(Timestamp(std::chrono::seconds((today - bar_days + 1) * 86400)));
    if (!counts)
        return error_page(500, counts.error().message);
    std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> per_feed;
    for (const auto& count : *counts)
        per_feed[count.feed_id][count.day] = count.items;
    std::string rows;
    for (const auto& feed : *feeds) {
        const bool retired = feed.health == store::FeedHealth::retired;
        rows += render(R"(<tr><td><a href="/feeds/{id}">{name}</a><br><span class="muted small">{url}</span></td><td>{health}</td><td class="num">{articles}</td>
<td>{bars}</td><td class="small">{last}</td><td class="small">{next}</td><td class="small error">{error}</td></tr>
)",
            { { "id", std::to_string(feed.id) }, { "name", feed_name(feed) }, { "url", Trusted { external_link(feed.url, feed.url) } },
                { "health", Trusted { badge(to_string(feed.health)) } }, { "articles", std::to_string(feed.articles) },
                { "bars", Trusted { day_bars(per_feed[feed.id], today) } }, { "last", show_time(feed.last_fetch) },
                { "next", retired ? std::string("–") : show_time(feed.next_fetch) },
                { "error", feed.health == store::FeedHealth::ok ? std::string() : feed.last_error } });
    }
    const std::string content = feeds->empty()
        ? std::string("<h1>Feeds</h1>\n<p class=\"muted\">No feeds yet: <code>feedkeeper add URL</code> subscribes to one.</p>\n")
        : render(R"(<h1>Feeds</h1>
<table>
<thead><tr><th>Feed</th><th>Health</th><th>Articles</th><th>Items per day ({days} days)</th><th>Last poll</th><th>Next poll</th><th>Last error</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
)",
              { { "days", std::to_string(bar_days) }, { "rows", Trusted { rows } } });
    return html_page("Feeds", content);
}

WebResponse feed_page(const WebRequest& request, store::Archive& archive, std::int64_t feed_id)
{
    auto feed = archive.feeds().find(std::to_string(feed_id));
    if (!feed)
        return error_page(500, feed.error().message);
    if (!*feed)
        return error_page(404, fmt::format("no feed {}", feed_id));
    auto page = read_feed_records(request, archive, feed_id, 200);
    if (!page)
        return error_page(page.error().code == Errc::invalid_argument ? 400 : 500, page.error().message);
    const std::vector<store::FeedItemRow>& items = page->items;
    std::string rows;
    for (const auto& item : items) {
        const std::string title = item.title.empty() ? item.url : item.title;
        const std::string link = item.article_id ? render("<a href=\"/articles/{id}\">{title}</a>", { { "id", std::to_string(*item.article_id) }, { "title", title } })
                                                 : escape_html(title);
        rows += render(R"(<tr><td class="small">{date}</td><td>{link}<br><span class="muted small">{url}</span></td><td>{status}</td><td class="num">{revision}</td></tr>
)",
            { { "date", show_time(item.published ? item.published : std::optional(item.first_seen)) }, { "link", Trusted { link } },
                { "url", Trusted { external_link(item.url, item.url) } }, { "status", Trusted { badge(to_string(item.status)) } },
                { "revision", item.revision == 0 ? std::string("–") : std::to_string(item.revision) } });
    }
    std::string status_options = "<option value=\"\">any</option>";
    const std::string chosen = query_text(request, "status");
    for (std::string_view name : { "article", "paywall", "consent_wall", "error_page", "not_article", "gone", "failed", "pending" })
        status_options += render("<option value=\"{name}\"{selected}>{name}</option>",
            { { "name", std::string(name) }, { "selected", Trusted { chosen == name ? " selected" : "" } } });
    std::string pager;
    if (page->more && !items.empty()) {
        std::string next = fmt::format("/feeds/{}?before={}", feed_id, items.back().entry_id);
        for (const char* name : { "status", "since", "until", "limit" })
            if (const std::string value = query_text(request, name); !value.empty())
                next += fmt::format("&{}={}", name, url_encode(value));
        pager = render("<p class=\"pager\"><a href=\"{next}\" rel=\"next\">Older records →</a></p>", { { "next", next } });
    }
    const auto& f = **feed;
    const std::string content = render(R"(<h1>{name}</h1>
<p>{url} · {health} · {articles} articles · last poll {last} · next poll {next}</p>
{error}<form class="filters" action="/feeds/{id}" method="get">
<label>Status <select name="status">{options}</select></label>
<label>Since <input type="date" name="since" value="{since}"></label>
<label>Until <input type="date" name="until" value="{until}"></label>
<button type="submit">Filter</button>
</form>
<table>
<thead><tr><th>Published</th><th>Record</th><th>Status</th><th>Revision</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
{empty}{pager}<p class="small"><a href="/api/v1/feeds/{id}/records">JSON</a></p>
)",
        { { "name", feed_name(f) }, { "url", Trusted { external_link(f.url, f.url) } }, { "health", Trusted { badge(to_string(f.health)) } },
            { "articles", std::to_string(f.articles) }, { "last", show_time(f.last_fetch) }, { "next", show_time(f.next_fetch) },
            { "error", Trusted { f.health == store::FeedHealth::ok || f.last_error.empty() ? std::string() : render("<p class=\"error\">{e}</p>\n", { { "e", f.last_error } }) } },
            { "id", std::to_string(feed_id) }, { "options", Trusted { status_options } }, { "since", query_text(request, "since").substr(0, 10) },
            { "until", query_text(request, "until").substr(0, 10) }, { "rows", Trusted { rows } },
            { "empty", Trusted { items.empty() ? "<p class=\"muted\">No records match.</p>\n" : "" } }, { "pager", Trusted { pager } } });
    return html_page(feed_name(f), content);
}

WebResponse search_page(const WebRequest& request, store::Archive& archive)
{
    const std::string q = query_text(request, "q");
    auto feed = query_id(request, "feed");
    auto since = query_date(request, "since");
    auto until = query_date(request, "until");
    auto limit = query_limit(request, 20, 100);
    if (auto error = first_error(feed, since, until, limit))
        return error_page(400, error->message);
    auto feeds = archive.feeds().list();
    if (!feeds)
        return error_page(500, feeds.error().message);
    std::string feed_options = "<option value=\"\">every feed</option>";
    for (const auto& f : *feeds)
        feed_options += render("<option value=\"{id}\"{selected}>{name}</option>", { { "id", std::to_string(f.id) },
            { "selected", Trusted { *feed && **feed == f.id ? " selected" : "" } }, { "name", feed_name(f) } });
    std::string results;
    unsigned status = 200;
    if (!q.empty()) {
        store::SearchOptions options;
        options.limit = *limit;
        options.feed_id = *feed;
        options.since = *since;
        options.until = *until;
        options.highlight_open = std::string(mark_open);
        options.highlight_close = std::string(mark_close);
        auto hits = archive.reader().search(q, options);
        if (!hits) {
            status = hits.error().code == Errc::invalid_argument ? 400 : 500;
            results = render("<p class=\"error\">{e}</p>\n", { { "e", hits.error().message } });
        } else if (hits->empty()) {
            results = "<p class=\"muted\">No matches.</p>\n";
        }
        for (const auto& hit : hits ? *hits : std::vector<store::SearchHit> {})
            results += render(R"(<div class="hit"><a href="/articles/{id}">{title}</a> <span class="muted small">{date}</span>
<p class="snippet">{snippet}</p><span class="muted small">{url}</span></div>
)",
                { { "id", std::to_string(hit.article_id) }, { "title", hit.title.empty() ? hit.url : hit.title }, { "date", show_day(hit.published) },
                    { "snippet", Trusted { highlighted_snippet(hit.snippet) } }, { "url", Trusted { external_link(hit.url, hit.url) } } });
    }
    const std::string content = render(R"(<h1>Search</h1>
<form class="filters" action="/search" method="get">
<label>Words <input type="search" name="q" value="{q}" size="40"></label>
<label>Feed <select name="feed">{feeds}</select></label>
<label>Since <input type="date" name="since" value="{since}"></label>
<label>Until <input type="date" name="until" value="{until}"></label>
<button type="submit">Search</button>
</form>
{results})",
        { { "q", q }, { "feeds", Trusted { feed_options } }, { "since", query_text(request, "since").substr(0, 10) },
            { "until", query_text(request, "until").substr(0, 10) }, { "results", Trusted { results } } });
    return html_page(q.empty() ? std::string("Search") : "Search: " + q, content, status);
}

WebResponse status_page(const WebRequest& request, store::Archive& archive, const ViewOptions& options)
{
    // What `status --json` prints, rendered: one source for the CLI, the API and this page.
    auto text = render_status(archive, options.db_path, request.daemon, true);
    if (!text)
        return error_page(500, text.error().message);
    const auto status = nlohmann::ordered_json::parse(*text);
    std::string records;
    for (const auto& [name, count] : status["records"].items())
        records += render("<tr><td>{badge}</td><td class=\"num\">{count}</td></tr>\n", { { "badge", Trusted { badge(name) } }, { "count", count.dump() } });
    std::string hosts;
    for (const auto& host : status["hosts"])
        hosts += render("<tr><td>{host}</td><td>{state}</td><td>{until}</td><td class=\"num\">{deferred}</td><td>{reason}</td></tr>\n",
            { { "host", host.value("host", "") }, { "state", Trusted { badge(host.value("state", "")) } },
                { "until", host["paused_until"].is_string() ? host["paused_until"].get<std::string>() : host["next_attempt"].is_string() ? host["next_attempt"].get<std::string>() : "" },
                { "deferred", host["deferred_articles"].dump() }, { "reason", host["reason"].is_string() ? host["reason"].get<std::string>() : "" } });
    std::string daemon = "<p>Daemon: not running (this view reads the archive alone).</p>\n";
    if (status["daemon"].is_object()) {
        const auto& d = status["daemon"];
        daemon = render("<p>Daemon: running, pid {pid}, since {started}; {queued} items queued on {hosts} hosts, {running} running, {in_flight} transfers in flight; {errors} errors since start.</p>\n",
            { { "pid", d["pid"].dump() }, { "started", d.value("started", "") }, { "queued", d["queued"].dump() }, { "hosts", d["hosts"].dump() },
                { "running", d["running"].dump() }, { "in_flight", d["in_flight"].dump() }, { "errors", d["errors"].dump() } });
    }
    const double mib = status["database_bytes"].get<double>() / (1024.0 * 1024.0);
    const std::string content = render(R"(<h1>Status</h1>
{daemon}<dl class="meta">
<dt>Archive</dt><dd>{db}</dd>
<dt>Size</dt><dd>{size} MiB</dd>
<dt>Feeds</dt><dd>{feeds}</dd>
<dt>Articles</dt><dd>{articles} ({revisions} revisions, {captures} captures)</dd>
<dt>Queue</dt><dd>{pending} pending, {failed} failed</dd>
</dl>
<h2>Records by status</h2>
<table><thead><tr><th>Status</th><th>Records</th></tr></thead><tbody>
{records}</tbody></table>
<h2>Hosts waiting</h2>
{hosts}<p class="small"><a href="/api/v1/status">JSON</a></p>
)",
        { { "daemon", Trusted { daemon } }, { "db", status.value("database", "") }, { "size", fmt::format("{:.1f}", mib) },
            { "feeds", std::to_string(status["feeds"].size()) }, { "articles", status["articles"].dump() }, { "revisions", status["revisions"].dump() },
            { "captures", status["captures"].dump() }, { "pending", status["queue"]["pending"].dump() }, { "failed", status["queue"]["failed"].dump() },
            { "records", Trusted { records } },
            { "hosts", Trusted { hosts.empty() ? std::string("<p class=\"muted\">None: no host is paused or backing off.</p>\n")
                                               : "<table><thead><tr><th>Host</th><th>State</th><th>Until</th><th>Deferred</th><th>Reason</th></tr></thead><tbody>\n" + hosts + "</tbody></table>\n" } } });
    return html_page("Status", content);
}

} // namespace feedkeeper::daemon::web

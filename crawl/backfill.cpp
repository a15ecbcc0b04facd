// crawl/backfill.cpp — the backfill's walk over its sources, the steps they share, and the paged
// feed sources (RFC 5005 rel="next"/"prev-archive", else WordPress `?paged=N`; an archived feed's
// prev-archive chain).
// Threading: coroutines on Runtime::io; feed parsing on cpu; the archive on store.
#include "crawl/backfill_walk.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "core/url.hpp"
#include "crawl/backfill_sources.hpp"
#include "crawl/feed_poll.hpp"
#include "crawl/requests.hpp"
#include "crawl/time_zones.hpp"
#include "fetch/politeness.hpp"
#include "parse/feed/parser.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::crawl {

std::string_view to_string(BackfillSource source)
{
    switch (source) {
    case BackfillSource::automatic: return "auto";
    case BackfillSource::paged: return "paged";
    case BackfillSource::wp_json: return "wp-json";
    case BackfillSource::sitemap: return "sitemap";
    case BackfillSource::archive: return "archive";
    }
    return "auto";
}

std::optional<BackfillSource> backfill_source_from_string(std::string_view text)
{
    for (BackfillSource source : { BackfillSource::automatic, BackfillSource::paged, BackfillSource::wp_json, BackfillSource::sitemap, BackfillSource::archive })
        if (to_string(source) == text)
            return source;
    return std::nullopt;
}

namespace backfill_detail {

asio::awaitable<Result<HttpResponse>> fetch_listing(Walk& walk, const std::string& url, fetch::FetchPurpose purpose)
{
    fetch::FetchRequest request = request_for(*walk.config, url, &walk.feed);
    // The user asked for this feed's site: its own origin may be private, as for a poll.
    if (request.address_policy != fetch::AddressPolicy::allow_private)
        request.address_policy = fetch::AddressPolicy::private_origin;
    co_return co_await walk.runtime.fetcher.fetch(std::move(request), purpose);
}

bool on_site(const Walk& walk, const std::string& url)
{
    const std::string host = url_host(url);
    return !host.empty() && is_http_url(url) && fetch::registrable_domain(host) == walk.site_domain;
}

bool in_range(const Walk& walk, const std::optional<Timestamp>& published)
{
    if (!walk.options.since && !walk.options.until)
        return true;
    if (!published)
        return false; // undated: cannot be shown to be inside the asked-for range
    if (walk.options.since && *published < *walk.options.since)
        return false;
    if (walk.options.until && *published >= *walk.options.until)
        return false;
    return true;
}

bool all_older_than_since(const Walk& walk, const std::vector<store::EntryInput>& entries)
{
    if (!walk.options.since || entries.empty())
        return false;
    for (const store::EntryInput& input : entries)
        if (!input.entry.published || *input.entry.published >= *walk.options.since)
            return false;
    return true;
}

std::int64_t remaining_items(const Walk& walk)
{
    const auto cap = static_cast<std::int64_t>(std::min(walk.options.max_items.value_or(walk.options.limits.max_items), walk.options.limits.max_items));
    return std::max<std::int64_t>(0, cap - walk.progress.queued);
}

asio::awaitable<Result<store::BackfillPageResult>> save_page(Walk& walk, const std::string& source, std::vector<store::EntryInput> entries, std::int64_t found)
{
    const std::int64_t room = remaining_items(walk);
    const std::string cursor = walk.cursor.dump();
    const std::string discovered_by = "backfill:" + source;
    auto saved = co_await walk.runtime.store([&](store::Archive& archive) {
        return archive.backfills().save_page(walk.record, entries, discovered_by, found, source, cursor, now_utc(), room);
    });
    if (!saved)
        co_return saved.error();
    walk.progress.source = source;
    walk.progress.pages += 1;
    walk.progress.found += found;
    walk.progress.queued += saved->new_items;
    walk.run_found += found;
    walk.run_queued += saved->new_items;
    if (walk.on_progress)
        walk.on_progress(walk.progress);
    co_return *saved;
}

std::string page_fingerprint(const std::vector<std::string>& keys)
{
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    std::string all;
    for (const std::string& key : sorted)
        all += key + '\n';
    return sha256_hex(all).substr(0, 16);
}

bool is_pause_status(long status) { return status == 429 || status == 503; }

namespace {

bool listed(const nlohmann::json& array, const std::string& value)
{
    return std::find(array.begin(), array.end(), value) != array.end();
}

} // namespace

asio::awaitable<SourceEnd> walk_paged(Walk& walk, FeedPaging paging)
{
    using Kind = SourceEnd::Kind;
    const bool archived = paging == FeedPaging::archived;
    const char* source = archived ? "archive" : "paged";
    nlohmann::json& state = walk.cursor[source];
    if (!state.is_object())
        state = { { "next", walk.feed.url }, { "page", 1 }, { "mode", "" }, { "seen", nlohmann::json::array() }, { "urls", nlohmann::json::array() } };
    const auto max_pages = static_cast<std::int64_t>(walk.options.limits.max_pages);
    while (true) {
        const std::string url = state["next"].get<std::string>();
        const std::int64_t page = state["page"].get<std::int64_t>();
        if (url.empty())
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {}: no further page", page - 1) };
        if (page > max_pages)
            co_return SourceEnd { Kind::ended, fmt::format("stopped at the limit of {} pages", max_pages) };
        auto response = co_await fetch_listing(walk, url, fetch::FetchPurpose::feed);
        if (!response)
            co_return SourceEnd { Kind::stopped, fmt::format("page {} ({}): {}", page, url, response.error().message) };
        const long status = response->status;
        if (page > 1 && (status == 404 || status == 410 || status == 400))
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {} (HTTP {} for page {})", page - 1, status, page) };
        if (is_pause_status(status))
            co_return SourceEnd { Kind::stopped, fmt::format("page {} ({}): HTTP {}, the site asks to wait", page, url, status) };
        if (status < 200 || status > 299)
            co_return SourceEnd { page == 1 ? Kind::unavailable : Kind::stopped, fmt::format("page {} ({}): HTTP {}", page, url, status) };
        parse::FeedParseOptions options;
        options.url = response->final_url.empty() ? url : response->final_url;
        options.headers = response->headers;
        options.dates.zones = &system_zone_offsets();
        auto parsed = co_await run_on(walk.runtime.cpu, [&] { return parse::parse_feed(response->body, options); });
        if (!parsed)
            co_return page == 1 ? SourceEnd { Kind::unavailable, fmt::format("{} is not a feed ({})", url, parsed.error().message) }
                                : SourceEnd { Kind::ended, fmt::format("ended at page {}: {} is not a feed ({})", page, url, parsed.error().message) };
        const FeedPagingLinks links = feed_paging_links(response->body, options.url);
        std::vector<store::EntryInput> entries = co_await run_on(walk.runtime.cpu, [&] { return entry_inputs(*parsed); });
        if (entries.empty())
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {} (page {} lists no items)", page - 1, page) };
        std::vector<std::string> keys;
        for (const store::EntryInput& input : entries)
            keys.push_back(input.key);
        const std::string fingerprint = page_fingerprint(keys);
        if (listed(state["seen"], fingerprint))
            co_return SourceEnd { Kind::ended, fmt::format("stopped at page {}: it repeats an earlier page's items ({}: the site ignores the paging)", page, url) };
        // The next page: the feed's own link (RFC 5005), else WordPress paging of the feed's URL;
        // an archived feed (RFC 5005 section 4) is walked by its prev-archive links alone.
        std::string next;
        std::string mode = state["mode"].get<std::string>();
        if (archived) {
            if (page == 1 && links.prev_archive.empty())
                co_return SourceEnd { Kind::unavailable, fmt::format("{} has no prev-archive link (RFC 5005 archived feed)", url) };
            next = links.prev_archive;
            mode = "rfc5005";
        } else if (!links.next.empty() || !links.prev_archive.empty()) {
            next = !links.next.empty() ? links.next : links.prev_archive;
            mode = "rfc5005";
        } else if (mode != "rfc5005") {
            next = wordpress_feed_page(walk.feed.url, static_cast<int>(page + 1));
            mode = "wordpress";
        }
        std::string cycle;
        if (!next.empty() && (next == url || listed(state["urls"], next))) {
            cycle = next;
            next.clear();
        }
        if (!next.empty() && !on_site(walk, next)) {
            cycle = "off-site:" + next;
            next.clear();
        }
        const bool reached_since = all_older_than_since(walk, entries);
        const auto listed_count = static_cast<std::int64_t>(entries.size());
        std::erase_if(entries, [&](const store::EntryInput& input) { return !in_range(walk, input.entry.published) || !on_site(walk, input.entry.link); });
        state["seen"].push_back(fingerprint);
        if (state["urls"].size() < walk.options.limits.max_pages)
            state["urls"].push_back(url);
        state["next"] = next;
        state["page"] = page + 1;
        state["mode"] = mode;
        const auto found = static_cast<std::int64_t>(entries.size());
        auto saved = co_await save_page(walk, source, std::move(entries), found);
        if (!saved)
            co_return SourceEnd { Kind::stopped, saved.error().message };
        (void)listed_count;
        if (remaining_items(walk) == 0)
            co_return SourceEnd { Kind::max_reached, fmt::format("stopped at page {}: --max reached", page) };
        if (reached_since)
            co_return SourceEnd { Kind::ended, fmt::format("ended at page {}: its items are older than --since", page) };
        if (!cycle.empty() && cycle.starts_with("off-site:"))
            co_return SourceEnd { Kind::ended, fmt::format("stopped after page {}: its next link leaves the site ({})", page, cycle.substr(9)) };
        if (!cycle.empty())
            co_return SourceEnd { Kind::ended, fmt::format("stopped after page {}: its next link leads back to {} (a cycle)", page, cycle) };
    }
}

} // namespace backfill_detail

using namespace backfill_detail;

namespace {

std::vector<std::string> plan(BackfillSource source)
{
    switch (source) {
    case BackfillSource::automatic: return { "paged", "wp-json", "sitemap" };
    case BackfillSource::paged: return { "paged" };
    case BackfillSource::wp_json: return { "wp-json" };
    case BackfillSource::sitemap: return { "sitemap" };
    case BackfillSource::archive: return { "archive" };
    }
    return {};
}

std::string origin_of(const std::string& url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto slash = url.find('/', scheme + 3);
    return (slash == std::string::npos ? url : url.substr(0, slash)) + "/";
}

} // namespace

asio::awaitable<Result<BackfillWalk>> walk_backfill(Runtime& runtime, std::shared_ptr<const Config> config, store::FeedRecord feed,
    BackfillOptions options, BackfillProgressCallback on_progress)
{
    Walk walk { runtime, config, feed, options, std::move(on_progress), {}, {}, {}, {}, {}, 0, 0 };
    store::BackfillRequest request;
    request.feed_id = feed.id;
    request.source = std::string(to_string(options.source));
    request.since = options.since;
    request.until = options.until;
    if (options.max_items)
        request.max_items = static_cast<std::int64_t>(*options.max_items);
    auto started = co_await runtime.store([&](store::Archive& archive) { return archive.backfills().start_or_resume(request, now_utc()); });
    if (!started)
        co_return started.error();
    walk.record = *started;
    walk.cursor = nlohmann::json::parse(walk.record.cursor, nullptr, false);
    if (!walk.cursor.is_object())
        walk.cursor = nlohmann::json::object();
    if (!walk.cursor.contains("sources")) {
        walk.cursor["sources"] = plan(options.source);
        walk.cursor["at"] = 0;
        walk.cursor["lines"] = nlohmann::json::array();
    }
    walk.progress = { walk.record.source, walk.record.pages, walk.record.found, walk.record.queued };
    walk.site_url = feed.site_url.empty() || !is_http_url(feed.site_url) ? origin_of(feed.url) : feed.site_url;
    walk.site_domain = fetch::registrable_domain(url_host(feed.url));
    log_event(LogLevel::info, "backfill.started", { { "feed", feed.id }, { "url", feed.url }, { "backfill", walk.record.id },
        { "resumed", walk.record.pages > 0 || walk.cursor.value("at", 0) > 0 } });

    BackfillWalk result;
    result.record = walk.record;
    const auto& sources = walk.cursor["sources"];
    bool any_available = false;
    while (walk.cursor["at"].get<std::size_t>() < sources.size()) {
        const std::string source = sources[walk.cursor["at"].get<std::size_t>()].get<std::string>();
        SourceEnd end;
        if (source == "paged")
            end = co_await walk_paged(walk, FeedPaging::paged);
        else if (source == "archive")
            end = co_await walk_paged(walk, FeedPaging::archived);
        else if (source == "wp-json")
            end = co_await walk_wp_json(walk);
        else
            end = co_await walk_sitemaps(walk);
        const std::string line = source + ": " + end.message;
        log_event(LogLevel::info, "backfill.source", { { "feed", feed.id }, { "source", source }, { "end", end.message } });
        if (end.kind == SourceEnd::Kind::stopped) {
            result.stop_reason = line;
            result.lines.push_back(line);
            auto noted = co_await runtime.store([&](store::Archive& archive) { return archive.backfills().set_cursor(walk.record.id, source, walk.cursor.dump(), line, now_utc()); });
            if (!noted)
                co_return noted.error();
            break;
        }
        any_available = any_available || end.kind != SourceEnd::Kind::unavailable;
        walk.cursor["lines"].push_back(line);
        walk.cursor["at"] = walk.cursor["at"].get<std::size_t>() + 1;
        if (end.kind == SourceEnd::Kind::max_reached) {
            result.reached_max = true;
            walk.cursor["at"] = sources.size();
        }
        auto moved = co_await runtime.store([&](store::Archive& archive) { return archive.backfills().set_cursor(walk.record.id, source, walk.cursor.dump(), line, now_utc()); });
        if (!moved)
            co_return moved.error();
    }
    if (result.stop_reason.empty()) {
        result.complete = true;
        result.lines.clear();
        for (const auto& line : walk.cursor["lines"])
            result.lines.push_back(line.get<std::string>());
        // Every source unavailable, none read this run or earlier: nothing of the past to be had.
        if (!any_available && walk.progress.pages == 0 && !sources.empty()) {
            std::string all;
            for (const std::string& line : result.lines)
                all += (all.empty() ? "" : "; ") + line;
            std::string message = "no source of the site's past answered: " + all;
            auto failed = co_await runtime.store([&](store::Archive& archive) { return archive.backfills().finish(walk.record.id, store::BackfillState::failed, message, now_utc()); });
            if (!failed)
                co_return failed.error();
            co_return Error(Errc::unsupported, std::move(message));
        }
    }
    result.found = walk.run_found;
    result.queued = walk.run_queued;
    result.record.pages = walk.progress.pages;
    result.record.found = walk.progress.found;
    result.record.queued = walk.progress.queued;
    co_return result;
}

asio::awaitable<Result<void>> finish_backfill(Runtime& runtime, std::int64_t backfill_id, store::BackfillState state, std::string message)
{
    co_return co_await runtime.store([&](store::Archive& archive) { return archive.backfills().finish(backfill_id, state, message, now_utc()); });
}

} // namespace feedkeeper::crawl

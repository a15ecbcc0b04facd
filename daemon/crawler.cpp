// daemon/crawler.cpp — feed polls and article jobs. Every failure is a value that ends up in the
// feed's health or the job's state and in one readable line; nothing throws across a crawl.
// Threading: coroutines on Runtime::io; parse/extract on Runtime::cpu; archive on Runtime::store.
#include "daemon/crawler.hpp"

#include "core/log.hpp"
#include "core/url.hpp"
#include "daemon/schedule.hpp"
#include "daemon/time_zones.hpp"
#include "fetch/http_cache.hpp"
#include "parse/extract/extract.hpp"
#include "parse/feed/entry_identity.hpp"
#include "parse/feed/parser.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>

#include <map>
#include <set>

namespace feedkeeper::daemon {
namespace {

using std::chrono::seconds;

bool permanent_redirects_only(const HttpResponse& response)
{
    if (response.redirect_statuses.empty())
        return false;
    for (long status : response.redirect_statuses)
        if (status != 301 && status != 308)
            return false;
    return true;
}

std::string header_or(const HttpResponse& response, std::string_view name, const std::string& fallback)
{
    auto value = find_header(response.headers, name);
    return value ? std::string(*value) : fallback;
}

void fill_from_entry(ExtractedPage& page, const store::EntryHints& hints)
{
    if (page.title.empty())
        page.title = hints.title;
    if (page.author.empty())
        page.author = hints.author;
    if (!page.published)
        page.published = hints.published;
    if (page.categories.empty())
        page.categories = hints.categories;
}

// Marks `id` as in flight in `set` for the lifetime of the guard; false when it already was.
class InFlight {
public:
    InFlight(std::set<std::int64_t>& set, std::int64_t id) : m_set(set), m_id(id), m_owner(set.insert(id).second) { }
    ~InFlight()
    {
        if (m_owner)
            m_set.erase(m_id);
    }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
    bool owner() const { return m_owner; }

private:
    std::set<std::int64_t>& m_set;
    std::int64_t m_id;
    bool m_owner;
};

// Round-robin over hosts, so concurrent workers do not all queue on one host's politeness slot.
std::vector<store::Job> interleave_by_host(std::vector<store::Job> jobs)
{
    std::map<std::string, std::vector<store::Job>> by_host;
    std::vector<std::string> order;
    for (store::Job& job : jobs) {
        const std::string host = url_host(job.url);
        auto [it, inserted] = by_host.try_emplace(host);
        if (inserted)
            order.push_back(host);
        it->second.push_back(std::move(job));
    }
    std::vector<store::Job> out;
    out.reserve(jobs.size());
    for (std::size_t round = 0; out.size() < jobs.size(); ++round)
        for (const std::string& host : order)
            if (auto& list = by_host[host]; round < list.size())
                out.push_back(std::move(list[round]));
    return out;
}

} // namespace

std::string CrawlReport::summary() const
{
    return fmt::format("polled {} feeds ({} failed), {} new entries; articles: {} stored, {} unchanged, {} not articles, {} failed",
        feeds_polled, feeds_failed, new_entries, articles_stored, articles_unchanged, pages_not_articles, articles_failed);
}

int CrawlReport::exit_code() const { return failures.empty() ? 0 : 1; }

std::string ReextractReport::summary() const
{
    return fmt::format("re-extracted: {} new revisions, {} unchanged, {} failed", revised, unchanged, failures.size());
}

asio::awaitable<void> for_each_concurrently(std::size_t count, std::size_t limit, std::function<asio::awaitable<void>(std::size_t)> work)
{
    if (count == 0)
        co_return;
    auto executor = co_await asio::this_coro::executor;
    std::size_t next = 0;
    std::size_t remaining = std::min(std::max<std::size_t>(limit, 1), count);
    std::exception_ptr first_error;
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    auto worker = [&]() -> asio::awaitable<void> {
        while (next < count)
            co_await work(next++);
    };
    const std::size_t workers = remaining;
    for (std::size_t i = 0; i < workers; ++i) {
        asio::co_spawn(executor, worker(), [&](std::exception_ptr error) {
            if (error && !first_error)
                first_error = error;
            if (--remaining == 0)
                all_done.cancel();
        });
    }
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    if (first_error)
        std::rethrow_exception(first_error);
}

Crawler::Crawler(Runtime& runtime) : m_runtime(runtime), m_random(std::random_device {}()) { }

fetch::FetchRequest Crawler::request_for(const std::string& url, const store::FeedRecord* feed) const
{
    const Config& config = m_runtime.config;
    fetch::FetchRequest request;
    request.url = url;
    request.user_agent = config.fetch.user_agent;
    request.proxy = config.fetch.proxy;
    request.environment_proxy = config.fetch.proxy_from_environment ? fetch::EnvironmentProxy::honoured : fetch::EnvironmentProxy::ignored;
    request.limits = config.fetch.limits;
    if (feed) {
        request.headers = feed->headers;
        request.cookies = feed->cookies;
    }
    // Private addresses: allowed by configuration, or, on the feed's own host only, when the feed
    // itself lives on one (its first hop's address: then its articles are expected there too); never
    // because a public feed points there, never for other hosts a private feed links to (a local
    // feed proxy such as RSS-Bridge relays third-party links), never for hosts a redirect leads to.
    const bool feed_private = feed && !feed->remote_ip.empty() && fetch::is_private_address(feed->remote_ip);
    request.address_policy = config.fetch.allow_private_addresses ? fetch::AddressPolicy::allow_private
        : feed_private                                            ? fetch::AddressPolicy::private_origin
                                                                  : fetch::AddressPolicy::public_only;
    if (feed)
        request.private_origin_url = feed->url;
    return request;
}

asio::awaitable<Result<std::size_t>> Crawler::poll_feed(store::FeedRecord feed)
{
    InFlight in_flight(m_feeds_in_flight, feed.id);
    if (!in_flight.owner())
        co_return std::size_t { 0 }; // another crawl is polling it right now and records the outcome
    const ScheduleConfig& schedule = m_runtime.config.schedule;
    fetch::FetchRequest request = request_for(feed.url, &feed);
    if (request.address_policy != fetch::AddressPolicy::allow_private) // the user subscribed to this host, not to where it redirects
        request.address_policy = fetch::AddressPolicy::private_origin;
    request.etag = feed.etag;
    request.last_modified = feed.last_modified;
    auto response = co_await m_runtime.fetcher.fetch(std::move(request), fetch::FetchPurpose::feed);

    store::FeedPollOutcome outcome;
    outcome.feed_id = feed.id;
    outcome.fetched_at = now_utc();
    outcome.etag = feed.etag;
    outcome.last_modified = feed.last_modified;

    auto fail = [&](Error error, std::optional<seconds> retry_after, bool retire) -> asio::awaitable<Result<std::size_t>> {
        outcome.success = false;
        outcome.error = error.message;
        outcome.consecutive_failures = feed.consecutive_failures + 1;
        outcome.health = retire ? store::FeedHealth::retired : health_after(outcome.consecutive_failures);
        if (!retire)
            outcome.next_fetch = outcome.fetched_at + with_jitter(failure_interval(outcome.consecutive_failures, retry_after, schedule), schedule.jitter, m_random);
        log_event(LogLevel::info, "feed.failed", { { "feed", feed.id }, { "url", feed.url }, { "error", error.message }, { "health", to_string(outcome.health) } });
        if (auto recorded = co_await m_runtime.store([&](store::Archive& archive) { return archive.record_poll(outcome); }); !recorded)
            log_event(LogLevel::error, "store.failed", { { "url", feed.url }, { "error", recorded.error().message } });
        co_return error;
    };

    if (!response && response.error().code == Errc::cancelled)
        co_return response.error(); // shutting down: not the feed's failure, nothing to record
    if (!response)
        co_return co_await fail(response.error(), std::nullopt, false);
    // The subscribed host's address decides whether the feed is private; a proxy's says nothing of it
    // (left empty, the stored address stays as it was).
    if (!response->via_proxy)
        outcome.remote_ip = response->first_remote_ip;
    const long status = response->status;
    if (status == 410)
        co_return co_await fail(Error(Errc::http_status, "HTTP 410 Gone: the feed was retired by its publisher; feedkeeper stops polling it"), std::nullopt, true);
    if (status != 304 && (status < 200 || status >= 300))
        co_return co_await fail(Error(Errc::http_status, fmt::format("HTTP {}", status)), fetch::retry_after(response->headers, outcome.fetched_at), false);

    // The feed's rhythm as last measured: a 304 says nothing new about it.
    std::optional<seconds> gap = feed.publishing_gap ? std::optional<seconds>(seconds(*feed.publishing_gap)) : std::nullopt;
    std::optional<seconds> publisher_interval = feed.publisher_interval ? std::optional<seconds>(seconds(*feed.publisher_interval)) : std::nullopt;
    std::size_t new_entries = 0;
    if (status != 304) {
        HttpResponse capture = *response;
        parse::FeedParseOptions options;
        options.url = response->final_url.empty() ? feed.url : response->final_url;
        options.headers = response->headers;
        options.dates.zones = &system_zone_offsets();
        auto parsed = co_await run_on(m_runtime.cpu, [&] { return parse::parse_feed(capture.body, options); });
        auto saved_capture = co_await m_runtime.store([&](store::Archive& archive) { return archive.save_capture(capture, "feed"); });
        if (!saved_capture)
            co_return co_await fail(saved_capture.error(), std::nullopt, false);
        if (!parsed)
            co_return co_await fail(Error(Errc::parse, "not a feed: " + parsed.error().message), std::nullopt, false);
        if (auto measured = publishing_gap(*parsed)) {
            gap = measured;
            outcome.publishing_gap = measured->count();
        }
        const std::vector<parse::EntryKey> keys = parse::entry_keys(*parsed);
        std::map<std::string, int> link_uses;
        for (const FeedEntry& entry : parsed->entries)
            ++link_uses[entry.link];
        std::vector<store::EntryInput> entries;
        entries.reserve(parsed->entries.size());
        for (std::size_t i = 0; i < parsed->entries.size(); ++i) {
            const bool unique_link = !parsed->entries[i].link.empty() && link_uses[parsed->entries[i].link] == 1;
            entries.push_back({ keys[i].key, std::move(parsed->entries[i]), unique_link });
        }
        parsed->entries.clear();
        auto added = co_await m_runtime.store([&](store::Archive& archive) { return archive.save_entries(feed.id, entries, outcome.fetched_at); });
        if (!added)
            co_return co_await fail(added.error(), std::nullopt, false);
        new_entries = static_cast<std::size_t>(*added);
        outcome.title = parsed->title;
        outcome.site_url = parsed->link;
        if (parsed->update_interval) {
            publisher_interval = *parsed->update_interval;
            outcome.publisher_interval = parsed->update_interval->count();
        }
        if (permanent_redirects_only(*response) && !response->final_url.empty() && response->final_url != feed.url) {
            outcome.new_url = response->final_url;
            log_event(LogLevel::notice, "feed.moved", { { "feed", feed.id }, { "from", feed.url }, { "to", outcome.new_url } });
        }
    }
    outcome.etag = header_or(*response, "etag", feed.etag);
    outcome.last_modified = header_or(*response, "last-modified", feed.last_modified);
    const auto lifetime = fetch::freshness_lifetime(response->headers, outcome.fetched_at);
    if (lifetime)
        outcome.cache_until = outcome.fetched_at + *lifetime;
    outcome.success = true;
    outcome.health = store::FeedHealth::ok;
    outcome.next_fetch = outcome.fetched_at + with_jitter(success_interval(feed, gap, publisher_interval, lifetime, schedule), schedule.jitter, m_random);
    log_event(LogLevel::info, "feed.polled", { { "feed", feed.id }, { "url", feed.url }, { "status", status }, { "new_entries", new_entries } });
    if (auto recorded = co_await m_runtime.store([&](store::Archive& archive) { return archive.record_poll(outcome); }); !recorded)
        co_return recorded.error();
    co_return new_entries;
}

asio::awaitable<Result<ExtractedPage>> Crawler::extract(const HttpResponse& response)
{
    const std::string page_url = response.final_url.empty() ? response.url : response.final_url;
    // What this host's other pages taught us about its template (absent on a store error: the
    // extractor then works from the page alone).
    auto profile = co_await m_runtime.store([&](store::Archive& archive) { return archive.site_profile(url_host(page_url)); });
    parse::ExtractOptions options;
    options.url = page_url;
    options.headers = response.headers;
    options.dates.zones = &system_zone_offsets();
    if (profile)
        options.site = &*profile;
    co_return co_await run_on(m_runtime.cpu, [&] { return parse::extract_page(response.body, options); });
}

asio::awaitable<Result<store::ArticleChange>> Crawler::process_job(store::Job job)
{
    InFlight in_flight(m_jobs_in_flight, job.id);
    if (!in_flight.owner())
        co_return Error(Errc::cancelled, "already being fetched by another crawl");
    std::optional<store::FeedRecord> feed;
    if (job.feed_id) {
        auto found = co_await m_runtime.store([&](store::Archive& archive) { return archive.find_feed(std::to_string(*job.feed_id)); });
        if (found && *found)
            feed = **found;
    }
    const ScheduleConfig& schedule = m_runtime.config.schedule;
    auto give_up_or_retry = [&](Error error, std::optional<seconds> retry_after, bool permanent) -> asio::awaitable<Result<store::ArticleChange>> {
        const bool last = permanent || static_cast<std::size_t>(job.attempts + 1) >= schedule.article_attempts;
        log_event(LogLevel::info, "article.failed", { { "url", job.url }, { "error", error.message }, { "attempt", job.attempts + 1 }, { "final", last ? "yes" : "no" } });
        auto recorded = co_await m_runtime.store([&](store::Archive& archive) -> Result<void> {
            if (last)
                return archive.fail_job(job.id, error.message);
            const seconds wait = std::max(retry_after.value_or(seconds(0)), seconds(300 << std::min<std::int64_t>(job.attempts, 8)));
            return archive.defer_job(job.id, error.message, now_utc() + wait);
        });
        if (!recorded)
            co_return recorded.error();
        co_return error;
    };

    fetch::FetchRequest request = request_for(job.url, feed ? &*feed : nullptr);
    if (job.kind == "manual" && request.address_policy != fetch::AddressPolicy::allow_private) {
        // A URL the user typed may be internal; where it redirects to is not what they typed.
        request.address_policy = fetch::AddressPolicy::private_origin;
        request.private_origin_url = job.url;
    }
    // Pages, not PDFs or videos; a missing or text/* type is sniffed by the extractor.
    request.accepted_content_types = { "text/*", "application/xhtml+xml", "" };
    auto response = co_await m_runtime.fetcher.fetch(std::move(request), fetch::FetchPurpose::article);
    if (!response && response.error().code == Errc::cancelled)
        co_return response.error(); // shutting down: the job stays queued as it is
    if (!response) {
        const Errc code = response.error().code;
        co_return co_await give_up_or_retry(response.error(), std::nullopt, code == Errc::blocked || code == Errc::too_large || code == Errc::unsupported);
    }
    const long status = response->status;
    if (status == 404 || status == 410) {
        const Timestamp now = now_utc();
        co_await m_runtime.store([&](store::Archive& archive) { return archive.mark_gone(job.url, status, now); });
        co_return co_await give_up_or_retry(Error(Errc::http_status, fmt::format("HTTP {}", status)), std::nullopt, status == 410 || job.kind != "article");
    }
    if (status < 200 || status >= 300)
        co_return co_await give_up_or_retry(Error(Errc::http_status, fmt::format("HTTP {}", status)), fetch::retry_after(response->headers, now_utc()), false);

    auto page = co_await extract(*response);
    if (!page)
        co_return co_await give_up_or_retry(page.error(), std::nullopt, true);
    if (job.entry_id) {
        if (auto hints = co_await m_runtime.store([&](store::Archive& archive) { return archive.entry_hints(*job.entry_id); }))
            fill_from_entry(*page, *hints);
    }
    store::ArticleInput input;
    input.requested_url = job.url;
    input.response = std::move(*response);
    input.page = std::move(*page);
    input.job_id = job.id;
    input.entry_id = job.entry_id;
    auto saved = co_await m_runtime.store([&](store::Archive& archive) { return archive.save_article(input); });
    if (!saved)
        co_return co_await give_up_or_retry(saved.error(), std::nullopt, false);
    if (input.page.status != PageStatus::article) {
        log_event(LogLevel::notice, "article.not_stored", { { "url", job.url }, { "status", to_string(input.page.status) },
            { "hint", input.page.status == PageStatus::consent_wall ? "set cookies for this feed to pass the consent wall" : "" } });
        co_return store::ArticleChange::not_stored;
    }
    // A copy: the store thread must not read the configuration a reload may replace meanwhile.
    const std::vector<std::chrono::seconds> ages = schedule.recheck_ages;
    if (auto scheduled = co_await m_runtime.store([&](store::Archive& archive) { return archive.schedule_recheck(saved->article_id, ages, now_utc()); }); !scheduled)
        log_event(LogLevel::warning, "store.failed", { { "url", job.url }, { "error", scheduled.error().message } });
    log_event(LogLevel::info, "article.stored", { { "article", saved->article_id }, { "revision", saved->revision }, { "url", job.url },
        { "change", saved->change == store::ArticleChange::unchanged ? "unchanged" : saved->change == store::ArticleChange::created ? "created" : "revised" } });
    co_return saved->change;
}

asio::awaitable<void> Crawler::drain_jobs(std::vector<std::int64_t> feed_ids, CrawlReport& report)
{
    std::set<std::int64_t> attempted;
    std::size_t done = 0;
    std::vector<std::optional<std::int64_t>> filters;
    if (feed_ids.empty())
        filters.push_back(std::nullopt);
    for (std::int64_t id : feed_ids)
        filters.push_back(id);
    for (;;) {
        std::vector<store::Job> batch;
        for (const auto& filter : filters) {
            auto due = co_await m_runtime.store([&](store::Archive& archive) { return archive.due_jobs(now_utc(), 1024, filter); });
            if (!due) {
                report.failures.push_back({ "archive", due.error().message });
                co_return;
            }
            for (store::Job& job : *due)
                if (!m_jobs_in_flight.contains(job.id) && attempted.insert(job.id).second)
                    batch.push_back(std::move(job));
        }
        if (batch.empty() || m_stopping)
            co_return;
        batch = interleave_by_host(std::move(batch));
        const std::size_t total = attempted.size();
        co_await for_each_concurrently(batch.size(), m_runtime.config.fetch.max_in_flight, [&](std::size_t i) -> asio::awaitable<void> {
            if (m_stopping)
                co_return;
            auto outcome = co_await process_job(batch[i]);
            if (!outcome && outcome.error().code == Errc::cancelled)
                co_return; // another crawl has it, or we are shutting down: nothing to report
            progress(++done, total, "articles");
            if (!outcome) {
                ++report.articles_failed;
                report.failures.push_back({ batch[i].url, outcome.error().message });
            } else if (*outcome == store::ArticleChange::not_stored) {
                ++report.pages_not_articles;
            } else if (*outcome == store::ArticleChange::unchanged) {
                ++report.articles_unchanged;
            } else {
                ++report.articles_stored;
            }
        });
    }
}

asio::awaitable<CrawlReport> Crawler::crawl(std::vector<store::FeedRecord> feeds, bool all_jobs)
{
    CrawlReport report;
    co_await for_each_concurrently(feeds.size(), m_runtime.config.fetch.max_in_flight, [&](std::size_t i) -> asio::awaitable<void> {
        if (m_stopping)
            co_return;
        auto polled = co_await poll_feed(feeds[i]);
        ++report.feeds_polled;
        progress(report.feeds_polled, feeds.size(), "feeds");
        if (!polled) {
            ++report.feeds_failed;
            report.failures.push_back({ feeds[i].url, polled.error().message });
        } else {
            report.new_entries += *polled;
        }
    });
    std::vector<std::int64_t> ids;
    if (!all_jobs)
        for (const auto& feed : feeds)
            ids.push_back(feed.id);
    co_await drain_jobs(ids, report);
    co_return report;
}

} // namespace feedkeeper::daemon

namespace feedkeeper::daemon {

asio::awaitable<ReextractReport> Crawler::reextract(std::string host)
{
    ReextractReport report;
    std::int64_t after = 0;
    for (;;) {
        auto batch = co_await m_runtime.store([&](store::Archive& archive) { return archive.latest_captures(host, after, 64); });
        if (!batch) {
            report.failures.push_back({ "archive", batch.error().message });
            co_return report;
        }
        if (batch->empty())
            co_return report;
        for (const store::StoredCapture& stored : *batch) {
            after = stored.article_id;
            auto capture = co_await m_runtime.store([&](store::Archive& archive) { return archive.load_capture(stored.capture_id); });
            if (!capture) {
                report.failures.push_back({ stored.url, capture.error().message });
                continue;
            }
            auto page = co_await extract(*capture);
            if (!page) {
                report.failures.push_back({ stored.url, page.error().message });
                continue;
            }
            store::ArticleInput input;
            input.requested_url = capture->url;
            input.capture_id = stored.capture_id;
            input.response = std::move(*capture);
            input.page = std::move(*page);
            auto saved = co_await m_runtime.store([&](store::Archive& archive) { return archive.save_article(input); });
            if (!saved)
                report.failures.push_back({ stored.url, saved.error().message });
            else if (saved->change == store::ArticleChange::revised || saved->change == store::ArticleChange::created)
                ++report.revised;
            else
                ++report.unchanged;
        }
    }
}

} // namespace feedkeeper::daemon

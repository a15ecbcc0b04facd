// crawl/article_job.cpp — an article job, carried out. Every failure ends in the job's row (retried,
// handed back or given up) and in the result; nothing throws across a crawl.
// Threading: a coroutine on Runtime::io; extraction on Runtime::cpu; archive on Runtime::store.
#include "crawl/article_job.hpp"

#include "core/log.hpp"
#include "core/url.hpp"
#include "crawl/decisions.hpp"
#include "crawl/requests.hpp"
#include "crawl/time_zones.hpp"
#include "fetch/http_cache.hpp"
#include "parse/extract/extract.hpp"

#include <fmt/format.h>

namespace feedkeeper::crawl {
namespace {

constexpr std::chrono::seconds profile_lifetime { 60 };
constexpr std::size_t profile_cache_size = 4096;

// Records what the verdict says and turns it into the job's result.
asio::awaitable<JobResult> carry_out(Runtime& runtime, const store::Job& job, const JobVerdict& verdict, const std::string& error, long http_status = 0)
{
    switch (verdict.action) {
    case JobAction::requeue: co_return JobResult { JobResult::Kind::requeue, error, std::nullopt };
    case JobAction::cancelled: co_return JobResult { JobResult::Kind::cancelled, error, std::nullopt };
    default: break;
    }
    log_event(LogLevel::info, "article.failed", { { "url", job.url }, { "error", error }, { "attempt", job.attempts + 1 },
        { "final", verdict.action == JobAction::give_up ? "yes" : "no" } });
    // The item's record says what became of it while its page is not stored.
    const RecordStatus outcome = verdict.gone ? RecordStatus::gone : RecordStatus::failed;
    auto recorded = co_await runtime.store([&](store::Archive& archive) -> Result<void> {
        if (verdict.gone)
            if (auto gone = archive.articles().mark_gone(job.url, http_status, now_utc()); !gone)
                return gone.error();
        switch (verdict.action) {
        case JobAction::give_up: return archive.jobs().fail(job.id, error, outcome);
        case JobAction::release: return archive.jobs().release(job.id, verdict.at);
        default: return archive.jobs().defer(job.id, error, verdict.at.value_or(now_utc()), outcome);
        }
    });
    if (!recorded)
        co_return JobResult { JobResult::Kind::storage_failed, recorded.error().message, std::nullopt };
    if (verdict.action == JobAction::release)
        co_return JobResult { JobResult::Kind::released, error, verdict.at };
    co_return JobResult { JobResult::Kind::failed, error, verdict.at };
}

} // namespace

asio::awaitable<std::shared_ptr<const SiteProfile>> SiteProfileCache::get(Runtime& runtime, const std::string& host)
{
    const auto now = std::chrono::steady_clock::now();
    if (auto it = m_entries.find(host); it != m_entries.end() && now - it->second.loaded < profile_lifetime)
        co_return it->second.profile;
    auto loaded = co_await runtime.store([&](store::Archive& archive) { return archive.sites().profile(host); });
    if (!loaded)
        co_return nullptr; // the extractor then works from the page alone
    if (m_entries.size() >= profile_cache_size)
        std::erase_if(m_entries, [now](const auto& entry) { return now - entry.second.loaded >= profile_lifetime; });
    auto profile = std::make_shared<const SiteProfile>(std::move(*loaded));
    m_entries[host] = { profile, now };
    co_return profile;
}

asio::awaitable<Result<ExtractedPage>> extract_response(Runtime& runtime, SiteProfileCache& profiles, const HttpResponse& response)
{
    const std::string page_url = response.final_url.empty() ? response.url : response.final_url;
    const std::shared_ptr<const SiteProfile> profile = co_await profiles.get(runtime, url_host(page_url));
    parse::ExtractOptions options;
    options.url = page_url;
    options.headers = response.headers;
    options.dates.zones = &system_zone_offsets();
    options.site = profile.get();
    co_return co_await run_on(runtime.cpu, [&] { return parse::extract_page(response.body, options); });
}

asio::awaitable<JobResult> run_article_job(Runtime& runtime, const Config& config, SiteProfileCache& profiles, ArticleSaver& saver, store::Job job,
    const store::FeedRecord* feed, std::chrono::milliseconds max_host_wait, const std::function<void(std::size_t body_bytes)>& transfer_ended)
{
    fetch::FetchRequest request = request_for(config, job.url, feed);
    if (job.kind == store::JobKind::manual && request.address_policy != fetch::AddressPolicy::allow_private) {
        // A URL the user typed may be internal; where it redirects to is not what they typed.
        request.address_policy = fetch::AddressPolicy::private_origin;
        request.private_origin_url = job.url;
    }
    // Pages, not PDFs or videos; a missing or text/* type is sniffed by the extractor.
    request.accepted_content_types = { "text/*", "application/xhtml+xml", "" };
    request.max_host_wait = max_host_wait;
    auto response = co_await runtime.fetcher.fetch(std::move(request), fetch::FetchPurpose::article);
    transfer_ended(response ? response->body.size() : 0);
    if (!response)
        co_return co_await carry_out(runtime, job, judge_fetch_error(job, response.error(), now_utc(), config.schedule), response.error().message);
    const long status = response->status;
    if (status < 200 || status >= 300) {
        const Timestamp now = now_utc();
        co_return co_await carry_out(runtime, job, judge_job_status(job, status, fetch::retry_after(response->headers, now), now, config.schedule),
            fmt::format("HTTP {}", status), status);
    }

    auto page = co_await extract_response(runtime, profiles, *response);
    if (!page)
        co_return co_await carry_out(runtime, job, JobVerdict { JobAction::give_up, std::nullopt, false }, page.error().message);
    if (job.entry_id) {
        if (auto hints = co_await runtime.store([&](store::Archive& archive) { return archive.entries().hints(*job.entry_id); }))
            apply_entry_hints(*page, *hints);
    }
    store::ArticleInput input;
    input.requested_url = job.url;
    input.response = std::move(*response);
    input.page = std::move(*page);
    input.job_id = job.id;
    input.entry_id = job.entry_id;
    input.recheck_ages = config.schedule.recheck_ages;
    const PageStatus page_status = input.page.status;
    auto prepared = co_await run_on(runtime.cpu, [&] { return std::make_shared<const store::PreparedArticle>(store::Archive::Articles::prepare(std::move(input))); });
    auto saved = co_await saver.save(prepared);
    profiles.invalidate(prepared->host);
    if (!saved) {
        const JobVerdict verdict = judge_storage_error(saved.error());
        if (verdict.action == JobAction::cancelled)
            co_return JobResult { JobResult::Kind::cancelled, saved.error().message, std::nullopt };
        log_event(LogLevel::error, "store.failed", { { "url", job.url }, { "error", saved.error().message } });
        // Nothing of it was stored; the job goes back as it was (a failed write may fail again: if
        // so the lease ends anyway, with the process).
        co_await runtime.store([&](store::Archive& archive) { return archive.jobs().release(job.id); });
        co_return JobResult { JobResult::Kind::storage_failed, saved.error().message, std::nullopt };
    }
    if (page_status != PageStatus::article) {
        // Recorded with its status and the item's own text from the feed, if any.
        log_event(LogLevel::notice, "article.not_article", { { "url", job.url }, { "status", to_string(page_status) },
            { "hint", page_status == PageStatus::consent_wall ? "set cookies for this feed to pass the consent wall" : "" } });
        co_return JobResult { JobResult::Kind::not_article, {}, std::nullopt };
    }
    log_event(LogLevel::info, "article.stored", { { "article", saved->article_id }, { "revision", saved->revision }, { "url", job.url },
        { "change", saved->change == store::ArticleChange::unchanged ? "unchanged" : saved->change == store::ArticleChange::created ? "created" : "revised" } });
    co_return JobResult { saved->change == store::ArticleChange::unchanged ? JobResult::Kind::unchanged : JobResult::Kind::stored, {}, std::nullopt };
}

// The feed item's metadata fills what the page leaves unknown. A page that is no article (a
// consent wall, an error page) titles itself, not the item: the item's title goes first there.
void apply_entry_hints(ExtractedPage& page, const store::EntryHints& hints)
{
    if (page.status != PageStatus::article && page.status != PageStatus::paywall && !hints.title.empty())
        page.title = hints.title;
    page.fill_gaps_from(hints);
}


} // namespace feedkeeper::crawl

// crawl/feed_poll.cpp — a feed poll, carried out. Every failure ends in the feed's row (its health
// and last error) and in the result; nothing throws across a crawl.
// Threading: a coroutine on Runtime::io; parse on Runtime::cpu; archive on Runtime::store.
#include "crawl/feed_poll.hpp"

#include "core/log.hpp"
#include "crawl/decisions.hpp"
#include "crawl/requests.hpp"
#include "crawl/schedule.hpp"
#include "crawl/time_zones.hpp"
#include "fetch/http_cache.hpp"
#include "parse/extract/extract.hpp"
#include "parse/feed/entry_identity.hpp"
#include "parse/feed/parser.hpp"

#include <fmt/format.h>

#include <map>

namespace feedkeeper::crawl {
namespace {

bool permanent_redirects_only(const HttpResponse& response)
{
    if (response.redirect_statuses.empty())
        return false;
    for (long status : response.redirect_statuses)
        if (status != 301 && status != 308)
            return false;
    return true;
}

// The item's own text, cleaned by the extractor's rules: its full content, else its summary.
FeedBody feed_body(const FeedEntry& entry)
{
    parse::ExtractOptions options;
    options.url = entry.link;
    FeedBody body = parse::extract_fragment(entry.content, entry.content_kind, options);
    body.source = BodySource::feed;
    if (body.body.empty()) {
        body = parse::extract_fragment(entry.summary, entry.summary_kind, options);
        body.source = body.body.empty() ? BodySource::none : BodySource::summary;
    }
    return body;
}

} // namespace

// The parsed feed's entries as the store takes them, each with its identity key and its own text
// cleaned. Pure work: run on the CPU pool.
std::vector<store::EntryInput> entry_inputs(FeedDocument& document)
{
    const std::vector<parse::EntryKey> keys = parse::entry_keys(document);
    std::map<std::string, int> link_uses;
    for (const FeedEntry& entry : document.entries)
        ++link_uses[entry.link];
    std::vector<store::EntryInput> entries;
    entries.reserve(document.entries.size());
    for (std::size_t i = 0; i < document.entries.size(); ++i) {
        const bool unique_link = !document.entries[i].link.empty() && link_uses[document.entries[i].link] == 1;
        FeedBody body = feed_body(document.entries[i]);
        entries.push_back({ keys[i].key, std::move(document.entries[i]), unique_link, std::move(body) });
    }
    document.entries.clear();
    return entries;
}

asio::awaitable<PollResult> poll_feed(Runtime& runtime, const Config& config, store::FeedRecord feed, std::mt19937_64& random, std::chrono::milliseconds max_host_wait)
{
    fetch::FetchRequest request = request_for(config, feed.url, &feed);
    if (request.address_policy != fetch::AddressPolicy::allow_private) // the user subscribed to this host, not to where it redirects
        request.address_policy = fetch::AddressPolicy::private_origin;
    request.etag = feed.etag;
    request.last_modified = feed.last_modified;
    request.max_host_wait = max_host_wait;
    auto response = co_await runtime.fetcher.fetch(std::move(request), fetch::FetchPurpose::feed);
    const Timestamp now = now_utc();

    auto fail = [&](const std::string& error, std::optional<std::chrono::seconds> retry_after, PollVerdict verdict) -> asio::awaitable<PollResult> {
        store::FeedPollOutcome outcome = poll_failure(feed, now, error, retry_after, verdict, config.schedule, random);
        if (response && !response->via_proxy)
            outcome.remote_ip = response->first_remote_ip;
        log_event(LogLevel::info, "feed.failed", { { "feed", feed.id }, { "url", feed.url }, { "error", error }, { "health", to_string(outcome.health) } });
        if (auto recorded = co_await runtime.store([&](store::Archive& archive) { return archive.feeds().record_poll(outcome); }); !recorded)
            log_event(LogLevel::error, "store.failed", { { "url", feed.url }, { "error", recorded.error().message } });
        co_return PollResult { PollResult::Kind::failed, 0, error };
    };

    if (!response && response.error().code == Errc::cancelled)
        co_return PollResult { PollResult::Kind::cancelled, 0, {} }; // not the feed's failure: nothing recorded
    if (!response && response.error().code == Errc::deferred)
        co_return PollResult { PollResult::Kind::deferred, 0, {} };
    if (!response)
        co_return co_await fail(response.error().message, std::nullopt, PollVerdict::failed);
    const long status = response->status;
    const PollVerdict verdict = judge_poll_status(status);
    if (verdict == PollVerdict::retired)
        co_return co_await fail("HTTP 410 Gone: the feed was retired by its publisher; feedkeeper stops polling it", std::nullopt, verdict);
    if (verdict == PollVerdict::failed)
        co_return co_await fail(fmt::format("HTTP {}", status), fetch::retry_after(response->headers, now), verdict);

    PollFacts facts;
    facts.http_status = status;
    // The subscribed host's address decides whether the feed is private; a proxy's says nothing of it.
    if (!response->via_proxy)
        facts.remote_ip = response->first_remote_ip;
    std::size_t new_entries = 0;
    if (verdict == PollVerdict::fresh) {
        parse::FeedParseOptions options;
        options.url = response->final_url.empty() ? feed.url : response->final_url;
        options.headers = response->headers;
        options.dates.zones = &system_zone_offsets();
        auto parsed = co_await run_on(runtime.cpu, [&] { return parse::parse_feed(response->body, options); });
        auto saved_capture = co_await runtime.store([&](store::Archive& archive) { return archive.captures().save(*response, "feed"); });
        if (!saved_capture)
            co_return co_await fail(saved_capture.error().message, std::nullopt, PollVerdict::failed);
        if (!parsed)
            co_return co_await fail("not a feed: " + parsed.error().message, std::nullopt, PollVerdict::failed);
        if (parsed->truncated)
            log_event(LogLevel::warning, "feed.truncated",
                { { "feed", feed.id }, { "url", feed.url }, { "kept", parsed->entries.size() }, { "why", "more items than one document may hold" } });
        facts.publishing_gap = publishing_gap(*parsed);
        facts.publisher_interval = parsed->update_interval;
        facts.title = parsed->title;
        facts.site_url = parsed->link;
        const std::vector<store::EntryInput> entries = co_await run_on(runtime.cpu, [&] { return entry_inputs(*parsed); });
        auto added = co_await runtime.store([&](store::Archive& archive) { return archive.entries().save(feed.id, entries, now); });
        if (!added)
            co_return co_await fail(added.error().message, std::nullopt, PollVerdict::failed);
        new_entries = static_cast<std::size_t>(*added);
        if (permanent_redirects_only(*response) && !response->final_url.empty() && response->final_url != feed.url) {
            facts.new_url = response->final_url;
            log_event(LogLevel::notice, "feed.moved", { { "feed", feed.id }, { "from", feed.url }, { "to", facts.new_url } });
        }
    }
    if (auto etag = find_header(response->headers, "etag"))
        facts.etag = std::string(*etag);
    if (auto modified = find_header(response->headers, "last-modified"))
        facts.last_modified = std::string(*modified);
    facts.cache_lifetime = fetch::freshness_lifetime(response->headers, now);
    const store::FeedPollOutcome outcome = poll_success(feed, now, facts, config.schedule, random);
    log_event(LogLevel::info, "feed.polled", { { "feed", feed.id }, { "url", feed.url }, { "status", status }, { "new_entries", new_entries } });
    if (auto recorded = co_await runtime.store([&](store::Archive& archive) { return archive.feeds().record_poll(outcome); }); !recorded)
        co_return PollResult { PollResult::Kind::failed, new_entries, recorded.error().message };
    co_return PollResult { PollResult::Kind::polled, new_entries, {} };
}

} // namespace feedkeeper::crawl

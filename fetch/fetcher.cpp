// fetch/fetcher.cpp — politeness, Retry-After and robots.txt around HttpClient.
// Threading: the io_context's one thread only.
#include "fetch/fetcher.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "core/url.hpp"
#include "fetch/http_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include <unordered_map>

namespace feedkeeper::fetch {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds default_too_many_requests_pause { 60 };
constexpr std::chrono::hours unreachable_robots_retry { 1 };
constexpr std::size_t robots_body_bytes = 512 * 1024; // RFC 9309: parse at least 500 KiB
constexpr std::size_t robots_cache_sweep_size = 4096;
constexpr long robots_redirects = 5; // RFC 9309 2.3.1.2: follow at least five, whatever max_redirects says
constexpr std::size_t max_location_in_message = 200;

// A Location header for an error message: servers can send 64 KiB of it.
std::string shown_location(std::string_view location)
{
    return location.size() <= max_location_in_message ? std::string(location) : std::string(location.substr(0, max_location_in_message)) + "…";
}

std::string origin_of(const std::string& url)
{
    const auto port = url_port(url);
    return fmt::format("{}://{}:{}", url_scheme(url), url_host(url), port.value_or(0));
}

std::string path_and_query(const std::string& url)
{
    const auto scheme_end = url.find("://");
    const auto path = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path == std::string::npos)
        return "/";
    return url.substr(path, url.find('#', path) - path);
}

} // namespace

struct Fetcher::RobotsCache {
    struct Entry {
        RobotsRules rules;
        Clock::time_point expires;
        std::string unavailable; // why robots.txt could not be read (then rules disallow all)
    };
    std::unordered_map<std::string, Entry> entries; // by scheme://host:port
    // Origins whose robots.txt is being fetched; the timer is cancelled when it is done.
    std::unordered_map<std::string, std::shared_ptr<asio::steady_timer>> pending;

    void sweep_expired()
    {
        const auto now = Clock::now();
        std::erase_if(entries, [now](const auto& entry) { return entry.second.expires <= now; });
    }
};

Fetcher::Fetcher(CurlMulti& multi, FetcherOptions options)
    : m_client(multi)
    , m_options(std::move(options))
    , m_politeness(multi.get_executor(), m_options.politeness)
    , m_robots(std::make_shared<RobotsCache>())
{
}

void Fetcher::set_options(FetcherOptions options)
{
    m_options = std::move(options);
    m_politeness.set_options(m_options.politeness);
}

asio::awaitable<Result<HttpResponse>> Fetcher::fetch_politely(FetchRequest request, std::string host)
{
    const auto queue_wait = request.max_host_wait == std::chrono::milliseconds::zero() ? Politeness::QueueWait::defer : Politeness::QueueWait::wait;
    // milliseconds::max() does not fit the clock's nanoseconds: it means "as long as it takes".
    const Clock::duration max_wait = request.max_host_wait >= std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max())
        ? Clock::duration::max()
        : std::chrono::duration_cast<Clock::duration>(request.max_host_wait);
    auto permit = co_await m_politeness.acquire(host, max_wait, queue_wait);
    if (!permit)
        co_return permit.error();
    const auto started = Clock::now();
    auto response = co_await m_client.fetch(std::move(request));
    permit->release(Clock::now() - started);
    const bool transport_failed = !response && (response.error().code == Errc::network || response.error().code == Errc::timeout);
    if (auto paused = m_politeness.record_transfer(host, transport_failed))
        log_event(LogLevel::notice, "host.paused", { { "host", host }, { "reason", "failed transfers" },
            { "seconds", std::chrono::duration_cast<std::chrono::seconds>(*paused).count() } });
    if (response && (response->status == 429 || response->status == 503)) {
        auto wait = retry_after(response->headers, now_utc());
        if (!wait && response->status == 429)
            wait = default_too_many_requests_pause;
        if (wait) {
            m_politeness.pause(host, Clock::now() + *wait);
            log_event(LogLevel::notice, "host.paused", { { "host", host }, { "status", response->status }, { "seconds", wait->count() } });
        }
    }
    co_return response;
}

asio::awaitable<Result<void>> Fetcher::check_robots(const FetchRequest& page)
{
    const std::shared_ptr<RobotsCache> cache = m_robots; // this frame may outlive the Fetcher at shutdown
    const std::string key = origin_of(page.url);
    const std::string host = url_host(page.url);
    auto verdict = [&](const RobotsCache::Entry& entry) -> Result<void> {
        if (auto delay = entry.rules.crawl_delay())
            m_politeness.set_crawl_delay(host, *delay, entry.expires);
        if (entry.rules.allowed(path_and_query(page.url)))
            return {};
        if (!entry.unavailable.empty()) // transient, unlike a rule: a network-class error, retried later
            return Error(Errc::network, fmt::format("robots.txt of {} could not be read ({}); RFC 9309 says to assume "
                "everything disallowed, so the page is retried later", key, entry.unavailable));
        return Error(Errc::blocked, "disallowed by the site's robots.txt");
    };
    for (;;) {
        auto it = cache->entries.find(key);
        if (it != cache->entries.end() && it->second.expires > Clock::now())
            co_return verdict(it->second);
        auto pending = cache->pending.find(key);
        if (pending == cache->pending.end())
            break;
        // Someone is fetching it already: wait for them (they cancel the timer however they end).
        auto timer = pending->second;
        co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return Error(Errc::cancelled, "cancelled while waiting for robots.txt of " + key);
    }
    auto done = std::make_shared<asio::steady_timer>(m_client.multi().get_executor(), Clock::time_point::max());
    cache->pending[key] = done;
    struct Finish { // wakes the waiters even if this coroutine is cancelled or destroyed
        RobotsCache& cache;
        const std::string& key;
        asio::steady_timer& done;
        ~Finish()
        {
            cache.pending.erase(key);
            done.cancel();
        }
    } finish { *cache, key, *done };

    FetchRequest request;
    request.url = resolve_url(page.url, "/robots.txt").value_or(page.url);
    request.user_agent = page.user_agent;
    request.proxy = page.proxy;
    request.environment_proxy = page.environment_proxy;
    request.address_policy = page.address_policy;
    request.private_origin_url = page.private_origin_url;
    request.limits = page.limits;
    request.max_host_wait = page.max_host_wait;
    request.limits.max_redirects = std::max(request.limits.max_redirects, robots_redirects);
    request.limits.max_body_bytes = std::min(request.limits.max_body_bytes, robots_body_bytes);
    request.oversized_body = OversizedBody::truncate; // a larger file is read that far (RFC 9309 2.5)
    auto response = co_await follow_redirects(std::move(request), RobotsCheck::none);
    if (!response && (response.error().code == Errc::blocked || response.error().code == Errc::cancelled || response.error().code == Errc::deferred))
        co_return response.error(); // says nothing about the site's rules: not cached
    if (response && m_robots_observer)
        m_robots_observer(*response); // as it arrived: before a cut last line is dropped below

    RobotsCache::Entry entry { RobotsRules::allow_all(), Clock::now() + m_options.robots_cache_time, {} };
    // A redirect chain that is too long or leaves http(s) (Errc::http_status, Errc::unsupported)
    // leaves the file "unavailable" (RFC 9309 2.3.1.2): everything allowed, like a 404.
    const bool redirect_failed = !response && (response.error().code == Errc::http_status || response.error().code == Errc::unsupported);
    if (redirect_failed) {
        log_event(LogLevel::info, "robots.unavailable", { { "url", key }, { "error", response.error().message } });
    } else if (response && response->status >= 200 && response->status < 300) {
        if (response->body_truncated) // the cut line could be a rule cut short: "Allow: /public-area" as "Allow: /p"
            response->body.erase(std::min(response->body.size(), response->body.find_last_of("\r\n") + 1));
        entry.rules = RobotsRules::parse(response->body, product_token(m_options.user_agent.empty() ? default_user_agent() : m_options.user_agent));
    } else if (!response || response->status >= 500 || response->status == 429) {
        // RFC 9309 2.3.1.4: unreachable means "assume complete disallow"; ask again within the hour.
        entry.rules = RobotsRules::disallow_all();
        entry.expires = Clock::now() + unreachable_robots_retry;
        entry.unavailable = response ? fmt::format("HTTP {}", response->status) : response.error().message;
    } // other 4xx: "unavailable", everything allowed (RFC 9309 2.3.1.3)
    if (cache->entries.size() >= robots_cache_sweep_size)
        cache->sweep_expired();
    co_return verdict(cache->entries[key] = std::move(entry));
}

asio::awaitable<Result<HttpResponse>> Fetcher::fetch(FetchRequest request, FetchPurpose purpose)
{
    if (request.user_agent.empty())
        request.user_agent = m_options.user_agent;
    co_return co_await follow_redirects(std::move(request), purpose == FetchPurpose::article ? RobotsCheck::every_hop : RobotsCheck::none);
}

asio::awaitable<Result<HttpResponse>> Fetcher::follow_redirects(FetchRequest request, RobotsCheck robots)
{
    if (!is_http_url(request.url))
        co_return Error(Errc::unsupported, fmt::format("not an http(s) URL: \"{}\"", shown_location(request.url))); // as for a redirect to one
    HttpResponse chain; // what the hops before the last one contribute
    chain.url = request.url;
    chain.fetched_at = now_utc();
    const auto time_budget = request.limits.total_timeout; // for the chain's transfers, not one hop's
    if (request.private_origin_url.empty())
        request.private_origin_url = request.url; // every hop is judged by the first URL's origin
    for (long hop = 0;; ++hop) {
        // Cancelled between hops: say so as every wait does (a further co_await would throw instead).
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return Error(Errc::cancelled, "cancelled while following redirects from " + chain.url);
        const std::string host = url_host(request.url);
        // Once a chain leaves the private origin it never gets private addresses back: a public page
        // redirecting to http://localhost:6379/ is no more the feed's than a link to it.
        if (request.address_policy == AddressPolicy::private_origin && !same_origin_or_https_upgrade(request.private_origin_url, request.url))
            request.address_policy = AddressPolicy::public_only;
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(chain.total_seconds));
        if (spent >= time_budget)
            co_return Error(Errc::timeout, fmt::format("timed out ({} ms for {} redirects)", spent.count(), chain.redirects));
        request.limits.total_timeout = time_budget - spent;
        if (hop > 0) // the chain has begun: later hosts are waited for, within what is left of its time budget
            request.max_host_wait = request.limits.total_timeout;
        if (robots == RobotsCheck::every_hop && m_politeness.policy(host).obey_robots) {
            if (auto allowed = co_await check_robots(request); !allowed)
                co_return allowed.error();
        }
        auto response = co_await fetch_politely(request, host);
        if (!response)
            co_return response.error();
        chain.total_seconds += response->total_seconds;
        if (hop == 0)
            chain.first_remote_ip = response->remote_ip;
        const auto location = find_header(response->headers, "location");
        if (!is_redirect_status(response->status) || !location) {
            response->url = std::move(chain.url);
            response->fetched_at = chain.fetched_at;
            response->total_seconds = chain.total_seconds;
            response->first_remote_ip = std::move(chain.first_remote_ip);
            response->redirects = chain.redirects;
            response->redirect_statuses = std::move(chain.redirect_statuses);
            response->first_redirect_target = std::move(chain.first_redirect_target);
            co_return response;
        }
        if (hop >= request.limits.max_redirects)
            co_return Error(Errc::http_status, fmt::format("more than {} redirects (the last to {})", request.limits.max_redirects, shown_location(*location)));
        auto next = resolve_url(request.url, *location);
        if (!next || !is_http_url(*next))
            co_return Error(Errc::unsupported, fmt::format("redirect to \"{}\" refused: only http/https URLs are followed", shown_location(*location)));
        ++chain.redirects;
        chain.redirect_statuses.push_back(response->status);
        if (chain.first_redirect_target.empty())
            chain.first_redirect_target = *next;
        if (!same_origin_or_https_upgrade(request.url, *next)) {
            // The feed's cookies and extra headers were configured for its own origin: an API key in
            // "X-Api-Key" is as much a credential as Authorization, so none of them go to another
            // host or port, nor over a downgrade to plain http (what libcurl did for its own two).
            request.cookies.clear();
            request.headers.clear();
        }
        request.url = std::move(*next);
    }
}

} // namespace feedkeeper::fetch

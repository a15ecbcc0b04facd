// fetch/fetcher.cpp — politeness, Retry-After and robots.txt around HttpClient.
// Threading: the io_context's one thread only.
#include "fetch/fetcher.hpp"

#include "core/log.hpp"
#include "core/url.hpp"
#include "fetch/http_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

namespace feedkeeper::fetch {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds default_too_many_requests_pause { 60 };

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

Fetcher::Fetcher(CurlMulti& multi, FetcherOptions options)
    : m_client(multi)
    , m_options(std::move(options))
    , m_politeness(multi.get_executor(), m_options.politeness)
{
}

void Fetcher::set_options(FetcherOptions options)
{
    m_options = std::move(options);
    m_politeness.set_options(m_options.politeness);
}

asio::awaitable<Result<HttpResponse>> Fetcher::fetch_politely(FetchRequest request)
{
    const std::string host = url_host(request.url);
    HostPermit permit = co_await m_politeness.acquire(host);
    const auto started = Clock::now();
    auto response = co_await m_client.fetch(std::move(request));
    permit.release(Clock::now() - started);
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

asio::awaitable<const RobotsRules*> Fetcher::robots_for(const FetchRequest& page)
{
    const std::string key = origin_of(page.url);
    for (;;) {
        auto it = m_robots.find(key);
        if (it != m_robots.end() && it->second.expires > Clock::now())
            co_return &it->second.rules;
        auto pending = m_robots_pending.find(key);
        if (pending == m_robots_pending.end())
            break;
        // Someone is fetching it already: wait for them (they cancel the timer when done).
        auto timer = pending->second;
        co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    }
    auto done = std::make_shared<asio::steady_timer>(m_client.multi().get_executor(), Clock::time_point::max());
    m_robots_pending[key] = done;

    FetchRequest request;
    request.url = resolve_url(page.url, "/robots.txt").value_or(page.url);
    request.user_agent = page.user_agent;
    request.proxy = page.proxy;
    request.address_policy = page.address_policy;
    request.limits = page.limits;
    request.limits.max_body_bytes = 512 * 1024;
    auto response = co_await fetch_politely(std::move(request));

    CachedRobots cached { RobotsRules::allow_all(), Clock::now() + m_options.robots_cache_time };
    if (response && response->status >= 200 && response->status < 300) {
        cached.rules = RobotsRules::parse(response->body, product_token(m_options.user_agent.empty() ? default_user_agent() : m_options.user_agent));
    } else if (!response || response->status >= 500 || response->status == 429) {
        // RFC 9309: an unreachable robots.txt means "assume complete disallow"; retry within the hour.
        cached.rules = RobotsRules::disallow_all();
        cached.expires = Clock::now() + std::chrono::hours(1);
    }
    if (auto delay = cached.rules.crawl_delay())
        m_politeness.set_crawl_delay(url_host(page.url), *delay);
    auto& slot = m_robots[key] = std::move(cached);
    m_robots_pending.erase(key);
    done->cancel();
    co_return &slot.rules;
}

asio::awaitable<Result<HttpResponse>> Fetcher::fetch(FetchRequest request, FetchPurpose purpose)
{
    if (request.user_agent.empty())
        request.user_agent = m_options.user_agent;
    if (purpose == FetchPurpose::article && m_politeness.policy(url_host(request.url)).obey_robots && is_http_url(request.url)) {
        const RobotsRules* rules = co_await robots_for(request);
        if (!rules->allowed(path_and_query(request.url)))
            co_return Error(Errc::blocked, "disallowed by the site's robots.txt");
    }
    co_return co_await fetch_politely(std::move(request));
}

} // namespace feedkeeper::fetch

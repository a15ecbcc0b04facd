// fetch/fetcher.hpp — the polite HTTP client the crawler uses: host slots and delays, Retry-After
// pauses, robots.txt for article pages, then HttpClient.
// Threading: the io_context's one thread only.
#pragma once

#include "fetch/http_client.hpp"
#include "fetch/politeness.hpp"
#include "fetch/robots.hpp"

#include <boost/asio/awaitable.hpp>

#include <unordered_map>

namespace feedkeeper::fetch {

enum class FetchPurpose { feed, article };

struct FetcherOptions {
    PolitenessOptions politeness;
    std::string user_agent;       // also the product token matched against robots.txt groups
    std::chrono::hours robots_cache_time { 24 };
};

class Fetcher {
public:
    Fetcher(CurlMulti&, FetcherOptions);

    // Waits for the host's turn, fetches, records the timing. Article pages disallowed by the
    // host's robots.txt fail with Errc::blocked without contacting the page.
    asio::awaitable<Result<HttpResponse>> fetch(FetchRequest, FetchPurpose);

    Politeness& politeness() { return m_politeness; }
    void set_options(FetcherOptions);

private:
    asio::awaitable<const RobotsRules*> robots_for(const FetchRequest&);
    asio::awaitable<Result<HttpResponse>> fetch_politely(FetchRequest);

    struct CachedRobots {
        RobotsRules rules;
        std::chrono::steady_clock::time_point expires;
    };

    HttpClient m_client;
    FetcherOptions m_options;
    Politeness m_politeness;
    std::unordered_map<std::string, CachedRobots> m_robots; // by scheme://host:port
    std::unordered_map<std::string, std::shared_ptr<asio::steady_timer>> m_robots_pending;
};

} // namespace feedkeeper::fetch

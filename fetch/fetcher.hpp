// fetch/fetcher.hpp — the polite HTTP client the crawler uses: host slots and delays, Retry-After
// pauses, robots.txt for article pages, then HttpClient; redirects followed hop by hop.
// Threading: the io_context's one thread only.
#pragma once

#include "fetch/http_client.hpp"
#include "fetch/politeness.hpp"
#include "fetch/robots.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>

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

    // Waits for the host's turn, fetches, records the timing; 429/503 with Retry-After (429
    // without: 60 s) pause the host. Article pages disallowed by the host's robots.txt fail with
    // Errc::blocked without contacting the page; while its robots.txt is unreachable (5xx, 429,
    // network: "complete disallow", RFC 9309 2.3.1.4) they fail with Errc::network, to be retried.
    // Cancellation (per-operation) yields Errc::cancelled wherever it is waiting.
    // Redirects (at most limits.max_redirects, http/https only) are followed here, not by libcurl,
    // so each hop goes through its own host's slot, pause and, for articles, robots.txt; cookies
    // and extra headers are not sent to another origin (host, port, or a downgrade to http), and a
    // chain that leaves a private origin is public-only from there on. The response records the
    // chain (redirects, redirect_statuses, first_redirect_target, final_url, first_remote_ip).
    asio::awaitable<Result<HttpResponse>> fetch(FetchRequest, FetchPurpose);

    Politeness& politeness() { return m_politeness; }
    void set_options(FetcherOptions);

    // Called with each robots.txt response that arrives (whatever its status; not when none
    // arrived), that is once per origin per cache lifetime, before the rules are read from it: the
    // crawler keeps it as a capture. Runs on the io thread and must not block.
    using RobotsObserver = std::function<void(const HttpResponse&)>;
    void observe_robots(RobotsObserver observer) { m_robots_observer = std::move(observer); }

private:
    struct RobotsCache; // shared with suspended robots.txt fetches, which may outlive the Fetcher
    enum class RobotsCheck { none, every_hop };
    asio::awaitable<Result<void>> check_robots(const FetchRequest&);
    asio::awaitable<Result<HttpResponse>> follow_redirects(FetchRequest, RobotsCheck);
    asio::awaitable<Result<HttpResponse>> fetch_politely(FetchRequest, std::string host);

    HttpClient m_client;
    FetcherOptions m_options;
    Politeness m_politeness;
    std::shared_ptr<RobotsCache> m_robots;
    RobotsObserver m_robots_observer;
};

} // namespace feedkeeper::fetch

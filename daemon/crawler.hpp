// daemon/crawler.hpp — the pipeline: poll a feed, store its entries, fetch each new article,
// extract it, store it. Used by `crawl --once`, `recrawl` and the daemon's scheduler alike.
// Threading: coroutines run on Runtime::io; parsing hops to cpu, archive calls to store.
#pragma once

#include "daemon/runtime.hpp"
#include "store/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace feedkeeper::daemon {

struct CrawlReport {
    std::size_t feeds_polled = 0;
    std::size_t feeds_failed = 0;
    std::size_t new_entries = 0;
    std::size_t articles_stored = 0;   // new articles and new revisions
    std::size_t articles_unchanged = 0;
    std::size_t articles_failed = 0;
    std::size_t pages_not_articles = 0; // consent walls, paywalls, error pages, …
    struct Failure {
        std::string where; // the feed or article URL
        std::string what;  // the cause, a readable sentence
    };
    std::vector<Failure> failures;

    std::string summary() const; // one line for people
    int exit_code() const;       // 1 when anything failed
};

struct ReextractReport {
    std::size_t revised = 0;   // a new revision (the extractor now finds a different text)
    std::size_t unchanged = 0;
    std::vector<CrawlReport::Failure> failures;
    std::string summary() const;
};

class Crawler {
public:
    explicit Crawler(Runtime&);

    // Called on the io thread after each feed poll and each article: (done, total, "feeds"|"articles").
    using ProgressCallback = std::function<void(std::size_t done, std::size_t total, const std::string& what)>;
    void on_progress(ProgressCallback callback) { m_progress = std::move(callback); }

    // Polls each feed (concurrently, politely), then fetches every article job that is due,
    // for those feeds (or all, when `all_jobs`). Returns when all work is done.
    asio::awaitable<CrawlReport> crawl(std::vector<store::FeedRecord> feeds, bool all_jobs);

    // One feed poll; returns the number of new entries, or the failure.
    asio::awaitable<Result<std::size_t>> poll_feed(store::FeedRecord);
    // One article job; true when stored (new or revised).
    asio::awaitable<Result<store::ArticleChange>> process_job(store::Job);
    // Drains due jobs with bounded concurrency. `feed_ids` empty: all feeds.
    asio::awaitable<void> drain_jobs(std::vector<std::int64_t> feed_ids, CrawlReport&);
    // Re-runs extraction on the latest stored capture of every article (of `host`, or all).
    asio::awaitable<ReextractReport> reextract(std::string host);

    // Shutdown: work already running finishes; no further feed or job is started.
    void stop() { m_stopping = true; }

private:
    // Extracts a fetched or stored page on the CPU pool, with its host's learned template.
    asio::awaitable<Result<ExtractedPage>> extract(const HttpResponse&);
    fetch::FetchRequest request_for(const std::string& url, const store::FeedRecord*) const;

    void progress(std::size_t done, std::size_t total, const char* what) const
    {
        if (m_progress)
            m_progress(done, total, what);
    }

    Runtime& m_runtime;
    std::mt19937_64 m_random;
    ProgressCallback m_progress;
    // What is being worked on right now, across concurrent crawls (the daemon's scheduler, a
    // control-socket recrawl): a feed is polled, and a job processed, by one of them at a time.
    std::set<std::int64_t> m_feeds_in_flight;
    std::set<std::int64_t> m_jobs_in_flight;
    bool m_stopping = false;
};

// Runs `work` over `items` with at most `limit` in flight, on the current executor.
asio::awaitable<void> for_each_concurrently(std::size_t count, std::size_t limit, std::function<asio::awaitable<void>(std::size_t)> work);

} // namespace feedkeeper::daemon

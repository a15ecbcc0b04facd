// crawl/report.hpp — what a crawl did, for people (one summary line, one line per failure and per
// host whose work was left queued) and for the exit code.
// Threading: plain values.
#pragma once

#include "core/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::crawl {

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
    // Work left queued because its host may not be asked yet (a Retry-After pause, a back-off, a
    // host another process holds): one entry per host.
    struct Deferred {
        std::string host;
        std::string state;               // "paused", "backing off", "held by another feedkeeper process (pid 42)"
        std::optional<Timestamp> until;  // when the host or the work may go again, if known
        std::string cause;               // "Retry-After", "3 failed attempts", …
        std::size_t feeds = 0;
        std::size_t articles = 0;
    };
    std::vector<Deferred> deferred;
    // Jobs whose result could not be stored (full disk, read-only archive): queued as they were.
    std::size_t storage_failures = 0;

    std::string summary() const;                    // one line for people
    std::vector<std::string> deferred_lines() const; // "127.0.1.60: paused until 18:30Z (Retry-After), 8 articles deferred"
    int exit_code() const;                          // 1 when anything failed; deferred work alone is 0
    void add(const CrawlReport&);
};

struct ReextractReport {
    std::size_t revised = 0;   // a new revision (the extractor now finds a different text)
    std::size_t unchanged = 0;
    std::vector<CrawlReport::Failure> failures;
    std::string summary() const;
};

// "18:30Z" for a time within a day of `now`, else the RFC 3339 date and time.
std::string format_clock_time(Timestamp time, Timestamp now);

} // namespace feedkeeper::crawl

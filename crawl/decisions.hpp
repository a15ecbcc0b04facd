// crawl/decisions.hpp — what a poll's or a fetch's result means: for a feed, its health, its next
// poll and its validators; for an article job, whether it is retried, when, or given up. Pure
// functions (the clock's reading and the random jitter source are passed in), unit-tested on
// their own; feed_poll.cpp and article_job.cpp only carry them out.
// Threading: pure functions.
#pragma once

#include "core/error.hpp"
#include "crawl/config.hpp"
#include "store/records.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <string>

namespace feedkeeper::crawl {

// --- feed polls

enum class PollVerdict {
    fresh,        // 2xx: parse it
    not_modified, // 304: nothing new, the feed is healthy
    retired,      // 410: the publisher retired it; never polled again
    failed,       // anything else: back off
};
PollVerdict judge_poll_status(long http_status);

// A failed poll (transport, HTTP status, not a feed, archive): the feed backs off, exponentially
// and with jitter, at least as long as a Retry-After asks, and is never given up (410 aside).
store::FeedPollOutcome poll_failure(const store::FeedRecord&, Timestamp now, const std::string& error, std::optional<std::chrono::seconds> retry_after,
    PollVerdict, const ScheduleConfig&, std::mt19937_64&);

// What a successful poll (2xx or 304) learned about the feed.
struct PollFacts {
    long http_status = 200;
    std::string etag;           // the response's validators; empty: keep the feed's
    std::string last_modified;
    std::optional<std::chrono::seconds> cache_lifetime;     // Cache-Control max-age / Expires
    std::optional<std::chrono::seconds> publishing_gap;     // measured from the entries' dates (2xx)
    std::optional<std::chrono::seconds> publisher_interval; // ttl / sy:updatePeriod (2xx)
    std::string title;
    std::string site_url;
    std::string new_url;   // a permanent redirect moved the feed here
    std::string remote_ip; // the feed's own address (empty through a proxy: keep the stored one)
};
// Healthy again; next poll after the feed's rhythm (what this poll measured, else what was known).
store::FeedPollOutcome poll_success(const store::FeedRecord&, Timestamp now, const PollFacts&, const ScheduleConfig&, std::mt19937_64&);

// --- article jobs

enum class JobAction {
    requeue,  // its host may not be asked yet: back into the frontier, nothing recorded
    release,  // back to the queue untried: no attempt counted (a Retry-After, the archive failing)
    retry,    // a failed attempt, counted; tried again at `at`
    give_up,  // final: the job is marked failed
    cancelled // shutting down: it stays queued as it is
};
struct JobVerdict {
    JobAction action = JobAction::retry;
    std::optional<Timestamp> at; // retry/release: not before
    bool gone = false;           // 404/410: the archived article, if any, is marked gone
};
// A fetch that failed before any HTTP status (network, timeout, robots.txt, size, type).
JobVerdict judge_fetch_error(const store::Job&, const Error&, Timestamp now, const ScheduleConfig&);
// A response whose status is not 2xx.
JobVerdict judge_job_status(const store::Job&, long http_status, std::optional<std::chrono::seconds> retry_after, Timestamp now, const ScheduleConfig&);
// The archive could not store the result (full disk, read-only, locked): the server did nothing
// wrong, so no attempt is counted and no back-off starts; the job waits for the next run.
JobVerdict judge_storage_error(const Error&);

// The back-off of an article job after `attempts` failed attempts (1, 2, …): 5 minutes, doubling.
std::chrono::seconds job_backoff(std::int64_t attempts);

} // namespace feedkeeper::crawl

// crawl/decisions.cpp — poll and job verdicts. Threading: pure functions.
#include "crawl/decisions.hpp"

#include "crawl/schedule.hpp"

#include <algorithm>

namespace feedkeeper::crawl {

using std::chrono::seconds;

PollVerdict judge_poll_status(long http_status)
{
    if (http_status == 304)
        return PollVerdict::not_modified;
    if (http_status == 410)
        return PollVerdict::retired;
    if (http_status >= 200 && http_status < 300)
        return PollVerdict::fresh;
    return PollVerdict::failed;
}

store::FeedPollOutcome poll_failure(const store::FeedRecord& feed, Timestamp now, const std::string& error, std::optional<seconds> retry_after,
    PollVerdict verdict, const ScheduleConfig& schedule, std::mt19937_64& random)
{
    store::FeedPollOutcome outcome;
    outcome.feed_id = feed.id;
    outcome.fetched_at = now;
    outcome.etag = feed.etag;
    outcome.last_modified = feed.last_modified;
    outcome.success = false;
    outcome.error = error;
    outcome.consecutive_failures = feed.consecutive_failures + 1;
    const bool retire = verdict == PollVerdict::retired;
    outcome.health = retire ? store::FeedHealth::retired : health_after(outcome.consecutive_failures);
    if (!retire)
        outcome.next_fetch = now + with_jitter(failure_interval(outcome.consecutive_failures, retry_after, schedule), schedule.jitter, random);
    return outcome;
}

store::FeedPollOutcome poll_success(const store::FeedRecord& feed, Timestamp now, const PollFacts& facts, const ScheduleConfig& schedule, std::mt19937_64& random)
{
    store::FeedPollOutcome outcome;
    outcome.feed_id = feed.id;
    outcome.fetched_at = now;
    outcome.success = true;
    outcome.health = store::FeedHealth::ok;
    outcome.etag = facts.etag.empty() ? feed.etag : facts.etag;
    outcome.last_modified = facts.last_modified.empty() ? feed.last_modified : facts.last_modified;
    outcome.title = facts.title;
    outcome.site_url = facts.site_url;
    outcome.new_url = facts.new_url;
    outcome.remote_ip = facts.remote_ip;
    // The feed's rhythm as last measured: a 304 says nothing new about it.
    std::optional<seconds> gap = feed.publishing_gap ? std::optional<seconds>(seconds(*feed.publishing_gap)) : std::nullopt;
    std::optional<seconds> publisher = feed.publisher_interval ? std::optional<seconds>(seconds(*feed.publisher_interval)) : std::nullopt;
    if (facts.publishing_gap) {
        gap = facts.publishing_gap;
        outcome.publishing_gap = facts.publishing_gap->count();
    }
    if (facts.publisher_interval) {
        publisher = facts.publisher_interval;
        outcome.publisher_interval = facts.publisher_interval->count();
    }
    if (facts.cache_lifetime)
        outcome.cache_until = now + *facts.cache_lifetime;
    outcome.next_fetch = now + with_jitter(success_interval(feed, gap, publisher, facts.cache_lifetime, schedule), schedule.jitter, random);
    return outcome;
}

seconds job_backoff(std::int64_t attempts)
{
    return seconds(300LL << std::clamp<std::int64_t>(attempts - 1, 0, 8));
}

namespace {

JobVerdict retry_or_give_up(const store::Job& job, bool permanent, std::optional<seconds> retry_after, Timestamp now, const ScheduleConfig& schedule)
{
    const std::int64_t attempts = job.attempts + 1;
    if (permanent || static_cast<std::size_t>(attempts) >= schedule.article_attempts)
        return { JobAction::give_up, std::nullopt, false };
    return { JobAction::retry, now + std::max(retry_after.value_or(seconds(0)), job_backoff(attempts)), false };
}

} // namespace

JobVerdict judge_fetch_error(const store::Job& job, const Error& error, Timestamp now, const ScheduleConfig& schedule)
{
    switch (error.code) {
    case Errc::deferred: return { JobAction::requeue, std::nullopt, false };
    case Errc::cancelled: return { JobAction::cancelled, std::nullopt, false };
    // Disallowed by robots.txt, too big, not a page: asking again changes nothing.
    case Errc::blocked:
    case Errc::too_large:
    case Errc::unsupported: return retry_or_give_up(job, true, std::nullopt, now, schedule);
    default: return retry_or_give_up(job, false, std::nullopt, now, schedule);
    }
}

JobVerdict judge_job_status(const store::Job& job, long http_status, std::optional<seconds> retry_after, Timestamp now, const ScheduleConfig& schedule)
{
    if (http_status == 404 || http_status == 410) {
        // 410 is final; a 404 on a revision check means the article went away; a new item's 404 may
        // be a page published a moment after its feed entry, so it is tried again.
        JobVerdict verdict = retry_or_give_up(job, http_status == 410 || job.kind != store::JobKind::article, std::nullopt, now, schedule);
        verdict.gone = true;
        return verdict;
    }
    // The server asks us to come back later: that is not the page's failure. The Fetcher paused the
    // host; the job waits untried, no attempt counted.
    if ((http_status == 429 || http_status == 503) && retry_after)
        return { JobAction::release, now + *retry_after, false };
    return retry_or_give_up(job, false, retry_after, now, schedule);
}

JobVerdict judge_storage_error(const Error& error)
{
    if (error.code == Errc::cancelled)
        return { JobAction::cancelled, std::nullopt, false };
    return { JobAction::release, std::nullopt, false };
}

} // namespace feedkeeper::crawl

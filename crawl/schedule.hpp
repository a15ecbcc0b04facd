// crawl/schedule.hpp — when to poll a feed next and what its health is, from what just happened.
// Threading: pure functions (the random jitter source is passed in).
#pragma once

#include "core/feed.hpp"
#include "crawl/config.hpp"
#include "store/records.hpp"

#include <chrono>
#include <optional>
#include <random>

namespace feedkeeper::crawl {

// How often the feed publishes: the median gap between its newest entries' dates, if known.
std::optional<std::chrono::seconds> publishing_gap(const FeedDocument&);

// Interval after a successful poll: the user's fixed interval, else the publishing rhythm, both
// raised to the publisher's ttl / sy:updatePeriod and Cache-Control, bounded by the config.
std::chrono::seconds success_interval(const store::FeedRecord&, std::optional<std::chrono::seconds> publishing_gap,
    std::optional<std::chrono::seconds> publisher_interval, std::optional<std::chrono::seconds> cache_lifetime, const ScheduleConfig&);

// Exponential backoff after `failures` consecutive failures (1, 2, …), capped, never "never".
std::chrono::seconds failure_interval(std::int64_t failures, std::optional<std::chrono::seconds> retry_after, const ScheduleConfig&);

// Health after `failures` consecutive failures: ok, backing_off (a few), failing (persistent).
store::FeedHealth health_after(std::int64_t failures);

// Spreads `interval` by +/- jitter so feeds do not align.
std::chrono::seconds with_jitter(std::chrono::seconds interval, double jitter, std::mt19937_64&);

} // namespace feedkeeper::crawl

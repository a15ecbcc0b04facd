// crawl/schedule.cpp — adaptive polling and backoff. Threading: pure functions.
#include "crawl/schedule.hpp"

#include <algorithm>
#include <vector>

namespace feedkeeper::crawl {

using std::chrono::seconds;

std::optional<seconds> publishing_gap(const FeedDocument& feed)
{
    std::vector<Timestamp> dates;
    for (const FeedEntry& entry : feed.entries)
        if (auto date = entry.published ? entry.published : entry.updated)
            dates.push_back(*date);
    if (dates.size() < 2)
        return std::nullopt;
    std::sort(dates.begin(), dates.end(), std::greater<>());
    dates.resize(std::min<std::size_t>(dates.size(), 20)); // the recent rhythm matters
    std::vector<seconds> gaps;
    for (std::size_t i = 1; i < dates.size(); ++i)
        gaps.push_back(std::chrono::duration_cast<seconds>(dates[i - 1] - dates[i]));
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
    return gaps[gaps.size() / 2];
}

seconds success_interval(const store::FeedRecord& feed, std::optional<seconds> gap, std::optional<seconds> publisher_interval,
    std::optional<seconds> cache_lifetime, const ScheduleConfig& config)
{
    if (feed.interval_seconds) // the user's word wins, within reason
        return std::max(seconds(*feed.interval_seconds), seconds(60));
    // Poll about twice per publishing gap, so a new item waits half a gap on average.
    seconds interval = gap ? *gap / 2 : config.default_interval;
    if (publisher_interval)
        interval = std::max(interval, *publisher_interval);
    if (cache_lifetime)
        interval = std::max(interval, *cache_lifetime);
    return std::clamp(interval, config.min_interval, std::max(config.min_interval, config.max_interval));
}

seconds failure_interval(std::int64_t failures, std::optional<seconds> retry_after, const ScheduleConfig& config)
{
    const int exponent = static_cast<int>(std::clamp<std::int64_t>(failures - 1, 0, 20));
    seconds interval = std::min(seconds(60LL << exponent), config.max_backoff);
    if (retry_after)
        interval = std::max(interval, *retry_after);
    return interval;
}

store::FeedHealth health_after(std::int64_t failures)
{
    if (failures <= 0)
        return store::FeedHealth::ok;
    return failures < 3 ? store::FeedHealth::backing_off : store::FeedHealth::failing;
}

seconds with_jitter(seconds interval, double jitter, std::mt19937_64& random)
{
    if (jitter <= 0 || interval.count() <= 1)
        return interval;
    std::uniform_real_distribution<double> spread(1.0 - jitter, 1.0 + jitter);
    return seconds(static_cast<long long>(static_cast<double>(interval.count()) * spread(random)));
}

} // namespace feedkeeper::crawl

// tests/daemon/schedule_test.cpp — adaptive intervals, backoff, health and jitter.
#include "crawl/schedule.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::crawl;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

FeedDocument feed_with_gaps(std::initializer_list<int> hours_ago)
{
    FeedDocument feed;
    const Timestamp now = *parse_rfc3339("2026-11-30T12:00:00Z");
    for (int h : hours_ago) {
        FeedEntry entry;
        entry.published = now - hours(h);
        feed.entries.push_back(entry);
    }
    return feed;
}

} // namespace

TEST(Schedule, PublishingGapIsTheMedianOfRecentGaps)
{
    EXPECT_EQ(publishing_gap(feed_with_gaps({ 0, 2, 4, 6, 30 })), seconds(hours(2)));
    EXPECT_EQ(publishing_gap(feed_with_gaps({ 5 })), std::nullopt) << "one date says nothing about a rhythm";
}

TEST(Schedule, PollsTwicePerPublishingGapWithinBounds)
{
    ScheduleConfig config;
    store::FeedRecord feed;
    EXPECT_EQ(success_interval(feed, seconds(hours(4)), std::nullopt, std::nullopt, config), seconds(hours(2)));
    EXPECT_EQ(success_interval(feed, seconds(60), std::nullopt, std::nullopt, config), config.min_interval);
    EXPECT_EQ(success_interval(feed, seconds(hours(24 * 30)), std::nullopt, std::nullopt, config), config.max_interval);
    EXPECT_EQ(success_interval(feed, std::nullopt, std::nullopt, std::nullopt, config), config.default_interval);
}

TEST(Schedule, PublisherHintsAndCacheLifetimeAreLowerBounds)
{
    ScheduleConfig config;
    store::FeedRecord feed;
    EXPECT_EQ(success_interval(feed, seconds(minutes(40)), seconds(hours(3)), std::nullopt, config), seconds(hours(3)));
    EXPECT_EQ(success_interval(feed, seconds(minutes(40)), std::nullopt, seconds(hours(5)), config), seconds(hours(5)));
}

TEST(Schedule, TheUsersFixedIntervalWins)
{
    ScheduleConfig config;
    store::FeedRecord feed;
    feed.interval_seconds = 1800;
    EXPECT_EQ(success_interval(feed, seconds(hours(10)), seconds(hours(3)), std::nullopt, config), seconds(1800));
}

TEST(Schedule, BackoffGrowsExponentiallyUpToTheCapAndHonoursRetryAfter)
{
    ScheduleConfig config;
    EXPECT_EQ(failure_interval(1, std::nullopt, config), seconds(60));
    EXPECT_EQ(failure_interval(2, std::nullopt, config), seconds(120));
    EXPECT_EQ(failure_interval(4, std::nullopt, config), seconds(480));
    EXPECT_EQ(failure_interval(50, std::nullopt, config), config.max_backoff) << "capped, never 'never'";
    EXPECT_EQ(failure_interval(1, seconds(3600), config), seconds(3600));
}

TEST(Schedule, HealthFollowsConsecutiveFailures)
{
    EXPECT_EQ(health_after(0), store::FeedHealth::ok);
    EXPECT_EQ(health_after(1), store::FeedHealth::backing_off);
    EXPECT_EQ(health_after(3), store::FeedHealth::failing);
}

TEST(Schedule, JitterStaysWithinItsShare)
{
    std::mt19937_64 random(42);
    bool varied = false;
    for (int i = 0; i < 200; ++i) {
        const auto value = with_jitter(seconds(1000), 0.1, random);
        EXPECT_GE(value, seconds(900));
        EXPECT_LE(value, seconds(1100));
        varied = varied || value != seconds(1000);
    }
    EXPECT_TRUE(varied);
}

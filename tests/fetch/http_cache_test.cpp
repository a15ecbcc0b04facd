// tests/fetch/http_cache_test.cpp — Retry-After and freshness from response headers.
#include "fetch/http_cache.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::fetch;
using namespace std::chrono_literals;

namespace {

// Tue, 06 Dec 2022 09:14:00 GMT
const Timestamp reference_now { std::chrono::seconds(1670318040) };

} // namespace

TEST(HttpDate, ParsesTheThreeFormatsOfRfc9110)
{
    for (const char* text : { "Tue, 06 Dec 2022 09:14:00 GMT", "Tuesday, 06-Dec-22 09:14:00 GMT", "Tue Dec  6 09:14:00 2022" }) {
        auto parsed = parse_http_date(text);
        ASSERT_TRUE(parsed) << text;
        EXPECT_EQ(*parsed, reference_now) << text;
    }
    EXPECT_FALSE(parse_http_date("not a date"));
    EXPECT_FALSE(parse_http_date(""));
}

TEST(RetryAfter, ReadsDeltaSeconds)
{
    EXPECT_EQ(retry_after({ { "Retry-After", "120" } }, reference_now), 120s);
    EXPECT_EQ(retry_after({ { "retry-after", " 0 " } }, reference_now), 0s);
}

TEST(RetryAfter, ReadsAnHttpDateRelativeToNow)
{
    EXPECT_EQ(retry_after({ { "Retry-After", "Tue, 06 Dec 2022 09:16:30 GMT" } }, reference_now), 150s);
    EXPECT_EQ(retry_after({ { "Retry-After", "Tue, 06 Dec 2022 09:00:00 GMT" } }, reference_now), 0s); // in the past
}

TEST(RetryAfter, CapsHostileValuesAtOneWeek)
{
    EXPECT_EQ(retry_after({ { "Retry-After", "99999999" } }, reference_now), std::chrono::seconds(7 * 24 * 3600));
    EXPECT_EQ(retry_after({ { "Retry-After", "99999999999999999999999" } }, reference_now), std::chrono::seconds(7 * 24 * 3600));
    EXPECT_EQ(retry_after({ { "Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT" } }, reference_now), std::chrono::seconds(7 * 24 * 3600));
}

TEST(RetryAfter, IgnoresMissingAndMalformedValues)
{
    EXPECT_FALSE(retry_after({}, reference_now));
    EXPECT_FALSE(retry_after({ { "Retry-After", "soon" } }, reference_now));
    EXPECT_FALSE(retry_after({ { "Retry-After", "-5" } }, reference_now));
    EXPECT_FALSE(retry_after({ { "Retry-After", "1.5" } }, reference_now));
}

TEST(Freshness, MaxAgeGivesTheLifetime)
{
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "public, max-age=600" } }, reference_now), 600s);
    EXPECT_EQ(freshness_lifetime({ { "cache-control", "MAX-AGE=\"60\"" } }, reference_now), 60s);
}

TEST(Freshness, SharedCacheMaxAgeIsIgnoredByAPrivateCache)
{
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "s-maxage=3600, max-age=60" } }, reference_now), 60s);
    EXPECT_FALSE(freshness_lifetime({ { "Cache-Control", "s-maxage=3600" } }, reference_now));
}

TEST(Freshness, NoCacheAndNoStoreMeanAskEveryTime)
{
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "no-cache" } }, reference_now), 0s);
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=600, no-store" } }, reference_now), 0s);
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=600" }, { "Cache-Control", "no-cache" } }, reference_now), 0s);
}

TEST(Freshness, ExpiresCountsFromTheServersDate)
{
    const HttpHeaders headers { { "Date", "Tue, 06 Dec 2022 09:00:00 GMT" }, { "Expires", "Tue, 06 Dec 2022 09:30:00 GMT" } };
    EXPECT_EQ(freshness_lifetime(headers, reference_now), 1800s); // not 16 minutes from our clock
    EXPECT_EQ(freshness_lifetime({ { "Expires", "Tue, 06 Dec 2022 09:30:00 GMT" } }, reference_now), 960s);
}

TEST(Freshness, MaxAgeTakesPrecedenceOverExpires)
{
    const HttpHeaders headers { { "Cache-Control", "max-age=60" }, { "Expires", "Tue, 06 Dec 2022 12:00:00 GMT" } };
    EXPECT_EQ(freshness_lifetime(headers, reference_now), 60s);
}

TEST(Freshness, AnInvalidOrPastExpiresMeansAlreadyStale)
{
    EXPECT_EQ(freshness_lifetime({ { "Expires", "0" } }, reference_now), 0s);
    EXPECT_EQ(freshness_lifetime({ { "Expires", "Mon, 05 Dec 2022 00:00:00 GMT" } }, reference_now), 0s);
}

TEST(Freshness, AgeIsSubtractedFromTheLifetime)
{
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=600" }, { "Age", "100" } }, reference_now), 500s);
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=600" }, { "Age", "9000" } }, reference_now), 0s);
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=600" }, { "Age", "junk" } }, reference_now), 600s);
}

TEST(Freshness, WithoutCacheHeadersThereIsNoLowerBound)
{
    EXPECT_FALSE(freshness_lifetime({ { "Content-Type", "application/rss+xml" } }, reference_now));
    EXPECT_FALSE(freshness_lifetime({ { "Cache-Control", "max-age=soon" } }, reference_now));
}

TEST(Freshness, CapsHostileLifetimesAtOneWeek)
{
    EXPECT_EQ(freshness_lifetime({ { "Cache-Control", "max-age=99999999999" } }, reference_now), std::chrono::seconds(7 * 24 * 3600));
}

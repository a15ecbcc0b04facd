// tests/core/time_test.cpp — RFC 3339 round trips and durations.
#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;

TEST(Time, ParsesRfc3339WithOffsetsIntoUtc)
{
    auto time = parse_rfc3339("2022-12-06T10:14:00+01:00");
    ASSERT_TRUE(time);
    EXPECT_EQ(format_rfc3339(*time), "2022-12-06T09:14:00Z");
    EXPECT_EQ(format_rfc3339(*parse_rfc3339("2022-12-06T09:14:00.123Z")), "2022-12-06T09:14:00Z");
    EXPECT_EQ(format_rfc3339(*parse_rfc3339("2022-12-06")), "2022-12-06T00:00:00Z");
    EXPECT_FALSE(parse_rfc3339("yesterday"));
    EXPECT_FALSE(parse_rfc3339("2022-12-06T09:14:00Zjunk"));
}

TEST(Time, FormatsHttpDates)
{
    EXPECT_EQ(format_http_date(*parse_rfc3339("1994-11-06T08:49:37Z")), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(Time, ParsesDurationsWithUnits)
{
    EXPECT_EQ(parse_duration("90"), std::chrono::seconds(90));
    EXPECT_EQ(parse_duration("15m"), std::chrono::seconds(900));
    EXPECT_EQ(parse_duration("2h"), std::chrono::seconds(7200));
    EXPECT_FALSE(parse_duration("-1s"));
    EXPECT_FALSE(parse_duration("3 weeks"));
    EXPECT_EQ(format_duration(std::chrono::seconds(3600)), "1h");
}

TEST(Time, RefusesOffsetsOutsideTwentyThreeHoursFiftyNineMinutes)
{
    EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00+99:99"));
    EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00+24:00"));
    EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00-05:60"));
    EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00+5:00"));
    EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-01-01T00:00:00+23:59")), "2023-12-31T00:01:00Z");
    EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-01-01T00:00:00-05:30")), "2024-01-01T05:30:00Z");
    EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00-0530")) << "RFC 3339 offsets have a colon";
}

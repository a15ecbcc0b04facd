// tests/parse/text/date_test.cpp — the date parser on RFC 822 variants, W3CDTF/ISO 8601, asctime.
#include "parse/text/date.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;
using parse::parse_feed_date;

namespace {

std::string read(std::string_view text, const parse::DateParseOptions& options = {})
{
    auto instant = parse_feed_date(text, options);
    return instant ? format_rfc3339(*instant) : std::string("none");
}

} // namespace

TEST(FeedDate, ReadsRfc822WithNumericAndNamedZones)
{
    EXPECT_EQ(read("Thu, 01 Jan 2004 19:48:21 GMT"), "2004-01-01T19:48:21Z");
    EXPECT_EQ(read("Mon, 02 Jan 2006 15:04:05 -0700"), "2006-01-02T22:04:05Z");
    EXPECT_EQ(read("Wed, 19 Feb 2012 22:40:00 -01:01"), "2012-02-19T23:41:00Z");
    EXPECT_EQ(read("Mon, 02 Jan 2006 15:04:05 EST"), "2006-01-02T20:04:05Z");
    EXPECT_EQ(read("Mon, 02 Jan 2006 15:04:05 PDT"), "2006-01-02T22:04:05Z");
    EXPECT_EQ(read("Mon, 26 January 2004 16:31:00 PT"), "2004-01-27T00:31:00Z");
}

TEST(FeedDate, ReadsGermanMonthNamesInRfc822Dates)
{
    EXPECT_EQ(read("Di, 14 Okt 2003 10:00:00 +0200"), "2003-10-14T08:00:00Z");
    EXPECT_EQ(read("Mo, 03 M\xC3\xA4rz 2008 09:15:00 MEZ"), "2008-03-03T08:15:00Z");
    EXPECT_EQ(read("Fr, 1. Mai 2020 12:00:00 MESZ"), "2020-05-01T10:00:00Z");
    EXPECT_EQ(read("Sonntag, 24. Dezember 2023 18:30 CET"), "2023-12-24T17:30:00Z");
}

TEST(FeedDate, ReadsEuropeanZoneAbbreviations)
{
    EXPECT_EQ(read("Thu, 30 Apr 2015 08:57:00 MET"), "2015-04-30T07:57:00Z");
    EXPECT_EQ(read("Thu, 30 Apr 2015 08:57:00 MEST"), "2015-04-30T06:57:00Z");
    EXPECT_EQ(read("Mon, 02 Jan 2006 15:04:05 CEST"), "2006-01-02T13:04:05Z");
}

TEST(FeedDate, ToleratesMissingSecondsOddCommasAndSpacing)
{
    EXPECT_EQ(read("Thu, 01 Jan 2004 00:00 GMT"), "2004-01-01T00:00:00Z");
    EXPECT_EQ(read("Mon,02 January 2006 15:04:05 EST"), "2006-01-02T20:04:05Z");
    EXPECT_EQ(read("Thu,  5 Apr 2012 10:00:00 GMT"), "2012-04-05T10:00:00Z");
    EXPECT_EQ(read("  Thu, 01 Jan 04 19:48:21 GMT  "), "2004-01-01T19:48:21Z");
    EXPECT_EQ(read("Mon, 2 Jan 2006 3:04:05 PM -0700 (PDT)"), "2006-01-02T22:04:05Z");
}

TEST(FeedDate, ReadsAsctimeAndItsRelatives)
{
    EXPECT_EQ(read("Sun Jan  4 16:29:06 2004"), "2004-01-04T16:29:06Z");
    EXPECT_EQ(read("Thu Aug 30 2012 17:26:16 +0200"), "2012-08-30T15:26:16Z");
    EXPECT_EQ(read("Sun Jul 15 01:16:00 +0000 2012"), "2012-07-15T01:16:00Z");
    EXPECT_EQ(read("Fri, 2006/09/15 08:19:53 EDT"), "2006-09-15T12:19:53Z");
}

TEST(FeedDate, ReadsW3cdtfAndIso8601Forms)
{
    EXPECT_EQ(read("2003-12-31T10:14:55Z"), "2003-12-31T10:14:55Z");
    EXPECT_EQ(read("2003-12-31T10:14:55-08:00"), "2003-12-31T18:14:55Z");
    EXPECT_EQ(read("2007-04-23T23:25:47.538+10:00"), "2007-04-23T13:25:47Z");
    EXPECT_EQ(read("2003-12-31"), "2003-12-31T00:00:00Z");
    EXPECT_EQ(read("2003-12"), "2003-12-01T00:00:00Z");
    EXPECT_EQ(read("2003"), "2003-01-01T00:00:00Z");
    EXPECT_EQ(read("20031231T101455Z"), "2003-12-31T10:14:55Z");
    EXPECT_EQ(read("2003-335"), "2003-12-01T00:00:00Z");
    EXPECT_EQ(read("031231"), "2003-12-31T00:00:00Z");
    EXPECT_EQ(read("-0312"), "2003-12-01T00:00:00Z");
    EXPECT_EQ(read("2004-07-08 23:56:58.0"), "2004-07-08T23:56:58Z");
}

TEST(FeedDate, ReadsRealWorldOddities)
{
    EXPECT_EQ(read("Friday, December 22, 2017 - 3:09pm"), "2017-12-22T15:09:00Z");
    EXPECT_EQ(read("Mon, 16th Nov 2020 13:16:28 GMT"), "2020-11-16T13:16:28Z");
    EXPECT_EQ(read("Thu, June 22, 2023 at 01:11 PM EDT"), "2023-06-22T17:11:00Z");
    EXPECT_EQ(read("Lundi, 16. Novembre 2020 - 15:54"), "2020-11-16T15:54:00Z");
    EXPECT_EQ(read("Wed, 19 Feb 2012 22:40:00 GMT-01:01"), "2012-02-19T23:41:00Z");
    EXPECT_EQ(read("2020-11-08T16:20:00-05:00Z"), "2020-11-08T21:20:00Z");
    EXPECT_EQ(read("1520932969"), "2018-03-13T09:22:49Z");
}

TEST(FeedDate, ReadsADateWithoutZoneAsUtc)
{
    EXPECT_EQ(read("2006-01-02 15:04:05"), "2006-01-02T15:04:05Z");
    EXPECT_EQ(read("Mon, 02 Jan 2006 15:04:05"), "2006-01-02T15:04:05Z");
}

TEST(FeedDate, CrossesDayAndLeapYearBoundariesWithTheOffset)
{
    EXPECT_EQ(read("2000-02-28T18:14:55-08:00"), "2000-02-29T02:14:55Z");
    EXPECT_EQ(read("Thu, 01 Jan 0100 00:00:01 +0100"), "0099-12-31T23:00:01Z");
}

TEST(FeedDate, RejectsWhatIsNotADate)
{
    EXPECT_EQ(read("invalid"), "none");
    EXPECT_EQ(read("Sun, 16 zzz 2012 11:47:32 GMT"), "none");
    EXPECT_EQ(read("Sun, 99 Jun 2009 12:00:00 GMT"), "none");
    EXPECT_EQ(read("Sun, 16 Dec 2012 11:47:32 +00:zz"), "none");
    EXPECT_EQ(read("2003-02-30"), "none");
    EXPECT_EQ(read(""), "none");
    EXPECT_EQ(read(std::string(400, '1')), "none");
}

TEST(FeedDate, AsksTheCallersZoneDatabaseForIanaNames)
{
    parse::ZoneOffsetLookup lookup = [](std::string_view zone, Timestamp) -> std::optional<std::chrono::seconds> {
        if (zone == "America/Los_Angeles")
            return std::chrono::hours(-7);
        return std::nullopt;
    };
    parse::DateParseOptions options;
    options.zones = &lookup;
    EXPECT_EQ(read("Fri, 31 Mar 2023 20:19:00 America/Los_Angeles", options), "2023-04-01T03:19:00Z");
    EXPECT_EQ(read("Fri, 31 Mar 2023 20:19:00 Nowhere/Land", options), "2023-03-31T20:19:00Z");
    EXPECT_EQ(read("Wed, 19 Aug 2009 18:28:00 Etc/GMT+2"), "2009-08-19T20:28:00Z");
}

// parse/text/date.hpp — dates as feeds write them (RFC 822 and its real-world variants, W3CDTF /
// ISO 8601, asctime) read into UTC. Pure: no clock, no time-zone files. Safe on any thread.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace feedkeeper::parse {

// A few feeds name an IANA zone ("Fri, 31 Mar 2023 20:19:00 America/Los_Angeles"). parse/ has no
// time-zone database (that would be I/O), so the caller may lend one: given the zone name and the
// wall-clock time read as if it were UTC, return the zone's UTC offset then, or nullopt if unknown.
using ZoneOffsetLookup = std::function<std::optional<std::chrono::seconds>(std::string_view zone, Timestamp wall_clock)>;

struct DateParseOptions {
    const ZoneOffsetLookup* zones = nullptr; // without it, IANA-named zones are read as UTC
};

// The instant `text` names, or nullopt when it is not a date we can read. Accepts:
//  - RFC 822/1123/2822 and variants: optional day name, English or German month names (full,
//    abbreviated, with or without a dot), 2- or 4-digit years, missing seconds, odd commas and
//    spacing, numeric offsets (+0200, +02:00, -01:01) and zone names (GMT, UT, EST, PDT, CET,
//    CEST, MEZ, MESZ, MET, MEST, AT/ET/CT/MT/PT, Etc/GMT, GMT+2, …), AM/PM, "(comment)" tails;
//  - asctime ("Sun Jan  4 16:29:06 2004") and its relatives ("Thu Aug 30 2012 17:26:16 +0200",
//    "Sun Jul 15 01:16:00 +0000 2012"), "2006/09/15 08:19:53";
//  - W3CDTF / ISO 8601: "2003", "2003-12", "2003-12-31", "20031231", ordinal "2003-335",
//    two-digit-year forms ("031231", "03-12-31", "-0312", "03335"), times with or without seconds
//    and fractions, 'T' or ' ' as separator, offsets Z, ±hh, ±hhmm, ±hh:mm.
// A date without a zone is UTC. Two-digit years 00–49 are 20xx, 50–99 19xx (RFC 2822 4.3).
std::optional<Timestamp> parse_feed_date(std::string_view text, const DateParseOptions& = {});

} // namespace feedkeeper::parse

// parse/html_dates.hpp — dates as web pages write them (ISO 8601 variants, RFC 2822, "6 December
// 2022", dates in URL paths), to UTC. Pure functions. Safe on any thread.
#pragma once

#include "core/time.hpp"

#include <optional>
#include <string_view>

namespace feedkeeper::parse {

// ISO 8601 / RFC 3339 with or without seconds, fraction, 'T', offset ("+0100", "+01:00", "Z");
// a bare date (midnight UTC); RFC 2822 ("Tue, 06 Dec 2022 09:14:00 GMT"); "December 6, 2022",
// "6 December 2022" and "Dec 6, 2022 9:14 AM" (English month names, time taken as UTC).
std::optional<Timestamp> parse_html_date(std::string_view);

// A date in a URL path: /2022/12/06/, /2022-12-06/, /20221206/ (midnight UTC).
std::optional<Timestamp> date_from_url(std::string_view url);

} // namespace feedkeeper::parse

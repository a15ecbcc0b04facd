// core/time.hpp — the archive's one notion of time: UTC seconds, printed as RFC 3339.
// Threading: pure functions; safe anywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace feedkeeper {

using Timestamp = std::chrono::sys_seconds;

Timestamp now_utc();

// "2022-12-06T09:14:00Z"
std::string format_rfc3339(Timestamp);
std::string format_rfc3339(const std::optional<Timestamp>&); // "" when unknown
// "Tue, 06 Dec 2022 09:14:00 GMT" (HTTP dates, WARC uses RFC 3339)
std::string format_http_date(Timestamp);

// Strict RFC 3339 / ISO 8601 as the archive writes it, with an optional offset and fraction;
// also accepts a bare date "2022-12-06" (midnight UTC). For command-line options and stored values.
std::optional<Timestamp> parse_rfc3339(std::string_view);

// A duration such as "90s", "15m", "2h", "1d" or a bare number of seconds.
std::optional<std::chrono::seconds> parse_duration(std::string_view);
std::string format_duration(std::chrono::seconds);

} // namespace feedkeeper

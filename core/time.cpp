// core/time.cpp — RFC 3339 formatting and strict parsing with Howard Hinnant's date library.
// Threading: pure functions.
#include "core/time.hpp"

#include <date/date.h>

#include <charconv>
#include <sstream>

namespace feedkeeper {

namespace {

// "+01:00" or "-05:30" with hours 00-23 and minutes 00-59 (RFC 3339 time-numoffset; without
// the colon date::parse would read "-0530" as something else entirely).
bool valid_offset(std::string_view offset)
{
    if (offset.size() != 6 || offset[3] != ':')
        return false;
    const std::string hhmm = std::string(offset.substr(1, 2)) + std::string(offset.substr(4, 2));
    if (offset[0] != '+' && offset[0] != '-')
        return false;
    for (char c : hhmm)
        if (c < '0' || c > '9')
            return false;
    const int hours = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
    const int minutes = (hhmm[2] - '0') * 10 + (hhmm[3] - '0');
    return hours <= 23 && minutes <= 59;
}

} // namespace

Timestamp now_utc() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string format_rfc3339(Timestamp time) { return date::format("%Y-%m-%dT%H:%M:%SZ", time); }

std::string format_rfc3339(const std::optional<Timestamp>& time) { return time ? format_rfc3339(*time) : std::string(); }

std::string format_http_date(Timestamp time) { return date::format("%a, %d %b %Y %H:%M:%S GMT", time); }

std::optional<Timestamp> parse_rfc3339(std::string_view text)
{
    if (text.size() == 10) {
        std::istringstream in { std::string(text) };
        date::sys_days day;
        in >> date::parse("%Y-%m-%d", day);
        if (in.fail())
            return std::nullopt;
        return Timestamp(day);
    }
    // Normalise: optional fraction dropped, 'z' / ' ' accepted.
    std::string normal(text);
    for (char& c : normal) {
        if (c == 't' || c == ' ')
            c = 'T';
        if (c == 'z')
            c = 'Z';
    }
    if (auto dot = normal.find('.', 19); dot == 19) {
        auto end = normal.find_first_not_of("0123456789", dot + 1);
        normal.erase(dot, end == std::string::npos ? std::string::npos : end - dot);
    }
    std::istringstream in(normal);
    date::sys_seconds time;
    if (normal.ends_with('Z')) {
        in >> date::parse("%Y-%m-%dT%H:%M:%SZ", time);
    } else if (normal.size() > 19) {
        // date::parse takes any two digits for the offset's hours and minutes: "+99:99" would
        // shift the time by four days. RFC 3339's time-numoffset is ("+" / "-") 00-23 ":" 00-59.
        if (!valid_offset(std::string_view(normal).substr(19)))
            return std::nullopt;
        in >> date::parse("%Y-%m-%dT%H:%M:%S%Ez", time);
    } else {
        in >> date::parse("%Y-%m-%dT%H:%M:%S", time);
    }
    if (in.fail())
        return std::nullopt;
    in.peek();
    if (!in.eof())
        return std::nullopt;
    return time;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || value < 0)
        return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    long long factor = 0;
    if (unit.empty() || unit == "s")
        factor = 1;
    else if (unit == "m" || unit == "min")
        factor = 60;
    else if (unit == "h")
        factor = 3600;
    else if (unit == "d")
        factor = 86400;
    else
        return std::nullopt;
    if (value > (1LL << 40) / factor)
        return std::nullopt;
    return std::chrono::seconds(value * factor);
}

std::string format_duration(std::chrono::seconds duration)
{
    const auto count = duration.count();
    if (count != 0 && count % 86400 == 0)
        return std::to_string(count / 86400) + "d";
    if (count != 0 && count % 3600 == 0)
        return std::to_string(count / 3600) + "h";
    if (count != 0 && count % 60 == 0)
        return std::to_string(count / 60) + "m";
    return std::to_string(count) + "s";
}

} // namespace feedkeeper

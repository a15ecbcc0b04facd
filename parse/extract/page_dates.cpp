// parse/extract/page_dates.cpp — page dates: parse_feed_date() behind a plausibility filter, and dates in
// URL paths on std::chrono's civil calendar. Pure. Safe on any thread.
#include "parse/extract/page_dates.hpp"


#include <chrono>

namespace feedkeeper::parse {
namespace {

using namespace std::chrono;

// The fixed-width digits at `at`, or nullopt.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count)
{
    if (at + count > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool plausible(Timestamp time)
{
    const auto year = static_cast<int>(year_month_day(floor<days>(time)).year());
    return year >= 1970 && year <= 2200;
}

} // namespace

std::optional<Timestamp> parse_html_date(std::string_view text, const DateParseOptions& options)
{
    const std::optional<Timestamp> time = parse_feed_date(text, options);
    if (!time || !plausible(*time))
        return std::nullopt;
    return time;
}

std::optional<Timestamp> date_from_url(std::string_view url)
{
    // Path only: skip scheme and host.
    const std::size_t scheme = url.find("://");
    const std::size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (path == std::string_view::npos)
        return std::nullopt;
    const std::string_view rest = url.substr(path);
    for (std::size_t i = 0; i + 8 < rest.size(); ++i) {
        if (rest[i] != '/' || !(rest[i + 1] == '1' || rest[i + 1] == '2'))
            continue;
        std::size_t at = i + 1;
        const auto year = digits(rest, at, 4);
        if (!year || *year < 1990 || *year > 2200)
            continue;
        at += 4;
        const auto is_separator = [&](std::size_t j) { return j < rest.size() && (rest[j] == '/' || rest[j] == '-' || rest[j] == '_'); };
        const bool separated = is_separator(at);
        at += separated;
        const auto month = digits(rest, at, 2);
        at += 2;
        if (!month || (separated && !is_separator(at)))
            continue;
        at += separated;
        const auto day = digits(rest, at, 2);
        at += 2;
        if (!day || (at < rest.size() && rest[at] >= '0' && rest[at] <= '9'))
            continue;
        const year_month_day date { std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
            std::chrono::day(static_cast<unsigned>(*day)) };
        if (date.ok())
            return Timestamp(sys_days(date));
    }
    return std::nullopt;
}

} // namespace feedkeeper::parse

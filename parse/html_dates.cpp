// parse/html_dates.cpp — a small tolerant date reader on std::chrono's civil calendar.
// Pure. Safe on any thread.
#include "parse/html_dates.hpp"

#include "core/text.hpp"

#include <array>
#include <chrono>
#include <cctype>
#include <cstdlib>

namespace feedkeeper::parse {
namespace {

using namespace std::chrono;

struct Cursor {
    std::string_view text;
    std::size_t at = 0;

    bool done() const { return at >= text.size(); }
    char peek() const { return done() ? '\0' : text[at]; }
    bool digit() const { return peek() >= '0' && peek() <= '9'; }
    void skip_spaces()
    {
        while (!done() && (text[at] == ' ' || text[at] == ',' || text[at] == '\t'))
            ++at;
    }
    // Exactly `count` digits, or (count == 0) one or more.
    std::optional<int> number(std::size_t count = 0)
    {
        std::size_t start = at;
        int value = 0;
        while (!done() && digit() && (count == 0 || at - start < count) && at - start < 9)
            value = value * 10 + (text[at++] - '0');
        if (at == start || (count != 0 && at - start != count))
            return std::nullopt;
        return value;
    }
    bool accept(char c)
    {
        if (peek() != c)
            return false;
        ++at;
        return true;
    }
};

constexpr std::array<std::string_view, 12> month_names = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
    "sep", "oct", "nov", "dec" };

std::optional<int> month_from_name(std::string_view word)
{
    const std::string lower = ascii_lower(word.substr(0, 3));
    for (std::size_t i = 0; i < month_names.size(); ++i) {
        if (lower == month_names[i])
            return static_cast<int>(i + 1);
    }
    return std::nullopt;
}

std::optional<Timestamp> make_time(int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
    int offset_minutes = 0)
{
    if (year < 1970 || year > 2200 || hour > 24 || minute > 59 || second > 60)
        return std::nullopt;
    const year_month_day date { std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
        std::chrono::day(static_cast<unsigned>(day)) };
    if (!date.ok())
        return std::nullopt;
    return Timestamp(sys_days(date)) + hours(hour) + minutes(minute) + seconds(std::min(second, 59))
        - minutes(offset_minutes);
}

// "Z", "+01:00", "+0100", "+01", " GMT", " UTC", " EST"… Returns minutes east of UTC.
std::optional<int> read_offset(Cursor& in)
{
    in.skip_spaces();
    if (in.done() || in.accept('Z') || in.accept('z'))
        return 0;
    const char sign = in.peek();
    if (sign == '+' || sign == '-') {
        ++in.at;
        auto hours_part = in.number(2);
        if (!hours_part)
            return std::nullopt;
        in.accept(':');
        const int minutes_part = in.number(2).value_or(0);
        const int total = *hours_part * 60 + minutes_part;
        return sign == '-' ? -total : total;
    }
    static constexpr std::pair<std::string_view, int> zones[] = { { "gmt", 0 }, { "utc", 0 }, { "ut", 0 },
        { "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
        { "pst", -480 }, { "pdt", -420 }, { "cet", 60 }, { "cest", 120 }, { "bst", 60 }, { "msk", 180 } };
    const std::string rest = ascii_lower(trim(in.text.substr(in.at)));
    for (auto [name, offset] : zones) {
        if (rest.starts_with(name))
            return offset;
    }
    return 0; // unknown zone words: read as UTC rather than lose the date
}

// HH:MM[:SS[.fff]] [AM|PM]
bool read_clock(Cursor& in, int& hour, int& minute, int& second)
{
    auto h = in.number();
    if (!h || !in.accept(':'))
        return false;
    auto m = in.number(2);
    if (!m)
        return false;
    hour = *h;
    minute = *m;
    second = 0;
    if (in.accept(':')) {
        second = in.number(2).value_or(0);
        if (in.accept('.') || in.accept(','))
            while (in.digit())
                ++in.at;
    }
    in.skip_spaces();
    const std::string rest = ascii_lower(in.text.substr(in.at, 2));
    if (rest == "am" || rest == "pm") {
        if (hour == 12)
            hour = 0;
        if (rest == "pm")
            hour += 12;
        in.at += 2;
    }
    return true;
}

std::optional<Timestamp> parse_iso(std::string_view text)
{
    Cursor in { text };
    auto year = in.number(4);
    if (!year || !(in.accept('-') || in.accept('/')))
        return std::nullopt;
    auto month = in.number(2);
    if (!month || !(in.accept('-') || in.accept('/')))
        return std::nullopt;
    auto day = in.number(2);
    if (!day)
        return std::nullopt;
    if (in.done())
        return make_time(*year, *month, *day);
    if (!(in.accept('T') || in.accept('t') || in.accept(' ')))
        return make_time(*year, *month, *day);
    int hour = 0, minute = 0, second = 0;
    if (!read_clock(in, hour, minute, second))
        return make_time(*year, *month, *day);
    const auto offset = read_offset(in);
    return make_time(*year, *month, *day, hour, minute, second, offset.value_or(0));
}

// "Tue, 06 Dec 2022 09:14:00 GMT", "6 December 2022", "December 6, 2022 9:14 AM EST"
std::optional<Timestamp> parse_words(std::string_view text)
{
    Cursor in { text };
    std::optional<int> day;
    std::optional<int> month;
    std::optional<int> year;
    for (int tokens = 0; tokens < 6 && !in.done() && !year; ++tokens) {
        in.skip_spaces();
        if (in.digit()) {
            auto value = in.number();
            in.accept('.');
            if (!value)
                return std::nullopt;
            if (*value >= 1970 && *value <= 2200)
                year = value;
            else if (!day && *value >= 1 && *value <= 31)
                day = value;
            else
                return std::nullopt;
            while (!in.done() && std::isalpha(static_cast<unsigned char>(in.peek()))) // "6th"
                ++in.at;
            continue;
        }
        const std::size_t start = in.at;
        while (!in.done() && std::isalpha(static_cast<unsigned char>(in.peek())))
            ++in.at;
        if (in.at == start)
            ++in.at; // punctuation
        else if (auto named = month_from_name(text.substr(start, in.at - start)); named && !month)
            month = named;
        in.accept('.');
    }
    if (!day || !month || !year)
        return std::nullopt;
    in.skip_spaces();
    int hour = 0, minute = 0, second = 0;
    const std::size_t before_clock = in.at;
    if (!read_clock(in, hour, minute, second)) {
        in.at = before_clock;
        return make_time(*year, *month, *day);
    }
    return make_time(*year, *month, *day, hour, minute, second, read_offset(in).value_or(0));
}

} // namespace

std::optional<Timestamp> parse_html_date(std::string_view raw)
{
    const std::string text = trim(raw.substr(0, 100));
    if (text.empty())
        return std::nullopt;
    if (auto iso = parse_iso(text))
        return iso;
    return parse_words(text);
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
        Cursor in { rest, i + 1 };
        auto year = in.number(4);
        if (!year || *year < 1990 || *year > 2200)
            continue;
        const bool separated = in.accept('/') || in.accept('-') || in.accept('_');
        auto month = in.number(2);
        if (!month || !(separated ? (in.accept('/') || in.accept('-') || in.accept('_')) : true))
            continue;
        auto day = in.number(2);
        if (!day || (!in.done() && in.digit()))
            continue;
        if (auto time = make_time(*year, *month, *day))
            return time;
    }
    return std::nullopt;
}

} // namespace feedkeeper::parse

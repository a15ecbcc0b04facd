// parse/text/date.cpp — the two date grammars (ISO 8601 and "everything textual") over the tokens of
// date_parts.cpp. No regex, no allocation on the common path. Pure; safe on any thread.
#include "parse/text/date.hpp"

#include "parse/text/date_parts.hpp"

#include <date/date.h>

#include <array>
#include <cstdint>
#include <string>

namespace feedkeeper::parse {
namespace {

using namespace date_parts;
using std::chrono::minutes;

constexpr std::size_t max_date_bytes = 160;

// ---- W3CDTF / ISO 8601 ---------------------------------------------------------------------

bool set_ordinal(DateFields& fields, int year, int ordinal)
{
    if (ordinal < 1 || ordinal > 366 || year < 1)
        return false;
    const date::year_month_day day { date::sys_days(date::year(year) / 1 / 1) + date::days(ordinal - 1) };
    if (static_cast<int>(day.year()) != year)
        return false;
    fields.year = year;
    fields.month = static_cast<int>(static_cast<unsigned>(day.month()));
    fields.day = static_cast<int>(static_cast<unsigned>(day.day()));
    return true;
}

// The calendar part; leaves `i` after it.
bool read_iso_date(std::string_view text, std::size_t& i, DateFields& fields)
{
    int value = 0;
    if (text[i] == '-') { // "-YYMM", "-YY-MM": a two-digit year with a month.
        ++i;
        if (read_number(text, i, value, 2) != 2)
            return false;
        fields.year = expand_two_digit_year(value);
        if (i < text.size() && text[i] == '-')
            ++i;
        if (read_number(text, i, fields.month, 2) != 2)
            return false;
        fields.day = 1;
        return true;
    }
    const std::size_t run = digit_run(text, i);
    switch (run) {
    case 8: read_number(text, i, fields.year, 4); read_number(text, i, fields.month, 2); read_number(text, i, fields.day, 2); return true;
    case 7: read_number(text, i, fields.year, 4); read_number(text, i, value, 3); return set_ordinal(fields, fields.year, value);
    case 6: read_number(text, i, value, 2); fields.year = expand_two_digit_year(value); read_number(text, i, fields.month, 2); read_number(text, i, fields.day, 2); return true;
    case 5: read_number(text, i, value, 2); read_number(text, i, fields.day, 3); return set_ordinal(fields, expand_two_digit_year(value), fields.day);
    case 4:
    case 2: {
        read_number(text, i, fields.year, 4);
        if (run == 2)
            fields.year = expand_two_digit_year(fields.year);
        if (i >= text.size() || text[i] != '-') {
            if (run == 2)
                return false;
            fields.month = 1, fields.day = 1; // "2003"
            return true;
        }
        ++i;
        const std::size_t second_run = digit_run(text, i);
        // Three digits are an ordinal day, unless a day follows ("2003-012-31", a padded month).
        if (second_run == 3 && !(i + 3 < text.size() && text[i + 3] == '-')) {
            read_number(text, i, value, 3);
            return set_ordinal(fields, fields.year, value);
        }
        if (second_run != 2 && second_run != 3)
            return false;
        read_number(text, i, fields.month, 3);
        fields.day = 1;
        if (i < text.size() && text[i] == '-') {
            ++i;
            if (read_number(text, i, fields.day, 2) != 2)
                return false;
        }
        return true;
    }
    default: return false;
    }
}

std::optional<Timestamp> parse_iso(std::string_view text, const DateParseOptions& options)
{
    DateFields fields;
    std::size_t i = 0;
    if (!read_iso_date(text, i, fields))
        return std::nullopt;
    if (i < text.size() && (text[i] == 'T' || text[i] == 't' || text[i] == ' ')) {
        std::size_t cursor = i + 1;
        while (cursor < text.size() && text[cursor] == ' ')
            ++cursor;
        if (digit_run(text, cursor) == 6) { // "T101455"
            read_number(text, cursor, fields.hour, 2);
            read_number(text, cursor, fields.minute, 2);
            read_number(text, cursor, fields.second, 2);
            i = cursor;
        } else if (digit_run(text, cursor) >= 1 && read_time(text, cursor, fields)) {
            i = cursor;
        } else if (text[i] != ' ') {
            return std::nullopt;
        }
    }
    while (i < text.size() && is_space(text[i]))
        ++i;
    if (i < text.size()) {
        if (text[i] == 'Z' || text[i] == 'z') {
            fields.offset = minutes(0);
            ++i;
        } else if (text[i] == '+' || text[i] == '-') {
            fields.offset = read_numeric_offset(text, i);
            if (!fields.offset)
                return std::nullopt;
        } else if (is_alpha(text[i])) {
            std::size_t end = i;
            while (end < text.size() && !is_space(text[end]))
                ++end;
            if (!apply_zone_word(text.substr(i, end - i), fields))
                return std::nullopt;
            i = end;
        }
    }
    if (i < text.size() && (text[i] == 'Z' || text[i] == 'z') && fields.offset)
        ++i; // "2020-11-08T16:20:00-05:00Z": an offset and a Z; the offset is the information
    while (i < text.size() && is_space(text[i]))
        ++i;
    if (i != text.size())
        return std::nullopt;
    return assemble(fields, options);
}

// ---- RFC 822 and everything else -----------------------------------------------------------

std::optional<Timestamp> parse_textual(std::string_view text, const DateParseOptions& options)
{
    DateFields fields;
    bool has_time = false;
    bool pm = false;
    bool am = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (is_space(c) || c == ',') {
            ++i;
        } else if (c == '(') { // "(PST)" and other comments
            const std::size_t close = text.find(')', i);
            i = close == std::string_view::npos ? text.size() : close + 1;
        } else if (is_alpha(c)) {
            std::size_t end = i;
            while (end < text.size() && (is_alpha(text[end]) || text[end] == '.' || text[end] == '_'))
                ++end;
            if (end < text.size() && text[end] == '/') // an IANA zone name such as America/Los_Angeles
                while (end < text.size() && !is_space(text[end]) && text[end] != ',')
                    ++end;
            std::string_view word_text = text.substr(i, end - i);
            const Word word(word_text);
            std::string_view lower = word.view();
            if (lower.size() > 1 && lower.back() == '.')
                lower.remove_suffix(1);
            i = end;
            if (is_weekday(lower) || lower == "t" || ((lower == "at" || lower == "um") && i < text.size() && fields.hour == 0 && !has_time))
                continue; // "Thu, June 22, 2023 at 01:11 PM": "at" before the time is a word, not Atlantic time
            if (auto month = month_number(lower); month && fields.month == unset) {
                fields.month = *month;
            } else if (lower == "am" || lower == "a.m") {
                am = true;
            } else if (lower == "pm" || lower == "p.m") {
                pm = true;
            } else if (apply_zone_word(word_text, fields)) {
                if ((lower == "gmt" || lower == "utc" || lower == "ut") && i < text.size() && (text[i] == '+' || text[i] == '-')) {
                    fields.offset = read_numeric_offset(text, i); // "GMT+0200"
                    if (!fields.offset)
                        return std::nullopt;
                }
            } else if (i >= text.size() && word_text.size() <= 5 && fields.year != unset) {
                fields.offset = minutes(0); // an unknown zone abbreviation at the very end: read as UTC
            } else {
                return std::nullopt;
            }
        } else if (is_digit(c)) {
            const std::size_t run = digit_run(text, i);
            const std::size_t after = i + run;
            if (after < text.size() && text[after] == ':') {
                if (has_time || !read_time(text, i, fields))
                    return std::nullopt;
                has_time = true;
            } else if (after < text.size() && text[after] == '/' && run == 4) { // "2006/09/15"
                read_number(text, i, fields.year, 4);
                ++i;
                if (read_number(text, i, fields.month, 2) == 0 || i >= text.size() || text[i] != '/')
                    return std::nullopt;
                ++i;
                if (read_number(text, i, fields.day, 2) == 0)
                    return std::nullopt;
            } else if (run >= 3 && run <= 4 && fields.year == unset) {
                read_number(text, i, fields.year, 4);
            } else if (run <= 2 && fields.day == unset) {
                read_number(text, i, fields.day, 2);
            } else if (run <= 2 && fields.year == unset) {
                read_number(text, i, fields.year, 2);
                fields.year = expand_two_digit_year(fields.year);
            } else {
                return std::nullopt;
            }
            const bool time_separator = i + 1 < text.size() && (text[i] == 'T' || text[i] == 't') && is_digit(text[i + 1]);
            if (i < text.size() && is_alpha(text[i]) && !time_separator) {
                // A suffix glued to the number: "16th", "3:09pm"; anything else ("12zz") is no date.
                std::size_t end = i;
                while (end < text.size() && (is_alpha(text[end]) || text[end] == '.'))
                    ++end;
                const Word suffix(text.substr(i, end - i));
                const std::string_view lower = suffix.view();
                if (lower == "st" || lower == "nd" || lower == "rd" || lower == "th")
                    i = end;
                else if (!(lower.starts_with("am") || lower.starts_with("pm") || lower.starts_with("a.m") || lower.starts_with("p.m")))
                    return std::nullopt;
            }
        } else if ((c == '+' || c == '-') && has_time && i + 1 < text.size() && is_digit(text[i + 1])) {
            fields.offset = read_numeric_offset(text, i);
            if (!fields.offset)
                return std::nullopt;
        } else if (c == '-' || c == '/' || c == '.') { // "06-Nov-94", "5. Januar 2006"
            ++i;
        } else {
            return std::nullopt;
        }
    }
    if (pm && fields.hour < 12)
        fields.hour += 12;
    if (am && fields.hour == 12)
        fields.hour = 0;
    return assemble(fields, options);
}

bool looks_like_iso(std::string_view text)
{
    if (text.starts_with('-'))
        return text.size() > 1 && is_digit(text[1]);
    const std::size_t run = digit_run(text, 0);
    if (run == 0)
        return false;
    if (run == text.size())
        return run == 4 || run >= 5;
    const char next = text[run];
    return next == '-' || next == 'T' || next == 't' || (run >= 5 && (next == ' ' || next == 'Z' || next == '+'));
}

} // namespace

std::optional<Timestamp> parse_feed_date(std::string_view text, const DateParseOptions& options)
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    if (text.empty() || text.size() > max_date_bytes)
        return std::nullopt;
    if (looks_like_iso(text)) {
        if (auto instant = parse_iso(text, options))
            return instant;
    }
    if (text.size() >= 9 && text.size() <= 11 && digit_run(text, 0) == text.size()) { // Unix time, "1520932969"
        int64_t value = 0;
        for (char c : text)
            value = value * 10 + (c - '0');
        const Timestamp instant { std::chrono::seconds(value) };
        if (date::year_month_day(date::floor<date::days>(instant)).year() <= date::year(9999))
            return instant;
        return std::nullopt;
    }
    return parse_textual(text, options);
}

} // namespace feedkeeper::parse

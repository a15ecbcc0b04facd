// parse/feed_date.cpp — a small tokenizer for feed dates; calendar arithmetic is Howard Hinnant's
// date library. No regex, no allocation on the common path. Pure; safe on any thread.
#include "parse/feed_date.hpp"

#include <date/date.h>

#include <array>
#include <cstdint>
#include <string>

namespace feedkeeper::parse {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t max_date_bytes = 160;
constexpr int unset = -1;

struct DateFields {
    int year = unset;
    int month = unset;
    int day = unset;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::optional<minutes> offset;
    std::string_view zone_name; // IANA name, looked up by the caller's database
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Lower-cases ASCII into a small buffer; words longer than the buffer never match a table entry.
struct Word {
    std::array<char, 24> bytes {};
    std::size_t size = 0;
    explicit Word(std::string_view text)
    {
        if (text.size() > bytes.size())
            return;
        for (char c : text)
            bytes[size++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::string_view view() const { return { bytes.data(), size }; }
};

struct NamedValue {
    std::string_view name;
    int value;
};

// English and German month names (plus a few French ones that cost nothing).
constexpr NamedValue month_names[] = {
    { "jan", 1 }, { "january", 1 }, { "januar", 1 }, { "j\xc3\xa4n", 1 }, { "j\xc3\xa4nner", 1 }, { "janv", 1 }, { "janvier", 1 },
    { "feb", 2 }, { "february", 2 }, { "februar", 2 }, { "f\xc3\xa9vr", 2 }, { "f\xc3\xa9vrier", 2 },
    { "mar", 3 }, { "march", 3 }, { "m\xc3\xa4r", 3 }, { "m\xc3\xa4rz", 3 }, { "maerz", 3 }, { "mrz", 3 }, { "mars", 3 },
    { "apr", 4 }, { "april", 4 }, { "avr", 4 }, { "avril", 4 },
    { "may", 5 }, { "mai", 5 },
    { "jun", 6 }, { "june", 6 }, { "juni", 6 }, { "juin", 6 },
    { "jul", 7 }, { "july", 7 }, { "juli", 7 }, { "juil", 7 }, { "juillet", 7 },
    { "aug", 8 }, { "august", 8 }, { "ao\xc3\xbbt", 8 },
    { "sep", 9 }, { "sept", 9 }, { "september", 9 }, { "septembre", 9 },
    { "oct", 10 }, { "october", 10 }, { "okt", 10 }, { "oktober", 10 }, { "octobre", 10 },
    { "nov", 11 }, { "november", 11 }, { "novembre", 11 },
    { "dec", 12 }, { "december", 12 }, { "dez", 12 }, { "dezember", 12 }, { "d\xc3\xa9""c", 12 }, { "d\xc3\xa9""cembre", 12 },
};

constexpr std::string_view day_names[] = {
    "mon", "monday", "montag", "mo", "tue", "tues", "tuesday", "dienstag", "di", "wed", "wednesday", "mittwoch", "mi",
    "thu", "thur", "thurs", "thursday", "donnerstag", "do", "fri", "friday", "freitag", "fr", "sat", "saturday",
    "samstag", "sonnabend", "sa", "sun", "sunday", "sonntag", "so", "lun", "mer", "jeu", "ven", "sam", "dim",
};

// Zone abbreviations in minutes east of UTC. Ambiguous ones follow the most common reading in
// feeds (CST = US Central, IST = India). AT/ET/CT/MT/PT are the North American generic names.
constexpr NamedValue zone_names[] = {
    { "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "wet", 0 }, { "west", 60 }, { "bst", 60 },
    { "cet", 60 }, { "met", 60 }, { "mez", 60 }, { "cest", 120 }, { "mest", 120 }, { "mesz", 120 },
    { "eet", 120 }, { "eest", 180 }, { "msk", 180 }, { "msd", 240 }, { "ist", 330 },
    { "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
    { "pst", -480 }, { "pdt", -420 }, { "akst", -540 }, { "akdt", -480 }, { "hst", -600 }, { "ast", -240 },
    { "adt", -180 }, { "nst", -210 }, { "ndt", -150 }, { "at", -240 }, { "et", -300 }, { "ct", -360 },
    { "mt", -420 }, { "pt", -480 }, { "jst", 540 }, { "kst", 540 }, { "hkt", 480 }, { "sgt", 480 },
    { "awst", 480 }, { "acst", 570 }, { "acdt", 630 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 },
    { "nzdt", 780 },
};

template <std::size_t N>
std::optional<int> find_named(const NamedValue (&table)[N], std::string_view word)
{
    for (const NamedValue& entry : table)
        if (entry.name == word)
            return entry.value;
    return std::nullopt;
}

bool is_day_name(std::string_view word)
{
    for (std::string_view name : day_names)
        if (name == word)
            return true;
    return false;
}

// Reads up to `max_digits` digits at `i`; returns how many were read.
std::size_t read_number(std::string_view text, std::size_t& i, int& value, std::size_t max_digits = 9)
{
    std::size_t count = 0;
    value = 0;
    while (i < text.size() && is_digit(text[i]) && count < max_digits) {
        value = value * 10 + (text[i] - '0');
        ++i;
        ++count;
    }
    return count;
}

std::size_t digit_run(std::string_view text, std::size_t i)
{
    std::size_t end = i;
    while (end < text.size() && is_digit(text[end]))
        ++end;
    return end - i;
}

int expand_two_digit_year(int year) { return year < 50 ? 2000 + year : 1900 + year; }

// "+0200", "+02:00", "+02", "-01:01" at `i` (the sign). Leaves `i` after the offset.
std::optional<minutes> read_numeric_offset(std::string_view text, std::size_t& i)
{
    if (i >= text.size() || (text[i] != '+' && text[i] != '-'))
        return std::nullopt;
    const int sign = text[i] == '-' ? -1 : 1;
    std::size_t cursor = i + 1;
    const std::size_t run = digit_run(text, cursor);
    int hours = 0;
    int mins = 0;
    if (run == 4) {
        read_number(text, cursor, hours, 2);
        read_number(text, cursor, mins, 2);
    } else if (run == 1 || run == 2) {
        read_number(text, cursor, hours, 2);
        if (cursor < text.size() && text[cursor] == ':') {
            ++cursor;
            if (digit_run(text, cursor) != 2)
                return std::nullopt;
            read_number(text, cursor, mins, 2);
        }
    } else {
        return std::nullopt;
    }
    if (hours > 23 || mins > 59)
        return std::nullopt;
    i = cursor;
    return minutes(sign * (hours * 60 + mins));
}

// "08:19", "08:19:53", "23:56:58.0" at `i`, which points at the hour's digits.
bool read_time(std::string_view text, std::size_t& i, DateFields& fields)
{
    if (read_number(text, i, fields.hour, 2) == 0 || i >= text.size() || text[i] != ':')
        return false;
    ++i;
    if (read_number(text, i, fields.minute, 2) != 2)
        return false;
    if (i < text.size() && text[i] == ':') {
        ++i;
        if (read_number(text, i, fields.second, 2) != 2)
            return false;
    }
    if (i < text.size() && (text[i] == '.' || text[i] == ',') && i + 1 < text.size() && is_digit(text[i + 1])) {
        ++i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
    }
    return true;
}

// A zone given by name: an abbreviation, "GMT+2", "Etc/GMT-3", or an IANA name left for the caller.
bool apply_zone_word(std::string_view word_text, DateFields& fields)
{
    const Word word(word_text);
    const std::string_view lower = word.view();
    if (lower.starts_with("etc/")) {
        std::string_view rest = lower.substr(4);
        if (rest == "utc" || rest == "gmt" || rest == "uct" || rest == "zulu" || rest == "universal") {
            fields.offset = minutes(0);
            return true;
        }
        if (rest.starts_with("gmt") && rest.size() > 3) { // POSIX sign: Etc/GMT+5 is five hours *behind*.
            std::size_t cursor = 3;
            auto offset = read_numeric_offset(rest, cursor);
            if (!offset || cursor != rest.size())
                return false;
            fields.offset = -*offset;
            return true;
        }
    }
    if (lower.find('/') != std::string_view::npos) {
        fields.zone_name = word_text;
        return true;
    }
    if (auto value = find_named(zone_names, lower)) {
        fields.offset = minutes(*value);
        return true;
    }
    return false;
}

std::optional<Timestamp> assemble(const DateFields& fields, const DateParseOptions& options)
{
    if (fields.year < 1 || fields.year > 9999 || fields.month < 1 || fields.month > 12 || fields.day < 1)
        return std::nullopt;
    const date::year_month_day day { date::year(fields.year), date::month(static_cast<unsigned>(fields.month)),
        date::day(static_cast<unsigned>(fields.day)) };
    if (!day.ok())
        return std::nullopt;
    const bool midnight_end = fields.hour == 24 && fields.minute == 0 && fields.second == 0;
    if ((fields.hour > 23 && !midnight_end) || fields.minute > 59 || fields.second > 60)
        return std::nullopt;
    const Timestamp wall_clock = date::sys_days(day) + std::chrono::hours(fields.hour) + minutes(fields.minute) + seconds(fields.second);
    seconds offset = fields.offset.value_or(minutes(0));
    if (!fields.zone_name.empty() && options.zones && *options.zones) {
        if (auto found = (*options.zones)(fields.zone_name, wall_clock))
            offset = *found;
    }
    const Timestamp instant = wall_clock - offset;
    const auto instant_day = date::year_month_day(date::floor<date::days>(instant));
    if (instant_day.year() < date::year(1) || instant_day.year() > date::year(9999))
        return std::nullopt;
    return instant;
}

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
            if (is_day_name(lower) || lower == "t")
                continue;
            if (auto month = find_named(month_names, lower); month && fields.month == unset) {
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
            if (i < text.size() && is_alpha(text[i]) && !(text[i] == 'T' || text[i] == 't'))
                return std::nullopt; // "16th", "12zz"
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
    return parse_textual(text, options);
}

} // namespace feedkeeper::parse

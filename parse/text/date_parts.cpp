// parse/text/date_parts.cpp — the date parser's pieces: month, weekday and zone names, numbers,
// times, offsets, and assembling fields into an instant with Howard Hinnant's date library.
// Threading: constant tables, pure functions.
#include "parse/text/date_parts.hpp"

#include <date/date.h>

namespace feedkeeper::parse {
namespace {

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
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
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

} // namespace

namespace date_parts {

using std::chrono::minutes;
using std::chrono::seconds;

// Reads up to `max_digits` digits at `i`; returns how many were read.
std::size_t read_number(std::string_view text, std::size_t& i, int& value, std::size_t max_digits)
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
    if (auto value = zone_offset_minutes(lower)) {
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

std::optional<int> month_number(std::string_view lower_word) { return find_named(month_names, lower_word); }

std::optional<int> zone_offset_minutes(std::string_view lower_word) { return find_named(zone_names, lower_word); }

bool is_weekday(std::string_view lower_word)
{
    for (std::string_view name : day_names)
        if (name == lower_word)
            return true;
    return false;
}

} // namespace date_parts
} // namespace feedkeeper::parse

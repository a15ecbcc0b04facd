// store/json_writer.cpp — JSON string escaping with UTF-8 validation, ASCII runs copied whole.
// Threading: pure functions.
#include "store/json_writer.hpp"

#include <charconv>
#include <chrono>

namespace feedkeeper::store {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// Length of the valid UTF-8 sequence starting at `s[i]` (RFC 3629: no overlongs, no surrogates,
// at most U+10FFFF), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    const auto continuation = [&](std::size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
    if (lead >= 0xC2 && lead <= 0xDF)
        return continuation(i + 1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!continuation(i + 1) || !continuation(i + 2))
            return 0;
        const unsigned char second = byte(i + 1);
        if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F))
            return 0;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3))
            return 0;
        const unsigned char second = byte(i + 1);
        if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

void append_json_string(std::string& out, std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0; // start of the pending run of bytes that need no escaping
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (const std::size_t length = utf8_sequence(text, i)) {
                i += length;
                continue;
            }
        }
        out.append(text.data() + run, i - run);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += replacement; // a byte that starts no valid UTF-8 sequence
            }
        }
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

void append_json_string_or_null(std::string& out, std::string_view text)
{
    if (text.empty())
        out += "null";
    else
        append_json_string(out, text);
}

void append_rfc3339(std::string& out, Timestamp time)
{
    // The same text as core's format_rfc3339(), without its stream: it ran three times per record.
    const auto day = std::chrono::floor<std::chrono::days>(time);
    const std::chrono::year_month_day date(day);
    const std::chrono::hh_mm_ss clock(time - day);
    char buffer[32];
    const auto two = [&](char* at, unsigned value) {
        at[0] = static_cast<char>('0' + value / 10);
        at[1] = static_cast<char>('0' + value % 10);
    };
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999) {
        out += format_rfc3339(time);
        return;
    }
    buffer[0] = static_cast<char>('0' + year / 1000);
    buffer[1] = static_cast<char>('0' + year / 100 % 10);
    buffer[2] = static_cast<char>('0' + year / 10 % 10);
    buffer[3] = static_cast<char>('0' + year % 10);
    buffer[4] = '-';
    two(buffer + 5, static_cast<unsigned>(date.month()));
    buffer[7] = '-';
    two(buffer + 8, static_cast<unsigned>(date.day()));
    buffer[10] = 'T';
    two(buffer + 11, static_cast<unsigned>(clock.hours().count()));
    buffer[13] = ':';
    two(buffer + 14, static_cast<unsigned>(clock.minutes().count()));
    buffer[16] = ':';
    two(buffer + 17, static_cast<unsigned>(clock.seconds().count()));
    buffer[19] = 'Z';
    out.append(buffer, 20);
}

void append_json_time_or_null(std::string& out, const std::optional<Timestamp>& time)
{
    if (!time) {
        out += "null";
        return;
    }
    out += '"';
    append_rfc3339(out, *time);
    out += '"';
}

void append_json_strings(std::string& out, const std::vector<std::string>& values)
{
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        append_json_string(out, values[i]);
    }
    out += ']';
}

void append_json_integer(std::string& out, std::int64_t value)
{
    char buffer[24];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

} // namespace feedkeeper::store

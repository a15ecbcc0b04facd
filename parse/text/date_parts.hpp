// parse/text/date_parts.hpp — internal to the date parser (date.cpp): the fields a date is
// read into, and the small readers both grammars share. Threading: pure functions.
#pragma once

#include "parse/text/date.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

namespace feedkeeper::parse::date_parts {

inline constexpr int unset = -1;

struct DateFields {
    int year = unset;
    int month = unset;
    int day = unset;
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::optional<std::chrono::minutes> offset;
    std::string_view zone_name; // IANA name, looked up by the caller's database
};

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

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

// Each takes an ASCII-lower-cased word without a trailing dot.
std::optional<int> month_number(std::string_view lower_word);        // 1–12
std::optional<int> zone_offset_minutes(std::string_view lower_word); // minutes east of UTC
bool is_weekday(std::string_view lower_word);

// Reads up to `max_digits` digits at `i`; returns how many were read.
std::size_t read_number(std::string_view text, std::size_t& i, int& value, std::size_t max_digits = 9);
std::size_t digit_run(std::string_view text, std::size_t i);
int expand_two_digit_year(int year); // RFC 2822 4.3: 00–49 are 20xx, 50–99 19xx

// "+0200", "+02:00", "+02", "-01:01" at `i` (the sign); leaves `i` after it.
std::optional<std::chrono::minutes> read_numeric_offset(std::string_view text, std::size_t& i);

// "08:19", "08:19:53", "23:56:58.0" at `i` (the hour's digits).
bool read_time(std::string_view text, std::size_t& i, DateFields& fields);

// A zone given by name: an abbreviation, "Etc/GMT-3", or an IANA name left for the caller's database.
bool apply_zone_word(std::string_view word_text, DateFields& fields);

// The instant, or nullopt when the fields name no valid date (1–9999).
std::optional<Timestamp> assemble(const DateFields& fields, const DateParseOptions& options);

} // namespace feedkeeper::parse::date_parts

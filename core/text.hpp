// core/text.hpp — small string helpers shared by every stage (ASCII case, whitespace, UTF-8).
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper {

// ASCII character classes and case, as protocols and markup spell them (no locale).
inline constexpr bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline constexpr char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string trim(std::string_view);
std::string ascii_lower(std::string_view);
bool iequals(std::string_view, std::string_view);
bool istarts_with(std::string_view text, std::string_view prefix);
bool icontains(std::string_view text, std::string_view needle);
std::vector<std::string_view> split(std::string_view, char separator);

// Whether JSON text nests arrays and objects at most `limit` deep (counted outside strings, without
// parsing): deeper input would only cost a recursive parser stack, so it is refused before parsing.
bool json_nesting_within(std::string_view text, std::size_t limit);

// Replaces every invalid UTF-8 sequence with U+FFFD; valid input comes back unchanged.
std::string sanitize_utf8(std::string_view);
bool is_valid_utf8(std::string_view);

// True when `text` holds CR, LF or NUL: what would end or split a header line on the wire.
bool has_line_break_or_nul(std::string_view text);

// Text from elsewhere made safe for a terminal: invalid UTF-8 becomes U+FFFD, C0 and C1 control
// characters and DEL are dropped (escape sequences with them), except tab and line feed.
std::string strip_control_characters(std::string_view);

// Cuts at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view, std::size_t max_bytes);

// 0–15 for a hexadecimal digit, -1 for anything else.
int hex_digit_value(char);

// Appends the UTF-8 encoding of `code_point` (invalid code points become U+FFFD).
void append_utf8(std::string& out, char32_t code_point);

} // namespace feedkeeper

// store/json_writer.hpp — appending JSON text to a reused buffer, for the exports' hot loop
// (building a DOM per record cost more than reading the rows). Output matches nlohmann::json's
// dump(): UTF-8 kept as is, invalid UTF-8 replaced by U+FFFD, control characters escaped.
// Threading: pure functions.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::store {

void append_json_string(std::string& out, std::string_view text);
void append_json_string_or_null(std::string& out, std::string_view text); // "" -> null
void append_json_time_or_null(std::string& out, const std::optional<Timestamp>&);
void append_rfc3339(std::string& out, Timestamp); // bare, as format_rfc3339()
void append_json_strings(std::string& out, const std::vector<std::string>&);
void append_json_integer(std::string& out, std::int64_t);

} // namespace feedkeeper::store

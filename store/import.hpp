// store/import.hpp — reading an `export --format jsonl` file back: its lines (capped), each line
// checked and turned into an ImportRecord, which Archive::import_records stores.
// Threading: plain values and pure functions; a JsonlReader is used by one thread at a time.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/import_records.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::store {

struct ImportLimits {
    std::size_t max_line_bytes = 64 * 1024 * 1024; // a body is at most 16 MiB decoded; escaped JSON can triple it
    std::size_t max_depth = 8;                      // a record is an object of strings and one array
};

// One line of the file: its number (from 1) and text (no line end).
struct JsonlLine {
    std::size_t number = 0;
    std::string text;
};

// Lines of a JSONL file. A line over the cap is an error naming it, and is skipped (never held
// whole in memory); reading goes on. Empty lines are not records and are passed over.
class JsonlReader {
public:
    static Result<JsonlReader> open(const std::filesystem::path&, ImportLimits = {});
    // The next line; nullopt at the end of the file.
    Result<std::optional<JsonlLine>> next();
    std::uint64_t bytes_read() const { return m_read; }
    std::uint64_t file_size() const { return m_size; }

private:
    JsonlReader() = default;
    std::ifstream m_file;
    ImportLimits m_limits;
    std::string m_buffer;
    std::size_t m_pos = 0;
    std::size_t m_line = 0;
    std::uint64_t m_read = 0;
    std::uint64_t m_size = 0;
    bool m_end = false;
};

// A line as a record: valid UTF-8, a JSON object within the depth cap, with `url` (http/https),
// `fetched_at`, `body` and the other fields of the export in their types; `content_sha256`, when
// given, must be the SHA-256 of `body`. Errors say "line N: …".
Result<ImportRecord> parse_jsonl_record(const JsonlLine&, const ImportLimits& = {});

// A plain text's blocks (separated by blank lines) as <p> paragraphs, escaped: the body_html of a
// revision restored from text alone.
std::string paragraphs_html(std::string_view body);

} // namespace feedkeeper::store

// store/export.hpp — the archive streamed out as JSONL, CSV, WARC, Markdown or OPML.
// Threading: as Archive (use a read-only Archive of its own); memory stays constant in the
// archive's size: one revision at a time.
#pragma once

#include "store/archive.hpp"

#include <optional>
#include <ostream>
#include <string_view>

namespace feedkeeper::store {

enum class ExportFormat { jsonl, csv, warc, markdown, opml };
std::optional<ExportFormat> export_format_from_string(std::string_view); // "jsonl", "csv", "warc", "md", "opml"

struct ExportSummary {
    std::size_t records = 0;
    std::size_t bytes = 0;
};

Result<ExportSummary> export_archive(Archive&, ExportFormat, const ExportFilter&, std::ostream&);

// Formatting of one record (also used by the WARC export and tests).
std::string jsonl_record(const RevisionRecord&);
void append_jsonl_record(std::string& out, const RevisionRecord&);
std::string csv_field(std::string_view); // RFC 4180: quoted when it holds , " CR or LF
void append_csv_field(std::string& out, std::string_view);

} // namespace feedkeeper::store

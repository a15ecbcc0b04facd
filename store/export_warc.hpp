// store/export_warc.hpp — WARC 1.1 export: per revision, the raw capture as request/response
// records (with block and payload digests) plus a metadata record holding the extracted text.
// Threading: as Archive.
#pragma once

#include "store/export.hpp"

namespace feedkeeper::store {

Result<ExportSummary> export_warc(Archive&, const ExportFilter&, std::ostream&);

// One WARC record, gzip-compressed as its own member (so readers can seek record by record).
std::string warc_record(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view block);

} // namespace feedkeeper::store

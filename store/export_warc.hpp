// store/export_warc.hpp — WARC 1.1 export: the crawl as it happened (every capture as a response
// or, when an earlier record holds the same payload of the same URL, a revisit; each with its
// request), then one metadata record per revision holding the extracted text.
// Threading: as Archive.
#pragma once

#include "store/export.hpp"

namespace feedkeeper::store {

Result<ExportSummary> export_warc(Archive&, const ExportFilter&, std::ostream&);

// One WARC record, gzip-compressed as its own member (so readers can seek record by record).
std::string warc_record(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view block);

} // namespace feedkeeper::store

// crawl/import.hpp — `import FILE`: an export read back into the archive. JSONL records are stored
// as they are (store/archive_import.cpp); a WARC is replayed as the crawl that wrote it: feed
// responses go the way of a feed poll (entries stored, their article jobs queued), page responses
// the way of an article job (extracted with the host's learned template, stored with their
// capture, linked to their feed entry, their job done), revisits resolved to the earlier payload.
// Threading: import_jsonl runs on the calling thread with the archive it is given; import_warc is
// a coroutine on Runtime::io with parsing and extraction on cpu and archive calls on store.
#pragma once

#include "crawl/report.hpp"
#include "crawl/runtime.hpp"

#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <functional>

namespace feedkeeper::crawl {

enum class ImportFormat { jsonl, warc };

// From the content, never the name: gzip magic or "WARC/1." is a WARC, '{' (after blank space or a
// UTF-8 BOM) is JSONL; anything else is an error that says what the file starts with.
Result<ImportFormat> detect_import_format(const std::filesystem::path&);

struct ImportReport {
    std::size_t read = 0;     // records (lines or WARC records) read
    std::size_t imported = 0; // stored: a revision, a capture, a feed document's entries
    std::size_t skipped = 0;  // nothing to store: already in the archive, or a record import passes over (request, warcinfo, metadata…)
    std::size_t failed = 0;   // malformed or not storable; each one is in `failures`
    std::vector<CrawlReport::Failure> failures; // the first max_reported_failures of them
    static constexpr std::size_t max_reported_failures = 200;

    void fail(std::string where, std::string what);
    std::string summary() const; // "imported: 12 records read, 10 imported, 1 skipped, 1 failed"
    int exit_code() const;       // 1 when anything failed
};

// (bytes of the file read so far, its size)
using ImportProgress = std::function<void(std::uint64_t, std::uint64_t)>;

ImportReport import_jsonl(store::Archive&, const std::filesystem::path&, const ImportProgress&);
asio::awaitable<ImportReport> import_warc(Runtime&, std::filesystem::path, ImportProgress);

} // namespace feedkeeper::crawl

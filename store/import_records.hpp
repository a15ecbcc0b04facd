// store/import_records.hpp — what `import` hands the archive: one record of a JSONL export, what
// storing it did, and the job and entry a replayed page completes.
// Threading: plain values.
#pragma once

#include "core/article.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::store {

// One record (one article revision) of the JSONL export (INTERFACE.md), as import stores it.
struct ImportRecord : ArticleMetadata {
    std::size_t line = 0; // where it was read, for errors
    std::string feed_url;
    std::string url;
    std::string guid;
    Timestamp first_seen {};
    Timestamp fetched_at {}; // first_seen for a record without a stored page
    std::int64_t revision = 1; // 0: a feed item whose page was never stored (pending, failed, gone)
    std::string body;
    std::string content_sha256;
    // Newer exports carry these; older ones do not (defaults: "article", "page", "feed").
    std::string status = "article";
    std::string body_source = "page";
    std::string discovered_by = "feed";
};

// What storing one record did.
enum class ImportChange {
    imported, // a new revision (and the article, feed and entry it needs)
    skipped,  // the archive holds that text already (the article's latest, or the same revision)
};

// A page's pending article job and feed entry (Archive::replay_target).
struct ReplayTarget {
    std::optional<std::int64_t> job_id;
    std::optional<std::int64_t> entry_id;
};

} // namespace feedkeeper::store

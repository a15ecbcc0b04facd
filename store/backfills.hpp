// store/backfills.hpp — the records of the `backfills` table (schema 5): one row per history
// backfill of a feed, with its source, its cursor (where in the source it is: page, next link,
// sitemaps left), its counts and its state. Archive::Backfills (archive_backfills.cpp) reads and
// writes them. Threading: plain values.
#pragma once

#include "core/error.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::store {

enum class BackfillState { running, done, failed, stopped };
std::string_view to_string(BackfillState);

struct BackfillRecord {
    std::int64_t id = 0;
    std::int64_t feed_id = 0;
    std::string feed_url;
    std::string requested_source; // auto, paged, wp-json, sitemap, archive
    std::string source;           // the source being walked now ("" before the first)
    std::optional<Timestamp> since;
    std::optional<Timestamp> until;
    std::optional<std::int64_t> max_items;
    BackfillState state = BackfillState::running;
    std::string cursor = "{}"; // JSON, the walker's (crawl/backfill.cpp)
    std::int64_t pages = 0;    // listing documents read (feed pages, API pages, sitemaps)
    std::int64_t found = 0;    // items the sources listed (within --since/--until)
    std::int64_t queued = 0;   // items that were new: a record each, their page queued
    std::int64_t pending = 0;  // of those, pages still queued (filled by list())
    std::int64_t failed = 0;   // of those, pages given up on (filled by list())
    std::string message;       // how it ended, or the last source's end
    Timestamp started_at {};
    Timestamp updated_at {};
    std::optional<Timestamp> finished_at;
};

struct BackfillRequest {
    std::int64_t feed_id = 0;
    std::string source = "auto";
    std::optional<Timestamp> since;
    std::optional<Timestamp> until;
    std::optional<std::int64_t> max_items;
};

// What one saved page added.
struct BackfillPageResult {
    std::int64_t new_items = 0; // entries created (each a record; most with a queued page)
    std::int64_t known = 0;     // already in the archive under this feed: skipped
};

} // namespace feedkeeper::store

// store/backfills.hpp — the `backfills` table (schema 5): one row per history backfill of a feed,
// with its source, its cursor (where in the source it is: page, next link, sitemaps left), its
// counts and its state; and the one transaction that stores a page of found items with the cursor
// that follows it, so a backfill killed at any moment resumes exactly where its last page ended.
//
// A BackfillStore is its own connection to the archive file (WAL), used from one thread at a time:
// in a crawl, the store thread, the same thread as the Archive's connection, so the two never wait
// for each other; against other processes it waits like any second writer (busy timeout).
// Threading: as Archive.
#pragma once

#include "core/error.hpp"
#include "store/archive.hpp"
#include "store/records.hpp"

#include <filesystem>
#include <memory>
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

class BackfillStore {
public:
    static Result<std::unique_ptr<BackfillStore>> open(const std::filesystem::path& archive, OpenMode = OpenMode::read_write,
        Synchronous = Synchronous::full);
    ~BackfillStore();
    BackfillStore(const BackfillStore&) = delete;
    BackfillStore& operator=(const BackfillStore&) = delete;

    // The feed's unfinished backfill with the same options (killed or stopped: it resumes), else
    // a new one. An unfinished one with other options is marked stopped first.
    Result<BackfillRecord> start_or_resume(const BackfillRequest&, Timestamp now);
    // One transaction: the new items stored as the feed's entries (discovered_by `discovered_by`,
    // a 'backfill' job queued for each page not archived yet; an item whose link the feed or
    // the archive knows already is not added again), and the cursor and counts that follow them.
    // At most `max_new` items are added (--max); the rest of the page is left.
    Result<BackfillPageResult> save_page(const BackfillRecord&, const std::vector<EntryInput>&, const std::string& discovered_by,
        std::int64_t found, const std::string& source, const std::string& cursor, Timestamp now, std::int64_t max_new);
    // Moves the cursor without items (a source ended, the next begins).
    Result<void> set_cursor(std::int64_t backfill_id, const std::string& source, const std::string& cursor, const std::string& message, Timestamp now);
    Result<void> finish(std::int64_t backfill_id, BackfillState, const std::string& message, Timestamp now);
    // The most recent backfills (running ones first), with their pending and failed page counts.
    Result<std::vector<BackfillRecord>> list(std::size_t limit, std::optional<std::int64_t> feed_id = std::nullopt);
    Result<std::optional<BackfillRecord>> find(std::int64_t backfill_id);

    struct Connection;

private:
    explicit BackfillStore(std::unique_ptr<Connection>);
    std::unique_ptr<Connection> m_connection;
};

} // namespace feedkeeper::store

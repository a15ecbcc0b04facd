// crawl/backfill.hpp — a feed's history backfill: walks what its site offers of its past, each
// source discovered from the site itself, and stores every item found as a record of the feed
// (discovered_by "backfill:<source>") with its page queued as a 'backfill' job: the frontier then
// fetches those pages like any other, politely, behind today's news (Priority::backfill).
//
//   sources (auto: in this order)   paged feed ─► WordPress REST API ─► XML sitemaps
//   (archive, only when asked: an RFC 5005 archived feed's prev-archive chain)
//   each page read ─► items within --since/--until ─► one transaction: new items + cursor
//
// Resumable: the cursor (source, page, next link, sitemaps left) moves in the transaction that
// stores the page's items, so a killed walk resumes after the last page it stored, and an item is
// never stored twice. Bounded: pages per source, sitemaps, sitemap size (decompressed), URLs per
// sitemap, --max; a page that repeats an earlier one, a next link that cycles and a sitemap index
// that lists itself end the source with a line that says so.
// Threading: a coroutine on Runtime::io; parsing hops to cpu, archive calls to store.
#pragma once

#include "crawl/runtime.hpp"
#include "store/backfills.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::crawl {

enum class BackfillSource { automatic, paged, wp_json, sitemap, archive };
std::string_view to_string(BackfillSource);
std::optional<BackfillSource> backfill_source_from_string(std::string_view);

struct BackfillLimits {
    std::size_t max_pages = 2000;                 // feed pages or API pages, per source
    std::size_t max_sitemaps = 1000;              // sitemap documents read, indexes included
    std::size_t max_sitemap_bytes = 50 * 1024 * 1024; // one sitemap, decompressed (the protocol's own cap)
    std::size_t max_sitemap_urls = 50'000;        // entries of one sitemap (the protocol's own cap)
    std::size_t max_items = 1'000'000;            // items stored by one backfill, whatever --max says
};

struct BackfillOptions {
    BackfillSource source = BackfillSource::automatic;
    std::optional<Timestamp> since; // items published on or after
    std::optional<Timestamp> until; // items published before
    std::optional<std::size_t> max_items;
    BackfillLimits limits;
};

struct BackfillProgress {
    std::string source;
    std::int64_t pages = 0;
    std::int64_t found = 0;
    std::int64_t queued = 0;
};

struct BackfillWalk {
    store::BackfillRecord record;   // as it was when the walk began
    std::vector<std::string> lines; // one per source: how it ended ("paged: 50 pages, ended: …")
    std::int64_t found = 0;         // this run
    std::int64_t queued = 0;        // this run
    bool complete = false;          // every source walked to its end (or --max reached)
    bool reached_max = false;
    std::string stop_reason;        // !complete: why it stopped (resumes from there next time)
};

using BackfillProgressCallback = std::function<void(const BackfillProgress&)>;

// Walks the sources of `feed`'s backfill (resuming the unfinished one with the same options) and
// stores what it finds. Fails only when the archive cannot be written or no source answers at all.
asio::awaitable<Result<BackfillWalk>> walk_backfill(Runtime&, std::shared_ptr<const Config>, store::FeedRecord feed, BackfillOptions,
    BackfillProgressCallback on_progress = {});

// Ends the backfill's row: done (walked, pages queued), stopped (resumes next time) or failed.
asio::awaitable<Result<void>> finish_backfill(Runtime&, std::int64_t backfill_id, store::BackfillState, std::string message);

} // namespace feedkeeper::crawl

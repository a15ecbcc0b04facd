// crawl/backfill_walk.hpp — what the backfill's .cpp files share: one walk's state (its row, its
// cursor as JSON, its counts) and the steps every source takes: fetch a listing politely, keep the
// items within --since/--until and on the feed's site, store a page with the cursor that follows it.
// Private to crawl/backfill*.cpp. Threading: the io thread; store calls hop to the store thread.
#pragma once

#include "crawl/backfill.hpp"

#include <nlohmann/json.hpp>

namespace feedkeeper::crawl::backfill_detail {

// How a source's walk ended.
struct SourceEnd {
    enum class Kind {
        ended,       // walked to its end (or to --since): the next source follows
        unavailable, // the site does not offer it: the next source follows
        stopped,     // a failure on the way (network, 429, archive): the walk stops, resumes here
        max_reached, // --max: the walk ends
    };
    Kind kind = Kind::ended;
    std::string message;
};

struct Walk {
    Runtime& runtime;
    std::shared_ptr<const Config> config;
    store::FeedRecord feed;
    BackfillOptions options;
    BackfillProgressCallback on_progress;
    store::BackfillRecord record;
    nlohmann::json cursor;
    std::string site_url;    // the feed's site (its channel link), else its origin
    std::string site_domain; // its registrable domain: only URLs of it are taken
    BackfillProgress progress;
    std::int64_t run_found = 0;
    std::int64_t run_queued = 0;
};

// A listing of the site, fetched through the fetcher's politeness (and, for article-like
// purposes, robots.txt), allowed on the feed's own origin as a poll is.
asio::awaitable<Result<HttpResponse>> fetch_listing(Walk&, const std::string& url, fetch::FetchPurpose);
bool on_site(const Walk&, const std::string& url);
bool in_range(const Walk&, const std::optional<Timestamp>& published);
// Items older than --since everywhere on a newest-first page: the source has nothing newer left.
bool all_older_than_since(const Walk&, const std::vector<store::EntryInput>&);
// Stores `entries` (already filtered) and the cursor as it is now; counts `found` items listed.
asio::awaitable<Result<store::BackfillPageResult>> save_page(Walk&, const std::string& source, std::vector<store::EntryInput> entries, std::int64_t found);
std::int64_t remaining_items(const Walk&); // before --max (or the hard cap) is reached
std::string page_fingerprint(const std::vector<std::string>& keys);
bool is_pause_status(long status); // 429, 503: the host asked us to wait

// paged: the feed's next links (RFC 5005 paged feed; prev-archive when there is no next), else
// WordPress `?paged=N`. archived: an RFC 5005 archived feed, its prev-archive links alone.
enum class FeedPaging { paged, archived };
asio::awaitable<SourceEnd> walk_paged(Walk&, FeedPaging);
asio::awaitable<SourceEnd> walk_wp_json(Walk&);
asio::awaitable<SourceEnd> walk_sitemaps(Walk&);

} // namespace feedkeeper::crawl::backfill_detail

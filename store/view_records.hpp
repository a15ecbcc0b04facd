// store/view_records.hpp — the rows the read-only web view asks for (archive_view.cpp): a feed's
// records page by page, articles per day, an article with its revisions, a capture's metadata.
// Threading: plain values.
#pragma once

#include "store/records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::store {

// One page of a feed's records, newest first. The cursor is the entry id: `before` asks for the
// entries older than that one (the last row of the previous page).
struct FeedItemsQuery {
    std::int64_t feed_id = 0;
    std::optional<std::int64_t> before;
    std::size_t limit = 50;
    std::vector<RecordStatus> statuses;  // empty: every status
    std::optional<Timestamp> since;      // by publication date, else first seen
    std::optional<Timestamp> until;
};

// A feed item and, once its page is stored, its article's current revision.
struct FeedItemRow {
    std::int64_t entry_id = 0;
    std::optional<std::int64_t> article_id;
    std::string url;
    std::string title;
    std::optional<Timestamp> published;
    Timestamp first_seen {};
    std::optional<Timestamp> fetched_at;
    std::int64_t revision = 0; // 0: the page was never stored
    RecordStatus status = RecordStatus::pending;
};

// Items a feed listed per UTC day (days since the epoch), for the feeds page's bars.
struct FeedDayCount {
    std::int64_t feed_id = 0;
    std::int64_t day = 0;
    std::int64_t items = 0;
};

// One revision with its clean HTML body, as the article page shows it.
struct RevisionView : RevisionRecord {
    std::string body_html;
};

struct SearchOptions {
    std::size_t limit = 20;
    std::size_t rank_window = 5000;
    // The filters apply within the query's most recent rank_window matches (as the ranking does):
    // a feed's or a period's older matches of a very common word may be left out.
    std::optional<std::int64_t> feed_id; // only articles one of whose items this feed listed
    std::optional<Timestamp> since;      // by publication date, else fetch time
    std::optional<Timestamp> until;
    // What the snippet puts around each match ("[" and "]" for the terminal).
    std::string highlight_open = "[";
    std::string highlight_close = "]";
};

} // namespace feedkeeper::store

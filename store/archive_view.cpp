// store/archive_view.cpp — the web view's reads: an article and its revisions, a feed's records
// page by page (keyset on the entry id, so page N costs what page 1 does), items per day, a
// capture's metadata. Read-only; each is one statement, so one read snapshot.
// Threading: as Archive; the web view gives each of its worker threads its own read-only Archive.
#include "store/archive_impl.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::store {

Result<std::optional<ArticleRecord>> Archive::Reader::article(std::int64_t article_id)
{
    try {
        auto query = m_impl->statement("SELECT id, url, normalized_url, canonical_url, status, http_status, first_seen, last_seen, gone_at,"
                                       " revision_count, coalesce(story_id, id), coalesce(content_sha256, '') FROM articles WHERE id = :id");
        query->bind(":id", article_id);
        if (!query->executeStep())
            return std::optional<ArticleRecord>();
        ArticleRecord record;
        int i = 0;
        record.id = query->getColumn(i++).getInt64();
        record.url = column_text(query->getColumn(i++));
        record.normalized_url = column_text(query->getColumn(i++));
        record.canonical_url = column_text(query->getColumn(i++));
        record.status = column_text(query->getColumn(i++));
        record.http_status = column_int(query->getColumn(i++));
        record.first_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
        record.last_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
        record.gone_at = column_time(query->getColumn(i++));
        record.revisions = query->getColumn(i++).getInt64();
        record.story_id = query->getColumn(i++).getInt64();
        record.content_sha256 = column_text(query->getColumn(i++));
        return std::optional<ArticleRecord>(std::move(record));
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading article {}", article_id));
    }
}

Result<std::vector<RevisionView>> Archive::Reader::article_revisions(std::int64_t article_id, std::size_t limit)
{
    try {
        // The columns of for_each_revision (the JSONL export's record) plus body_html; the newest
        // `limit` revisions through the (article_id, revision) unique index, returned oldest first.
        auto query = m_impl->statement(
            "SELECT r.id, r.article_id, f.url, a.url, e.guid, a.first_seen, r.fetched_at, r.revision,"
            " r.body, r.content_sha256, r.capture_id, r.status, r.body_source, coalesce(e.discovered_by, 'feed'),"
            " r.title, r.author, r.published, r.modified, r.language, r.site_name, coalesce(r.canonical_url, a.canonical_url), r.categories, r.lead_image,"
            " r.body_html"
            " FROM revisions r JOIN articles a ON a.id = r.article_id"
            " LEFT JOIN entries e ON e.id = (SELECT min(x.id) FROM entries x WHERE x.article_id = a.id)"
            " LEFT JOIN feeds f ON f.id = e.feed_id"
            " WHERE r.article_id = :id ORDER BY r.revision DESC LIMIT :limit");
        query->bind(":id", article_id);
        query->bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<RevisionView> revisions;
        while (query->executeStep()) {
            RevisionView record;
            int i = 0;
            record.id = query->getColumn(i++).getInt64();
            record.article_id = query->getColumn(i++).getInt64();
            record.feed_url = column_text(query->getColumn(i++));
            record.url = column_text(query->getColumn(i++));
            record.guid = column_text(query->getColumn(i++));
            record.first_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
            record.fetched_at = column_time(query->getColumn(i++)).value_or(Timestamp {});
            record.revision = query->getColumn(i++).getInt64();
            record.body = column_text(query->getColumn(i++));
            record.content_sha256 = column_text(query->getColumn(i++));
            record.capture_id = column_int(query->getColumn(i++));
            record.status = record_status_from_string(column_text(query->getColumn(i++))).value_or(RecordStatus::article);
            record.body_source = body_source_from_string(column_text(query->getColumn(i++))).value_or(BodySource::page);
            record.discovered_by = column_text(query->getColumn(i++));
            i = read_metadata(query, i, record);
            record.body_html = column_text(query->getColumn(i++));
            revisions.push_back(std::move(record));
        }
        std::reverse(revisions.begin(), revisions.end());
        return revisions;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading the revisions of article {}", article_id));
    }
}

Result<std::vector<FeedItemRow>> Archive::Reader::feed_items(const FeedItemsQuery& request)
{
    try {
        // The feed's entry ids come from the (feed_id, entry_key) index alone (it covers the rowid),
        // sorted newest first and materialised (the LIMIT keeps SQLite from dropping that ORDER BY);
        // the outer loop walks them in that order and joins an item's article and current revision
        // only as it reaches it, stopping at the page's end: a page costs a sort of the feed's ids
        // plus `limit` joins (plus the skipped ones when a filter rejects rows), never a join per
        // item of the feed. (Scanning a materialised CTE returns its rows in insertion order;
        // Web.FeedRecordsPageByCursorNewestFirstWithStatuses checks it.)
        auto query = m_impl->statement(
            "WITH page(id) AS MATERIALIZED (SELECT id FROM entries WHERE feed_id = :feed AND (CAST(:before AS BIGINT) IS NULL OR id < :before)"
            "                               ORDER BY id DESC LIMIT 1000000000)"
            " SELECT e.id, e.article_id, coalesce(a.url, e.url, ''), coalesce(r.title, e.title, ''), coalesce(r.published, e.published), e.first_seen,"
            " r.fetched_at, coalesce(r.revision, 0), coalesce(r.status, e.fetch_status, 'pending')"
            " FROM page JOIN entries e ON e.id = page.id LEFT JOIN articles a ON a.id = e.article_id"
            " LEFT JOIN revisions r ON r.article_id = a.id AND r.revision = a.revision_count"
            " WHERE (CAST(:since AS BIGINT) IS NULL OR coalesce(r.published, e.published, e.first_seen) >= :since)"
            " AND (CAST(:until AS BIGINT) IS NULL OR coalesce(r.published, e.published, e.first_seen) < :until)"
            " AND (CAST(:statuses AS TEXT) IS NULL OR instr(:statuses, ',' || coalesce(r.status, e.fetch_status, 'pending') || ',') > 0)"
            " LIMIT :limit");
        ExportFilter filter;
        filter.feed_id = request.feed_id;
        filter.since = request.since;
        filter.until = request.until;
        filter.statuses = request.statuses;
        bind_export_filter(*query, filter);
        bind_int_or_null(query, ":before", request.before);
        query->bind(":limit", static_cast<std::int64_t>(request.limit));
        std::vector<FeedItemRow> rows;
        while (query->executeStep()) {
            FeedItemRow row;
            int i = 0;
            row.entry_id = query->getColumn(i++).getInt64();
            row.article_id = column_int(query->getColumn(i++));
            row.url = column_text(query->getColumn(i++));
            row.title = column_text(query->getColumn(i++));
            row.published = column_time(query->getColumn(i++));
            row.first_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
            row.fetched_at = column_time(query->getColumn(i++));
            row.revision = query->getColumn(i++).getInt64();
            row.status = record_status_from_string(column_text(query->getColumn(i++))).value_or(RecordStatus::pending);
            rows.push_back(std::move(row));
        }
        return rows;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading the records of feed {}", request.feed_id));
    }
}

Result<std::vector<FeedDayCount>> Archive::Reader::items_per_day(Timestamp since)
{
    try {
        // No index holds first_seen, and a scan of every entry costs ~25 ms per 100,000. An entry's
        // first_seen is the time it was inserted, so entry ids grow with it: a binary search over
        // the ids (a point lookup per step) finds the first entry of the period, and only the
        // period's entries are read. An entry whose first_seen is out of that order (an import of
        // old records) is still counted or left out by its own first_seen within the range read.
        std::int64_t low = 0;
        std::int64_t high = 0;
        { // one aggregate per statement: SQLite answers a lone min() or max() of the rowid from the b-tree's edge, two together by a scan
            auto first = m_impl->statement("SELECT coalesce(min(id), 0) FROM entries");
            first->executeStep();
            low = first->getColumn(0).getInt64();
        }
        {
            auto last = m_impl->statement("SELECT coalesce(max(id), 0) FROM entries");
            last->executeStep();
            high = last->getColumn(0).getInt64() + 1;
        }
        const std::int64_t wanted = seconds(since);
        while (low < high) { // the first id whose entry (or the next one after a gap) was first seen at `since` or later
            const std::int64_t middle = low + (high - low) / 2;
            auto probe = m_impl->statement("SELECT first_seen FROM entries WHERE id >= :id ORDER BY id LIMIT 1");
            probe->bind(":id", middle);
            if (!probe->executeStep() || probe->getColumn(0).getInt64() >= wanted)
                high = middle;
            else
                low = middle + 1;
        }
        // NOT INDEXED: by rowid from :first; for the GROUP BY the planner would walk the whole
        // (feed_id, entry_key) index instead, every entry.
        auto query = m_impl->statement(m_impl->dialect(
            "SELECT feed_id, first_seen / 86400 AS day, count(*) FROM entries NOT INDEXED WHERE id >= :first AND first_seen >= :since"
            " GROUP BY feed_id, day ORDER BY feed_id, day",
            "SELECT feed_id, first_seen / 86400 AS day, count(*) FROM entries WHERE id >= :first AND first_seen >= :since"
            " GROUP BY feed_id, day ORDER BY feed_id, day"));
        query->bind(":first", low);
        bind_time(query, ":since", since);
        std::vector<FeedDayCount> counts;
        while (query->executeStep())
            counts.push_back({ query->getColumn(0).getInt64(), query->getColumn(1).getInt64(), query->getColumn(2).getInt64() });
        return counts;
    } catch (const db::Error& exception) {
        return to_error(exception, "counting items per day");
    }
}

Result<std::optional<CaptureRecord>> Archive::Reader::capture_info(std::int64_t capture_id)
{
    try {
        auto query = m_impl->statement("SELECT id, kind, url, final_url, status, http_version, request_headers, response_headers, remote_ip, fetched_at,"
                                       " body_size, body_sha256, body_dropped_at IS NOT NULL FROM captures WHERE id = :id");
        query->bind(":id", capture_id);
        if (!query->executeStep())
            return std::optional<CaptureRecord>();
        CaptureRecord record;
        int i = 0;
        record.id = query->getColumn(i++).getInt64();
        record.kind = column_text(query->getColumn(i++));
        record.response.url = column_text(query->getColumn(i++));
        record.response.final_url = column_text(query->getColumn(i++));
        record.response.status = query->getColumn(i++).getInt();
        record.response.http_version = column_text(query->getColumn(i++));
        record.response.request_headers = headers_from_json(column_text(query->getColumn(i++)));
        record.response.headers = headers_from_json(column_text(query->getColumn(i++)));
        record.response.remote_ip = column_text(query->getColumn(i++));
        record.response.fetched_at = column_time(query->getColumn(i++)).value_or(Timestamp {});
        record.body_size = query->getColumn(i++).getInt64();
        record.body_sha256 = column_text(query->getColumn(i++));
        record.body_dropped = query->getColumn(i++).getInt() != 0;
        return std::optional<CaptureRecord>(std::move(record));
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading capture {}", capture_id));
    }
}

} // namespace feedkeeper::store

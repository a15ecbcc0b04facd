// store/archive_captures.cpp — the raw captures streamed in the order they were fetched, for the
// WARC export: every capture, or those of what a filtered export keeps. Threading: as Archive;
// readers use their own read-only connection.
#include "store/archive_impl.hpp"

#include "core/url.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace feedkeeper::store {
namespace {

constexpr std::size_t max_capture_bytes = 256 * 1024 * 1024; // as load_capture

// Which captures a filtered export keeps (one statement, one read snapshot). A revision is
// exported when for_each_revision would hand it out (feed, publication date else fetch date, status):
// - an article capture when an exported revision came from it, or when it is an unchanged
//   re-fetch of one: the revision it re-saw is the article's latest whose capture is not newer;
// - a feed capture of the exported feed (its URL, the URL it was added under, or where it
//   redirected to), fetched in the date range;
// - a robots.txt capture fetched in the date range, of a host the exported feed has articles on.
// Unfiltered (:filtered = 0), every capture. Ordered by fetch time (seconds), then insertion:
// a sorter over two integers per row (SQLite spills it to a temporary file when it is large).
constexpr const char* captures_sql =
    "SELECT c.id FROM captures c"
    " WHERE :filtered = 0"
    " OR (c.kind = 'article' AND ("
    "      EXISTS (SELECT 1 FROM revisions r WHERE r.capture_id = c.id"
    "              AND (:feed IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = r.article_id AND e.feed_id = :feed))"
    "              AND (:since IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
    "              AND (:until IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
    "              AND (:statuses IS NULL OR instr(:statuses, ',' || r.status || ',') > 0))"
    "   OR EXISTS (SELECT 1 FROM revisions r WHERE r.id = (SELECT x.id FROM revisions x WHERE x.article_id = c.article_id AND x.capture_id <= c.id"
    "                                                     ORDER BY x.capture_id DESC, x.revision DESC LIMIT 1)"
    "              AND (:feed IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = r.article_id AND e.feed_id = :feed))"
    "              AND (:since IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
    "              AND (:until IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
    "              AND (:statuses IS NULL OR instr(:statuses, ',' || r.status || ',') > 0))))"
    " OR (c.kind = 'feed'"
    "     AND (:since IS NULL OR c.fetched_at >= :since) AND (:until IS NULL OR c.fetched_at < :until)"
    "     AND (:feed IS NULL OR EXISTS (SELECT 1 FROM feeds f WHERE f.id = :feed AND (c.url IN (f.url, f.added_url) OR c.final_url = f.url))))"
    " OR (c.kind = 'robots'"
    "     AND (:since IS NULL OR c.fetched_at >= :since) AND (:until IS NULL OR c.fetched_at < :until)"
    "     AND (:feed IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.host = feedkeeper_url_host(c.url)"
    "                                   AND EXISTS (SELECT 1 FROM entries e WHERE e.article_id = a.id AND e.feed_id = :feed))))"
    " ORDER BY c.fetched_at, c.id";

// One capture, with or without its body (the retention policy may have dropped it).
// Fills `record` (reused from row to row).
Result<void> read_capture(Archive::Impl& impl, std::int64_t id, CaptureRecord& record)
{
    auto query = impl.statement(
        "SELECT kind, url, final_url, status, http_version, request_headers, response_headers, remote_ip, fetched_at,"
        " body_size, body_sha256, body_zstd, body_dropped_at FROM captures WHERE id = :id");
    query->bind(":id", id);
    if (!query->executeStep())
        return Error(Errc::not_found, fmt::format("no capture {}", id)); // deleted meanwhile: not in our snapshot, cannot happen
    int i = 0;
    record.id = id;
    record.kind = column_text(query->getColumn(i++));
    HttpResponse& response = record.response;
    response.url = column_text(query->getColumn(i++));
    response.final_url = column_text(query->getColumn(i++));
    response.status = query->getColumn(i++).getInt();
    response.http_version = column_text(query->getColumn(i++));
    response.request_headers = headers_from_json(column_text(query->getColumn(i++)));
    response.headers = headers_from_json(column_text(query->getColumn(i++)));
    response.remote_ip = column_text(query->getColumn(i++));
    response.fetched_at = column_time(query->getColumn(i++)).value_or(Timestamp {});
    record.body_size = query->getColumn(i++).getInt64();
    record.body_sha256 = column_text(query->getColumn(i++));
    const SQLite::Column blob = query->getColumn(i++);
    record.body_dropped = column_time(query->getColumn(i++)).has_value();
    response.body.clear();
    if (!record.body_dropped) {
        auto body = decompress(std::string_view(static_cast<const char*>(blob.getBlob()), static_cast<std::size_t>(blob.getBytes())), max_capture_bytes);
        if (!body)
            return Error(body.error().code, fmt::format("capture {}: {}", id, body.error().message));
        response.body = std::move(*body);
    }
    return {};
}

} // namespace

Result<void> Archive::for_each_capture(const ExportFilter& filter, const CaptureVisitor& visit)
{
    try {
        // A statement of its own (not the cache): each row's capture is read by a cached one
        // meanwhile, on the same connection and so in the same read snapshot.
        SQLite::Statement ids(m_impl->db, captures_sql);
        const bool filtered = filter.feed_id || filter.since || filter.until || !filter.statuses.empty();
        ids.bind(":filtered", filtered ? 1 : 0);
        bind_int_or_null(ids, ":feed", filter.feed_id);
        bind_time(ids, ":since", filter.since);
        bind_time(ids, ":until", filter.until);
        bind_text_or_null(ids, ":statuses", status_set(filter).value_or(std::string()));
        CaptureRecord record; // reused: its strings keep their capacity from row to row
        while (ids.executeStep()) {
            auto read = read_capture(*m_impl, ids.getColumn(0).getInt64(), record);
            if (!read)
                return read.error();
            if (!visit(record))
                break;
        }
        return {};
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "reading captures for export");
    }
}

} // namespace feedkeeper::store

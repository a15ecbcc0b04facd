// store/archive_captures.cpp — raw captures: every fetched response (zstd body, SHA-256, headers),
// stored, loaded, found again (import), the latest of each article (reextract), and streamed in
// the order they were fetched for the WARC export: every capture, or those of what a filtered
// export keeps. Threading: as Archive; readers use their own read-only connection.
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"
#include "core/url.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

constexpr std::size_t max_capture_bytes = 256 * 1024 * 1024; // a stored body decompresses to at most this

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
    "              AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = r.article_id AND e.feed_id = :feed))"
    "              AND (CAST(:since AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
    "              AND (CAST(:until AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
    "              AND (CAST(:statuses AS TEXT) IS NULL OR instr(:statuses, ',' || r.status || ',') > 0))"
    "   OR EXISTS (SELECT 1 FROM revisions r WHERE r.id = (SELECT x.id FROM revisions x WHERE x.article_id = c.article_id AND x.capture_id <= c.id"
    "                                                     ORDER BY x.capture_id DESC, x.revision DESC LIMIT 1)"
    "              AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = r.article_id AND e.feed_id = :feed))"
    "              AND (CAST(:since AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
    "              AND (CAST(:until AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
    "              AND (CAST(:statuses AS TEXT) IS NULL OR instr(:statuses, ',' || r.status || ',') > 0))))"
    " OR (c.kind = 'feed'"
    "     AND (CAST(:since AS BIGINT) IS NULL OR c.fetched_at >= :since) AND (CAST(:until AS BIGINT) IS NULL OR c.fetched_at < :until)"
    "     AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM feeds f WHERE f.id = :feed AND (c.url IN (f.url, f.added_url) OR c.final_url = f.url))))"
    " OR (c.kind = 'robots'"
    "     AND (CAST(:since AS BIGINT) IS NULL OR c.fetched_at >= :since) AND (CAST(:until AS BIGINT) IS NULL OR c.fetched_at < :until)"
    "     AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.host = feedkeeper_url_host(c.url)"
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
    const db::Column blob = query->getColumn(i++);
    record.body_dropped = column_time(query->getColumn(i++)).has_value();
    response.body.clear();
    if (!record.body_dropped) {
        auto body = decompress(blob.getString(), max_capture_bytes);
        if (!body)
            return Error(body.error().code, fmt::format("capture {}: {}", id, body.error().message));
        response.body = std::move(*body);
    }
    return {};
}

} // namespace

PreparedCapture prepare_capture(const HttpResponse& response, std::string_view kind)
{
    PreparedCapture capture;
    capture.kind = std::string(kind);
    capture.request_headers = headers_to_json(response.request_headers);
    capture.response_headers = headers_to_json(response.headers);
    capture.sha256 = sha256_hex(response.body);
    capture.body_size = response.body.size();
    capture.body_zstd = compress(response.body);
    return capture;
}

std::int64_t insert_capture(Archive::Impl& impl, const HttpResponse& response, const PreparedCapture& capture)
{
    auto insert = impl.statement(
        "INSERT INTO captures (kind, url, final_url, status, http_version, request_headers, response_headers, remote_ip,"
        " fetched_at, body_size, body_sha256, body_zstd)"
        " VALUES (:kind, :url, :final_url, :status, :version, :request, :response, :ip, :fetched, :size, :sha, :body)");
    insert->bind(":kind", capture.kind);
    insert->bind(":url", response.url);
    bind_text_or_null(insert, ":final_url", response.final_url);
    insert->bind(":status", static_cast<std::int64_t>(response.status));
    bind_text_or_null(insert, ":version", response.http_version);
    insert->bindNoCopy(":request", capture.request_headers);
    insert->bindNoCopy(":response", capture.response_headers);
    bind_text_or_null(insert, ":ip", response.remote_ip);
    insert->bind(":fetched", static_cast<std::int64_t>(seconds(response.fetched_at == Timestamp {} ? now_utc() : response.fetched_at)));
    insert->bind(":size", static_cast<std::int64_t>(capture.body_size));
    insert->bindNoCopy(":sha", capture.sha256);
    insert->bind_blob_no_copy(":body", capture.body_zstd);
    insert->exec();
    return impl.db.getLastInsertRowid();
}

Result<std::int64_t> Archive::Captures::save(const HttpResponse& response, std::string_view kind)
{
    const PreparedCapture capture = prepare_capture(response, kind);
    try {
        return insert_capture(*m_impl, response, capture);
    } catch (const db::Error& exception) {
        return to_error(exception, "storing the capture of " + response.url);
    }
}

Result<HttpResponse> Archive::Captures::load(std::int64_t capture_id)
{
    try {
        auto query = m_impl->statement(
            "SELECT url, final_url, status, http_version, request_headers, response_headers, remote_ip, fetched_at, body_zstd, body_dropped_at"
            " FROM captures WHERE id = :id");
        query->bind(":id", static_cast<std::int64_t>(capture_id));
        if (!query->executeStep())
            return Error(Errc::not_found, fmt::format("no capture {}", capture_id));
        if (auto dropped = column_time(query->getColumn(9)))
            return Error(Errc::not_found, fmt::format("the body of capture {} was dropped by the retention policy on {}", capture_id, format_rfc3339(*dropped)));
        HttpResponse response;
        response.url = column_text(query->getColumn(0));
        response.final_url = column_text(query->getColumn(1));
        response.status = query->getColumn(2).getInt();
        response.http_version = column_text(query->getColumn(3));
        response.request_headers = headers_from_json(column_text(query->getColumn(4)));
        response.headers = headers_from_json(column_text(query->getColumn(5)));
        response.remote_ip = column_text(query->getColumn(6));
        response.fetched_at = column_time(query->getColumn(7)).value_or(Timestamp {});
        const db::Column blob = query->getColumn(8);
        auto body = decompress(blob.getString(), max_capture_bytes);
        if (!body)
            return Error(body.error().code, fmt::format("capture {}: {}", capture_id, body.error().message));
        response.body = std::move(*body);
        return response;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("loading capture {}", capture_id));
    }
}

Result<std::optional<std::int64_t>> Archive::Captures::find(const std::string& url, Timestamp fetched_at, const std::string& body_sha256)
{
    try {
        // Through captures_fetched (fetched_at, bodies kept): a handful of rows per second of time.
        // A page capture that no article owns is the remains of a replay that failed before the
        // article was stored: not held, so the page is replayed again.
        auto query = m_impl->statement(
            "SELECT id FROM captures WHERE fetched_at = :fetched AND body_dropped_at IS NULL AND (url = :url OR final_url = :url) AND body_sha256 = :sha"
            " AND (kind != 'article' OR article_id IS NOT NULL) ORDER BY id LIMIT 1");
        query->bind(":fetched", static_cast<std::int64_t>(seconds(fetched_at)));
        query->bind(":url", url);
        query->bind(":sha", body_sha256);
        if (query->executeStep())
            return std::optional<std::int64_t>(query->getColumn(0).getInt64());
        return std::optional<std::int64_t>();
    } catch (const db::Error& exception) {
        return to_error(exception, "looking up the capture of " + url);
    }
}

Result<std::vector<StoredCapture>> Archive::Captures::latest(const std::string& host, std::int64_t after_article, std::size_t limit)
{
    try {
        // Two statements so each uses its index: articles_host for one host, the rowid otherwise.
        // (The outer query tests the column: PostgreSQL's WHERE cannot name a SELECT alias.)
        auto query = host.empty()
            ? m_impl->statement(
                "SELECT id, url, capture FROM (SELECT a.id AS id, a.url AS url,"
                " (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id AND c.body_dropped_at IS NULL) AS capture"
                " FROM articles a WHERE a.id > :after) AS latest WHERE capture IS NOT NULL ORDER BY id LIMIT :limit")
            : m_impl->statement(
                "SELECT id, url, capture FROM (SELECT a.id AS id, a.url AS url,"
                " (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id AND c.body_dropped_at IS NULL) AS capture"
                " FROM articles a WHERE a.host = :host AND a.id > :after) AS latest WHERE capture IS NOT NULL ORDER BY id LIMIT :limit");
        query->bind(":after", static_cast<std::int64_t>(after_article));
        if (!host.empty())
            query->bind(":host", host);
        query->bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<StoredCapture> captures;
        while (query->executeStep())
            captures.push_back({ query->getColumn(0).getInt64(), column_text(query->getColumn(1)), query->getColumn(2).getInt64() });
        return captures;
    } catch (const db::Error& exception) {
        return to_error(exception, "listing stored captures");
    }
}

Result<void> Archive::Captures::for_each(const ExportFilter& filter, const Visitor& visit)
{
    try {
        // A statement of its own (not the cache): each row's capture is read by a cached one
        // meanwhile, on the same connection and so in the same read snapshot.
        auto ids = m_impl->db.prepare(captures_sql);
        const bool filtered = filter.feed_id || filter.since || filter.until || !filter.statuses.empty();
        ids->bind(":filtered", filtered ? 1 : 0);
        bind_export_filter(*ids, filter);
        CaptureRecord record; // reused: its strings keep their capacity from row to row
        while (ids->executeStep()) {
            auto read = read_capture(*m_impl, ids->getColumn(0).getInt64(), record);
            if (!read)
                return read.error();
            if (!visit(record))
                break;
        }
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "reading captures for export");
    }
}

} // namespace feedkeeper::store

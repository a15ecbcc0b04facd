// store/archive_read.cpp — streaming reads for export and full-text search.
// Threading: as Archive; readers use their own read-only connection.
#include "store/archive_impl.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

// User words become quoted FTS5 strings (no query syntax can break the statement); a trailing
// '*' keeps its prefix meaning; words are ANDed, as search boxes do.
std::string to_fts_query(const std::string& query)
{
    std::string fts;
    for (std::string_view word : split(query, ' ')) {
        std::string term = trim(word);
        if (term.empty())
            continue;
        const bool prefix = term.size() > 1 && term.back() == '*';
        if (prefix)
            term.pop_back();
        std::string quoted = "\"";
        for (char c : term) {
            if (c == '"')
                quoted += '"';
            quoted += c;
        }
        quoted += '"';
        if (prefix)
            quoted += '*';
        if (!fts.empty())
            fts += ' ';
        fts += quoted;
    }
    return fts;
}

} // namespace

Result<void> Archive::for_each_revision(const ExportFilter& filter, const RevisionVisitor& visit)
{
    try {
        // A statement of its own (not the cache): the visitor may run other queries meanwhile.
        // The date filter applies to the publication date, else the fetch date.
        SQLite::Statement query(m_impl->db,
            "SELECT r.id, r.article_id,"
            " (SELECT f.url FROM entries e JOIN feeds f ON f.id = e.feed_id WHERE e.article_id = a.id ORDER BY e.id LIMIT 1),"
            " a.url, coalesce(r.canonical_url, a.canonical_url),"
            " (SELECT e.guid FROM entries e WHERE e.article_id = a.id ORDER BY e.id LIMIT 1),"
            " r.title, r.author, r.published, r.modified, a.first_seen, r.fetched_at, r.revision, r.language, r.categories,"
            " r.body, r.body_html, r.content_sha256, r.site_name, r.capture_id"
            " FROM revisions r JOIN articles a ON a.id = r.article_id"
            " WHERE (:feed IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = a.id AND e.feed_id = :feed))"
            " AND (:since IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
            " AND (:until IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
            " ORDER BY r.id");
        if (filter.feed_id)
            query.bind(":feed", static_cast<std::int64_t>(*filter.feed_id));
        bind_time(query, ":since", filter.since);
        bind_time(query, ":until", filter.until);
        while (query.executeStep()) {
            RevisionRecord record;
            int i = 0;
            record.id = query.getColumn(i++).getInt64();
            record.article_id = query.getColumn(i++).getInt64();
            record.feed_url = column_text(query.getColumn(i++));
            record.url = column_text(query.getColumn(i++));
            record.canonical_url = column_text(query.getColumn(i++));
            record.guid = column_text(query.getColumn(i++));
            record.title = column_text(query.getColumn(i++));
            record.author = column_text(query.getColumn(i++));
            record.published = column_time(query.getColumn(i++));
            record.modified = column_time(query.getColumn(i++));
            record.first_seen = column_time(query.getColumn(i++)).value_or(Timestamp {});
            record.fetched_at = column_time(query.getColumn(i++)).value_or(Timestamp {});
            record.revision = query.getColumn(i++).getInt64();
            record.language = column_text(query.getColumn(i++));
            record.categories = strings_from_json(column_text(query.getColumn(i++)));
            record.body = column_text(query.getColumn(i++));
            record.body_html = column_text(query.getColumn(i++));
            record.content_sha256 = column_text(query.getColumn(i++));
            record.site_name = column_text(query.getColumn(i++));
            record.capture_id = column_int(query.getColumn(i++));
            if (!visit(record))
                break;
        }
        return {};
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "reading revisions for export");
    }
}

Result<std::vector<SearchHit>> Archive::search(const std::string& query_text, std::size_t limit)
{
    const std::string fts = to_fts_query(query_text);
    if (fts.empty())
        return Error(Errc::invalid_argument, "empty search query");
    try {
        auto& query = m_impl->statement(
            "SELECT r.article_id, r.revision, a.url, r.title, snippet(revisions_fts, 1, '[', ']', '…', 16), r.published, bm25(revisions_fts, 5.0, 1.0)"
            " FROM revisions_fts JOIN revisions r ON r.id = revisions_fts.rowid JOIN articles a ON a.id = r.article_id"
            " WHERE revisions_fts MATCH :query AND r.revision = a.revision_count"
            " ORDER BY bm25(revisions_fts, 5.0, 1.0) LIMIT :limit");
        query.bind(":query", fts);
        query.bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<SearchHit> hits;
        while (query.executeStep()) {
            SearchHit hit;
            hit.article_id = query.getColumn(0).getInt64();
            hit.revision = query.getColumn(1).getInt64();
            hit.url = column_text(query.getColumn(2));
            hit.title = column_text(query.getColumn(3));
            hit.snippet = column_text(query.getColumn(4));
            hit.published = column_time(query.getColumn(5));
            hit.rank = query.getColumn(6).getDouble();
            hits.push_back(std::move(hit));
        }
        query.reset();
        return hits;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("searching for '{}'", query_text));
    }
}

} // namespace feedkeeper::store

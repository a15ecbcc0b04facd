// store/archive_read.cpp — streaming reads for export and full-text search.
// Threading: as Archive; readers use their own read-only connection.
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace feedkeeper::store {
namespace {

constexpr std::size_t max_search_terms = 64;
constexpr std::size_t max_search_prefix_terms = 16;

// A search box's words: ANDed, as search boxes do; a trailing '*' keeps its prefix meaning; no
// other query syntax (each backend quotes every word, so nothing a user types can break the
// statement). A repeated word adds nothing and is dropped. Every term costs, and a prefix term walks
// every token that starts with it (on FTS5, 100 x "a*" took 4.5 s on 310 articles): more than
// max_search_terms words or max_search_prefix_terms prefixes are refused rather than run.
struct SearchTerm {
    std::string word;
    bool prefix = false;
    auto operator<=>(const SearchTerm&) const = default;
};

Result<std::vector<SearchTerm>> search_terms(const std::string& query)
{
    std::vector<SearchTerm> terms;
    std::set<SearchTerm> seen;
    std::size_t prefixes = 0;
    for (std::string_view word : split(query, ' ')) {
        SearchTerm term { trim(word) };
        if (term.word.empty())
            continue;
        term.prefix = term.word.size() > 1 && term.word.back() == '*';
        if (term.prefix)
            term.word.pop_back();
        if (!seen.insert(term).second)
            continue;
        if (terms.size() + 1 > max_search_terms)
            return Error(Errc::invalid_argument, fmt::format("the query has more than {} different words; search for fewer", max_search_terms));
        if (term.prefix && ++prefixes > max_search_prefix_terms)
            return Error(Errc::invalid_argument, fmt::format("the query has more than {} different prefix words (word*); search for fewer", max_search_prefix_terms));
        terms.push_back(std::move(term));
    }
    return terms;
}

// FTS5's query: each word a quoted string ("" inside), prefixes marked with *, ANDed by spaces.
std::string fts5_query(const std::vector<SearchTerm>& terms)
{
    std::string fts;
    for (const SearchTerm& term : terms) {
        if (!fts.empty())
            fts += ' ';
        fts += '"';
        for (char c : term.word) {
            if (c == '"')
                fts += '"';
            fts += c;
        }
        fts += term.prefix ? "\"*" : "\"";
    }
    return fts;
}

// PostgreSQL's tsquery text: each word a quoted lexeme ('' and \\ escaped; the configuration then
// normalises it, a word of several tokens becoming a phrase), prefixes marked :*, ANDed with &.
std::string tsquery_text(const std::vector<SearchTerm>& terms)
{
    std::string query;
    for (const SearchTerm& term : terms) {
        if (!query.empty())
            query += " & ";
        query += '\'';
        for (char c : term.word) {
            if (c == '\'' || c == '\\')
                query += c;
            query += c;
        }
        query += term.prefix ? "':*" : "'";
    }
    return query;
}

// What ts_headline puts around a match before the user's markers replace them: control characters
// no stored body holds (text normalisation drops them), so no option quoting is needed.
constexpr std::string_view headline_open = "\x01";
constexpr std::string_view headline_close = "\x02";

std::string replace_markers(std::string_view headline, const SearchOptions& options)
{
    std::string out;
    out.reserve(headline.size());
    for (char c : headline) {
        if (c == headline_open[0])
            out += options.highlight_open;
        else if (c == headline_close[0])
            out += options.highlight_close;
        else
            out += c;
    }
    return out;
}

} // namespace

void bind_export_filter(db::Statement& statement, const ExportFilter& filter)
{
    bind_int_or_null(statement, ":feed", filter.feed_id);
    bind_time(statement, ":since", filter.since);
    bind_time(statement, ":until", filter.until);
    std::string statuses;
    if (!filter.statuses.empty()) {
        statuses = ",";
        for (RecordStatus status : filter.statuses)
            statuses += std::string(to_string(status)) + ",";
    }
    bind_text_or_null(statement, ":statuses", statuses);
}

Result<void> Archive::Reader::for_each_revision(const ExportFilter& filter, const RevisionVisitor& visit)
{
    RevisionRecord record; // reused: its strings keep their capacity from row to row
    try {
        // A statement of its own (not the cache): the visitor may run other queries meanwhile.
        // One statement, so one read snapshot: a writer may commit meanwhile, the export stays
        // consistent. Rows stream in revision order straight from the table (no sorter, constant
        // memory); per row, a few index lookups (first entry, its feed, the capture flag).
        // The date filter applies to the publication date, else the fetch date.
        auto query = m_impl->db.prepare(
            "SELECT r.id, r.article_id, f.url, a.url, e.guid, a.first_seen, r.fetched_at, r.revision,"
            " r.body, r.content_sha256, r.capture_id, r.status, r.body_source, coalesce(e.discovered_by, 'feed'),"
            " r.title, r.author, r.published, r.modified, r.language, r.site_name, coalesce(r.canonical_url, a.canonical_url), r.categories, r.lead_image"
            " FROM revisions r JOIN articles a ON a.id = r.article_id"
            " LEFT JOIN entries e ON e.id = (SELECT min(x.id) FROM entries x WHERE x.article_id = a.id)" // the first feed item that linked it
            " LEFT JOIN feeds f ON f.id = e.feed_id"
            " WHERE (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = a.id AND e.feed_id = :feed))"
            " AND (CAST(:since AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
            " AND (CAST(:until AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
            " AND (CAST(:statuses AS TEXT) IS NULL OR instr(:statuses, ',' || r.status || ',') > 0)"
            " ORDER BY r.id");
        bind_export_filter(*query, filter);
        while (query->executeStep()) {
            int i = 0;
            record.id = query->getColumn(i++).getInt64();
            record.article_id = query->getColumn(i++).getInt64();
            record.feed_url = column_text(query->getColumn(i++));
            record.url = column_text(query->getColumn(i++));
            record.guid = column_text(query->getColumn(i++));
            record.first_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
            record.fetched_at = column_time(query->getColumn(i++)).value_or(Timestamp {});
            record.revision = query->getColumn(i++).getInt64();
            const db::Column body = query->getColumn(i++);
            record.body = body.getString();
            record.content_sha256 = column_text(query->getColumn(i++));
            record.capture_id = column_int(query->getColumn(i++));
            record.status = record_status_from_string(column_text(query->getColumn(i++))).value_or(RecordStatus::article);
            record.body_source = body_source_from_string(column_text(query->getColumn(i++))).value_or(BodySource::page);
            record.discovered_by = column_text(query->getColumn(i++));
            read_metadata(*query, i, record);
            if (!visit(record))
                return {};
        }
    } catch (const db::Error& exception) {
        return to_error(exception, "reading revisions for export");
    }
    try {
        // Items whose page was never stored: the entry is the record (pending, failed, gone), with
        // the feed's text. Read in its own snapshot, after the revisions: an item stored meanwhile
        // appears in neither or (rarely, once) in both, never lost.
        auto query = m_impl->db.prepare(
            "SELECT e.id, f.url, e.url, e.guid, e.first_seen, coalesce(e.body, ''), coalesce(e.fetch_status, 'pending'), e.body_source, e.discovered_by,"
            " e.title, e.author, e.published, e.updated, NULL, NULL, NULL, e.categories, NULL"
            " FROM entries e JOIN feeds f ON f.id = e.feed_id"
            " WHERE e.article_id IS NULL AND (CAST(:feed AS BIGINT) IS NULL OR e.feed_id = :feed)"
            " AND (CAST(:since AS BIGINT) IS NULL OR coalesce(e.published, e.first_seen) >= :since)"
            " AND (CAST(:until AS BIGINT) IS NULL OR coalesce(e.published, e.first_seen) < :until)"
            " AND (CAST(:statuses AS TEXT) IS NULL OR instr(:statuses, ',' || coalesce(e.fetch_status, 'pending') || ',') > 0)"
            " ORDER BY e.id");
        bind_export_filter(*query, filter);
        record = RevisionRecord {};
        record.revision = 0;
        while (query->executeStep()) {
            int i = 0;
            record.id = 0;
            record.article_id = 0;
            query->getColumn(i++); // the entry's id: the order
            record.feed_url = column_text(query->getColumn(i++));
            record.url = column_text(query->getColumn(i++));
            record.guid = column_text(query->getColumn(i++));
            record.first_seen = column_time(query->getColumn(i++)).value_or(Timestamp {});
            record.body = column_text(query->getColumn(i++));
            record.content_sha256 = sha256_hex(record.body);
            record.status = record_status_from_string(column_text(query->getColumn(i++))).value_or(RecordStatus::pending);
            record.body_source = body_source_from_string(column_text(query->getColumn(i++))).value_or(BodySource::none);
            record.discovered_by = column_text(query->getColumn(i++));
            read_metadata(*query, i, record);
            if (!visit(record))
                return {};
        }
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "reading feed items for export");
    }
}

namespace {

// The lowest revision id of the query's most recent rank_window matches (0: fewer matches), from
// a statement that selects match ids newest first at OFFSET :skip.
std::int64_t window_floor(CachedStatement& window, const std::string& query, const SearchOptions& options)
{
    window->bind(":query", query);
    window->bind(":skip", static_cast<std::int64_t>(std::max<std::size_t>(options.rank_window, 1) - 1));
    return window->executeStep() ? window->getColumn(0).getInt64() : 0;
}

// Hits from a search statement's columns: article id, revision, url, title, snippet, published, rank.
void read_hits(CachedStatement& query, std::vector<SearchHit>& hits)
{
    while (query->executeStep()) {
        SearchHit hit;
        hit.article_id = query->getColumn(0).getInt64();
        hit.revision = query->getColumn(1).getInt64();
        hit.url = column_text(query->getColumn(2));
        hit.title = column_text(query->getColumn(3));
        hit.snippet = column_text(query->getColumn(4));
        hit.published = column_time(query->getColumn(5));
        hit.rank = query->getColumn(6).getDouble();
        hits.push_back(std::move(hit));
    }
}

void search_sqlite(Archive::Impl& impl, const std::string& fts, const SearchOptions& options, std::vector<SearchHit>& hits)
{
    // Ranking costs O(matches): bm25 is computed for every match before the best are kept,
    // ~0.1 s of CPU for a word in every article of 100,000. So a query matching more than
    // rank_window articles is ranked among its most recent rank_window matches (rowid order is
    // storage order; a descending walk stops early, well under a millisecond). bm25's statistics
    // stay those of the whole index.
    std::int64_t floor = 0;
    {
        // The window is that of the query's matches, whatever the filters: filtering here would
        // walk every match to find rank_window that pass (a feed's share of a common word: 100,000
        // rows). The filters then apply within the window.
        auto window = impl.statement("SELECT rowid FROM revisions_fts WHERE revisions_fts MATCH :query ORDER BY rowid DESC LIMIT 1 OFFSET :skip");
        floor = window_floor(window, fts, options);
    }
    // The index holds only current texts (schema.cpp), so ranking needs no join. FTS5 sorts by rank
    // itself, so the snippet (which re-tokenises a body) is made only for the `limit` rows
    // returned, on the same cursor (a second MATCH per hit would redo the query, costly for
    // prefixes); then two row lookups per hit.
    auto query = impl.statement(
        "SELECT r.article_id, r.revision, a.url, r.title, top.snippet, r.published, top.rank"
        " FROM (SELECT rowid AS id, rank, snippet(revisions_fts, 1, :open, :close, '…', 16) AS snippet FROM revisions_fts"
        "       WHERE revisions_fts MATCH :query AND rowid >= :floor"
        "       AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM revisions x JOIN entries e ON e.article_id = x.article_id WHERE x.id = revisions_fts.rowid AND e.feed_id = :feed))"
        "       AND (CAST(:since AS BIGINT) IS NULL OR (SELECT coalesce(x.published, x.fetched_at) FROM revisions x WHERE x.id = revisions_fts.rowid) >= :since)"
        "       AND (CAST(:until AS BIGINT) IS NULL OR (SELECT coalesce(x.published, x.fetched_at) FROM revisions x WHERE x.id = revisions_fts.rowid) < :until)"
        "       ORDER BY rank LIMIT :limit) AS top"
        " JOIN revisions r ON r.id = top.id JOIN articles a ON a.id = r.article_id ORDER BY top.rank");
    query->bind(":query", fts);
    query->bind(":open", options.highlight_open);
    query->bind(":close", options.highlight_close);
    bind_int_or_null(query, ":feed", options.feed_id);
    bind_time(query, ":since", options.since);
    bind_time(query, ":until", options.until);
    query->bind(":floor", floor);
    query->bind(":limit", static_cast<std::int64_t>(options.limit));
    read_hits(query, hits);
}

void search_postgresql(Archive::Impl& impl, const std::string& tsquery, const SearchOptions& options, std::vector<SearchHit>& hits)
{
    // As on SQLite: the most recent rank_window matches of the query (current revisions: the one
    // whose number is the article's revision count) are ranked, the filters apply within them.
    // The GIN index over revisions.search finds the matches; ts_rank weighs a title match (A)
    // above a body match (B). The headline re-parses a body, so it is made for the `limit` rows
    // returned only.
    std::int64_t floor = 0;
    {
        auto window = impl.statement(
            "SELECT r.id FROM revisions r JOIN articles a ON a.id = r.article_id AND a.revision_count = r.revision"
            " WHERE r.search @@ feedkeeper_search_query(:query) ORDER BY r.id DESC LIMIT 1 OFFSET :skip");
        floor = window_floor(window, tsquery, options);
    }
    auto query = impl.statement(
        "SELECT r.article_id, r.revision, a.url, r.title,"
        " ts_headline(feedkeeper_text_search_config(r.language), r.body, top.query,"
        "             'StartSel=\x01, StopSel=\x02, MaxFragments=1, MaxWords=16, MinWords=6, FragmentDelimiter=…'),"
        " r.published, top.rank"
        " FROM (SELECT r.id, -ts_rank(r.search, q.query) AS rank, q.query"
        "       FROM (SELECT feedkeeper_search_query(:query) AS query) q, revisions r"
        "       JOIN articles a ON a.id = r.article_id AND a.revision_count = r.revision"
        "       WHERE r.search @@ q.query AND r.id >= :floor"
        "       AND (CAST(:feed AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM entries e WHERE e.article_id = r.article_id AND e.feed_id = :feed))"
        "       AND (CAST(:since AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) >= :since)"
        "       AND (CAST(:until AS BIGINT) IS NULL OR coalesce(r.published, r.fetched_at) < :until)"
        "       ORDER BY rank, r.id DESC LIMIT :limit) AS top"
        " JOIN revisions r ON r.id = top.id JOIN articles a ON a.id = r.article_id ORDER BY top.rank, r.id DESC");
    query->bind(":query", tsquery);
    bind_int_or_null(query, ":feed", options.feed_id);
    bind_time(query, ":since", options.since);
    bind_time(query, ":until", options.until);
    query->bind(":floor", floor);
    query->bind(":limit", static_cast<std::int64_t>(options.limit));
    read_hits(query, hits);
    for (SearchHit& hit : hits)
        hit.snippet = replace_markers(hit.snippet, options);
}

} // namespace

Result<std::vector<SearchHit>> Archive::Reader::search(const std::string& query_text, std::size_t limit, std::size_t rank_window)
{
    return search(query_text, SearchOptions { .limit = limit, .rank_window = rank_window });
}

Result<std::vector<SearchHit>> Archive::Reader::search(const std::string& query_text, const SearchOptions& options)
{
    const auto terms = search_terms(query_text);
    if (!terms)
        return terms.error();
    if (terms->empty())
        return Error(Errc::invalid_argument, "empty search query");
    try {
        std::vector<SearchHit> hits;
        if (m_impl->db.backend() == db::Backend::postgresql)
            search_postgresql(*m_impl, tsquery_text(*terms), options, hits);
        else
            search_sqlite(*m_impl, fts5_query(*terms), options, hits);
        return hits;
    } catch (const db::Error& exception) {
        if (exception.kind() == db::Error::Kind::syntax) // e.g. "fts5: syntax error near ..."
            return Error(Errc::invalid_argument, fmt::format("cannot search for '{}': {}", query_text, exception.what()));
        return to_error(exception, fmt::format("searching for '{}'", query_text));
    }
}

} // namespace feedkeeper::store

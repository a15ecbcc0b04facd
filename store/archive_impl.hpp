// store/archive_impl.hpp — what the archive's .cpp files share: the connection (db::Connection,
// store/db/database.hpp), the statement cache and db::Error-to-Error translation. Private to store/.
// Threading: as Archive (one thread at a time).
#pragma once

#include "store/archive.hpp"

#include "store/db/database.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace feedkeeper::store {

// A cached statement, borrowed for one use: reset (and so its read snapshot released) when the
// borrow ends, also when an exception leaves early. db::Statement::reset() never throws: after a
// failed step, SQLite's reset repeats the old error, which must not surface at the next, unrelated
// use of the statement.
class CachedStatement {
public:
    explicit CachedStatement(db::Statement& statement) : m_statement(&statement) { }
    ~CachedStatement() { m_statement->reset(); }
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;

    db::Statement* operator->() { return m_statement; }
    db::Statement& operator*() { return *m_statement; }

private:
    db::Statement* m_statement;
};

struct Archive::Impl {
    Impl(std::unique_ptr<db::Connection> opened, std::filesystem::path file) : connection(std::move(opened)), db(*connection), path(std::move(file)) { }

    // Statements are prepared once per SQL literal and reused; the key is the literal's address,
    // so `sql` must be a string literal or otherwise live as long as the Archive.
    CachedStatement statement(const char* sql)
    {
        auto it = statements.find(sql);
        if (it == statements.end())
            it = statements.emplace(sql, db.prepare(sql)).first;
        it->second->reset();
        it->second->clearBindings();
        return CachedStatement(*it->second);
    }

    // A statement written twice, where SQLite's text has what PostgreSQL does not parse (a query
    // planner hint: INDEXED BY, NOT INDEXED) or the engines differ otherwise. Both are literals.
    const char* dialect(const char* sqlite, const char* postgresql) const { return db.backend() == db::Backend::sqlite ? sqlite : postgresql; }

    std::unique_ptr<db::Connection> connection; // Declared before the statements, which borrow it.
    db::Connection& db;
    std::filesystem::path path;
    std::unordered_map<const char*, std::unique_ptr<db::Statement>> statements;
};

// Opens the connection of a PostgreSQL archive (archive_postgresql.cpp), creating the schema in an
// empty database.
Result<std::unique_ptr<db::Connection>> open_postgresql(const std::string& location, OpenMode, const ArchiveOptions&);

// The database's failure as an Error naming what we were doing.
Error to_error(const db::Error&, std::string_view doing);

// Applies the full-text index changes the revision triggers noted in this transaction (schema
// migration 6), in one statement each: call it just before committing a transaction that added
// revisions. PostgreSQL indexes as it writes; there it does nothing.
void index_revisions(Archive::Impl&);

// One item of a batch written in a savepoint of its own inside the caller's transaction: an item
// that fails (a constraint, a bug) is undone alone and comes back as its error, described by
// `doing()`. When the archive itself is failing (a full disk, I/O, read-only, corrupt) the
// exception goes on, and the caller's transaction fails with nothing of the batch kept.
template <typename Write, typename Doing>
auto write_in_savepoint(db::Connection& db, Write&& write, Doing&& doing) -> Result<decltype(write())>
{
    db.exec("SAVEPOINT item");
    try {
        auto written = write();
        db.exec("RELEASE item");
        return written;
    } catch (const db::Error& exception) {
        Error error = to_error(exception, doing());
        if (error.code == Errc::disk_full || error.code == Errc::read_only || error.code == Errc::io || error.code == Errc::corrupt)
            throw;
        db.exec("ROLLBACK TO item");
        db.exec("RELEASE item");
        return error;
    }
}

// Columns <-> values.
std::optional<Timestamp> column_time(const db::Column&);
std::optional<std::int64_t> column_int(const db::Column&);
std::string column_text(const db::Column&);
void bind_time(db::Statement&, const char* name, const std::optional<Timestamp>&);
void bind_text_or_null(db::Statement&, const char* name, const std::string&);
void bind_int_or_null(db::Statement&, const char* name, const std::optional<std::int64_t>&);
std::int64_t seconds(Timestamp);
inline void bind_time(CachedStatement& statement, const char* name, const std::optional<Timestamp>& time) { bind_time(*statement, name, time); }
inline void bind_text_or_null(CachedStatement& statement, const char* name, const std::string& text) { bind_text_or_null(*statement, name, text); }
inline void bind_int_or_null(CachedStatement& statement, const char* name, const std::optional<std::int64_t>& value) { bind_int_or_null(*statement, name, value); }

// An article's metadata in a row: one bind and one read for every table that keeps it. Bound by
// name (:title, :author, :published, :modified, :language, :site_name, :canonical_url, :categories,
// :lead_image); read from nine consecutive columns in that order, starting at `first` (a table
// without one of them selects NULL in its place). Returns the column after them. The description
// is not kept.
void bind_metadata(db::Statement&, const ArticleMetadata&);
inline void bind_metadata(CachedStatement& statement, const ArticleMetadata& metadata) { bind_metadata(*statement, metadata); }
int read_metadata(db::Statement&, int first, ArticleMetadata&);
inline int read_metadata(CachedStatement& statement, int first, ArticleMetadata& metadata) { return read_metadata(*statement, first, metadata); }

std::string headers_to_json(const HttpHeaders&);
HttpHeaders headers_from_json(const std::string&);
std::string strings_to_json(const std::vector<std::string>&);
// An export filter bound to a statement's :feed, :since, :until and :statuses (the statuses as one
// value, ",article,paywall,", NULL for all, tested with `instr(:statuses, ',' || status || ',') > 0`).
void bind_export_filter(db::Statement&, const ExportFilter&);
std::vector<std::string> strings_from_json(const std::string&);

PreparedCapture prepare_capture(const HttpResponse&, std::string_view kind);
std::int64_t insert_capture(Archive::Impl&, const HttpResponse&, const PreparedCapture&); // throws db::Error

// A feed item's first record (archive_entries.cpp): the entry row, with the article it links to if
// the archive holds that address already; returns the entry's id. Throws db::Error.
std::int64_t insert_entry(Archive::Impl&, std::int64_t feed_id, const EntryInput&, const std::string& link_key, std::int64_t seen,
    std::optional<std::int64_t> article_id, std::string_view discovered_by);
// The article held under a normalised address, if any.
std::optional<std::int64_t> article_for_key(Archive::Impl&, const std::string& key);
// Queues the page of a new entry (idempotent: one pending job per URL). Throws db::Error.
void enqueue_entry_page(Archive::Impl&, JobKind, const std::string& url, std::int64_t entry_id, std::int64_t feed_id, std::int64_t now);

std::string compress(std::string_view);
Result<std::string> decompress(std::string_view, std::size_t max_bytes);

} // namespace feedkeeper::store

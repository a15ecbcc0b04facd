// store/archive.cpp — opening the archive (pragmas, migrations), shared helpers, statistics.
// Opening is SQLite's (SQLiteCpp, then handed to a db::SqliteConnection); the rest goes through
// the db::Connection. Threading: as Archive.
#include "store/archive_impl.hpp"

#include "store/db/sqlite.hpp"
#include "store/schema.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <new>
#include <system_error>
#include <unistd.h>

namespace feedkeeper::store {

Error to_error(const db::Error& exception, std::string_view doing)
{
    Errc code = Errc::io; // also for other, io and syntax
    switch (exception.kind()) {
    case db::Error::Kind::busy: code = Errc::busy; break;
    case db::Error::Kind::full: code = Errc::disk_full; break;
    case db::Error::Kind::read_only: code = Errc::read_only; break;
    case db::Error::Kind::corrupt: code = Errc::corrupt; break;
    case db::Error::Kind::constraint: code = Errc::constraint; break;
    case db::Error::Kind::connection: code = Errc::not_found; break; // SQLite: the file could not be opened
    default: break;
    }
    switch (code) {
    case Errc::disk_full:
        // The transaction was rolled back: the archive is as it was before this step.
        return Error(code, fmt::format("{}: the disk is full or the archive reached its size limit; nothing of this step was stored — free space and run again ({})", doing, exception.what()));
    case Errc::read_only:
        return Error(code, fmt::format("{}: the archive is read-only (file permissions or a read-only mount) ({})", doing, exception.what()));
    case Errc::busy:
        return Error(code, fmt::format("{}: the archive stayed locked by another process (another crawl?) past the busy timeout ({})", doing, exception.what()));
    default:
        return Error(code, fmt::format("{}: {}", doing, exception.what()));
    }
}

std::optional<Timestamp> column_time(const db::Column& column)
{
    if (column.isNull())
        return std::nullopt;
    return Timestamp(std::chrono::seconds(column.getInt64()));
}

std::optional<std::int64_t> column_int(const db::Column& column)
{
    if (column.isNull())
        return std::nullopt;
    return column.getInt64();
}

std::string column_text(const db::Column& column) { return column.isNull() ? std::string() : column.getString(); }

std::int64_t seconds(Timestamp time) { return time.time_since_epoch().count(); }

void bind_time(db::Statement& statement, const char* name, const std::optional<Timestamp>& time)
{
    if (time)
        statement.bind(name, static_cast<std::int64_t>(seconds(*time)));
    else
        statement.bind_null(name);
}

void bind_text_or_null(db::Statement& statement, const char* name, const std::string& text)
{
    if (text.empty())
        statement.bind_null(name);
    else
        statement.bind(name, text);
}

void bind_int_or_null(db::Statement& statement, const char* name, const std::optional<std::int64_t>& value)
{
    if (value)
        statement.bind(name, static_cast<std::int64_t>(*value));
    else
        statement.bind_null(name);
}

void bind_metadata(db::Statement& statement, const ArticleMetadata& metadata)
{
    bind_text_or_null(statement, ":title", metadata.title);
    bind_text_or_null(statement, ":author", metadata.author);
    bind_time(statement, ":published", metadata.published);
    bind_time(statement, ":modified", metadata.modified);
    bind_text_or_null(statement, ":language", metadata.language);
    bind_text_or_null(statement, ":site_name", metadata.site_name);
    bind_text_or_null(statement, ":canonical_url", metadata.canonical_url);
    statement.bind(":categories", strings_to_json(metadata.categories));
    bind_text_or_null(statement, ":lead_image", metadata.lead_image);
}

int read_metadata(db::Statement& statement, int first, ArticleMetadata& metadata)
{
    int i = first;
    metadata.title = column_text(statement.getColumn(i++));
    metadata.author = column_text(statement.getColumn(i++));
    metadata.published = column_time(statement.getColumn(i++));
    metadata.modified = column_time(statement.getColumn(i++));
    metadata.language = column_text(statement.getColumn(i++));
    metadata.site_name = column_text(statement.getColumn(i++));
    metadata.canonical_url = column_text(statement.getColumn(i++));
    const db::Column categories = statement.getColumn(i++);
    metadata.categories = categories.isNull() ? std::vector<std::string>() : strings_from_json(categories.getString());
    metadata.lead_image = column_text(statement.getColumn(i++));
    return i;
}

std::string headers_to_json(const HttpHeaders& headers)
{
    nlohmann::json array = nlohmann::json::array();
    for (const HttpHeader& header : headers)
        array.push_back({ header.name, header.value });
    return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpHeaders headers_from_json(const std::string& text)
{
    HttpHeaders headers;
    auto array = nlohmann::json::parse(text, nullptr, false);
    if (!array.is_array())
        return headers;
    for (const auto& pair : array)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
            headers.push_back({ pair[0].get<std::string>(), pair[1].get<std::string>() });
    return headers;
}

std::string strings_to_json(const std::vector<std::string>& values)
{
    return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> strings_from_json(const std::string& text)
{
    std::vector<std::string> values;
    auto array = nlohmann::json::parse(text, nullptr, false);
    if (array.is_array())
        for (const auto& value : array)
            if (value.is_string())
                values.push_back(value.get<std::string>());
    return values;
}

namespace {

// zstd level 3 (its default) on the raw captures: about 5 x smaller on news pages at 355 MB/s
// per core; level 1 is 30 % faster but 6 % larger, for every capture kept for good.
constexpr int capture_zstd_level = 3;
// A thread keeps a compression buffer up to this size between captures (a page's bound, ~256 KB
// for most pages).
constexpr std::size_t max_kept_scratch_bytes = 4 << 20;

struct CompressionContextFree {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

} // namespace

std::string compress(std::string_view data)
{
    // One context and one output buffer per thread, kept: a fresh ZSTD_compress() allocates and
    // clears its tables for every capture, and a zero-filled output string of the bound's size
    // touches fresh pages each time (0.57 -> 0.49 ms for a 174 KB dev-set page).
    thread_local const std::unique_ptr<ZSTD_CCtx, CompressionContextFree> context(ZSTD_createCCtx());
    thread_local std::string scratch;
    if (!context)
        throw std::bad_alloc(); // bug-class: ZSTD_createCCtx fails only when out of memory
    const std::size_t bound = ZSTD_compressBound(data.size());
    if (scratch.size() < bound)
        scratch.resize(bound);
    const std::size_t size = ZSTD_compressCCtx(context.get(), scratch.data(), bound, data.data(), data.size(), capture_zstd_level);
    if (ZSTD_isError(size))
        throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(size)); // bug-class
    std::string out(scratch.data(), size);
    if (scratch.size() > max_kept_scratch_bytes)
        std::string().swap(scratch); // one huge capture does not pin its buffer for the thread's life
    return out;
}

Result<std::string> decompress(std::string_view data, std::size_t max_bytes)
{
    const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return Error(Errc::corrupt, "stored capture is not a zstd frame");
    if (size > max_bytes)
        return Error(Errc::too_large, "stored capture larger than the limit");
    std::string out(static_cast<std::size_t>(size), '\0');
    const std::size_t written = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(written) || written != size)
        return Error(Errc::corrupt, "stored capture does not decompress");
    return out;
}

Archive::Archive(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) { }
Archive::~Archive() = default;

const std::filesystem::path& Archive::path() const { return m_impl->path; }

namespace {

// Applies the connection's settings. Every one is a PRAGMA: cheap, no table is read.
void configure(SQLite::Database& db, OpenMode mode, const ArchiveOptions& options)
{
    db.exec("PRAGMA foreign_keys = ON");
    if (mode == OpenMode::read_only)
        return;
    // The writer: checkpoint every ~40 MB of WAL instead of SQLite's 4 MB — an article rewrites
    // the same hot pages (FTS segments, counters, index roots), which a checkpoint then copies
    // once instead of ten times (bench_store: 605 -> 1,330 articles/s at NORMAL, 216 -> 286 at
    // FULL); the WAL file is cut back to 64 MB after a checkpoint. A 16 MB page cache keeps the
    // indexes' inner pages in memory.
    db.exec("PRAGMA wal_autocheckpoint = 10000");
    db.exec("PRAGMA journal_size_limit = 67108864");
    db.exec("PRAGMA cache_size = -16384");
    if (options.max_bytes) {
        const std::int64_t page_size = db.execAndGet("PRAGMA page_size").getInt64();
        // PRAGMA takes no parameters; the value is an integer of ours.
        db.exec(fmt::format("PRAGMA max_page_count = {}", std::max<std::int64_t>(*options.max_bytes / page_size, 1)));
    }
}

Error refuse(const MigrationCheck& check, const std::string& where)
{
    switch (check.verdict) {
    case MigrationCheck::Verdict::newer:
        return Error(Errc::unsupported, fmt::format("{} was written by a newer feedkeeper (schema {}, this one knows up to {}); upgrade feedkeeper", where, check.version, schema_version()));
    case MigrationCheck::Verdict::foreign:
        return Error(Errc::invalid_argument, fmt::format("{} is an SQLite database but not a feedkeeper archive; pass another --db", where));
    default:
        return Error(Errc::unsupported, fmt::format("{} has schema {} but this feedkeeper reads {}; start the daemon or run a writing command (e.g. `feedkeeper crawl`) once to migrate it", where, check.version, schema_version()));
    }
}

// "file:/dir/archive.db?immutable=1" with the path's URI-special characters escaped.
std::string immutable_uri(const std::filesystem::path& path)
{
    std::error_code ec;
    const std::string absolute = std::filesystem::absolute(path, ec).string();
    std::string uri = "file:";
    for (char c : absolute.empty() ? path.string() : absolute) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '%' || c == '?' || c == '#' || byte < 0x21 || byte >= 0x7F)
            uri += fmt::format("%{:02X}", byte);
        else
            uri += c;
    }
    return uri + "?immutable=1";
}

// A reader needs to create the -shm file next to a WAL archive. When the directory is read-only
// for us (a read-only mount, an archive copied off a server) and no writer has a -wal file there,
// nobody can be changing the file: it may be opened as immutable (no locks, no -shm).
bool may_open_immutable(const std::filesystem::path& path)
{
    const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (::access(directory.c_str(), W_OK) == 0)
        return false;
    std::error_code ec;
    const auto wal_size = std::filesystem::file_size(path.string() + "-wal", ec);
    return ec || wal_size == 0;
}

enum class Connection {
    shared,   // the normal one: locks, WAL, -shm
    immutable // read-only and nobody may write (may_open_immutable): no locks, no -shm
};

// Process-wide SQLite settings, applied once before the first connection (sqlite3_config is only
// allowed before SQLite initialises; if something opened SQLite first, the defaults stay).
// Statement journals up to 8 MiB stay in memory instead of SQLite's 64 KiB: inside a group-commit
// transaction every article's INSERT (its triggers and FTS5 updates) journals the pages it touches
// again, and spilled journals went to a temp file 4 bytes and a page per write — 1.07 of the
// 1.22 million pwrite calls of bench_crawl's 5,000 pages. Sorts and temp tables keep using files.
void configure_sqlite_once()
{
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 8 << 20); });
}

Result<std::unique_ptr<db::Connection>> open_connection(const std::filesystem::path& path, OpenMode mode, const ArchiveOptions& options, Connection connection)
{
    const std::string where = path.string();
    configure_sqlite_once();
    try {
        int flags = mode == OpenMode::read_only ? SQLite::OPEN_READONLY : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        if (connection == Connection::immutable)
            flags |= SQLite::OPEN_URI;
        SQLite::Database db(connection == Connection::immutable ? immutable_uri(path) : where, flags, static_cast<int>(options.busy_timeout.count()));
        // SQLite falls back to read-only when the file is not writable; say so now, not at the
        // first write deep inside a crawl.
        if (mode == OpenMode::read_write && sqlite3_db_readonly(db.getHandle(), "main") == 1)
            return Error(Errc::read_only, fmt::format("cannot write the archive {}: the file (or its directory) is read-only; fix its permissions, or use a reading command (export, search, status)", where));
        const MigrationCheck check = check_schema(db);
        if (check.verdict == MigrationCheck::Verdict::newer || check.verdict == MigrationCheck::Verdict::foreign)
            return refuse(check, where);
        if (mode == OpenMode::read_only) {
            if (check.verdict != MigrationCheck::Verdict::current)
                return refuse(check, where);
        } else {
            if (check.version == 0) {
                // Before the first table, and page_size before auto_vacuum (after it, SQLite keeps
                // 4 KB): 16 KB pages, because most of an archive is captures of 20-60 KB and
                // article texts of 5-20 KB, which 4 KB pages split into overflow chains written a
                // page per syscall (bench_crawl's 5,000 pages: 430,000 -> 145,000 pwrite calls,
                // 96,000 -> 24,000 pread; search and export no slower in bench_store);
                // incremental auto-vacuum lets prune give space back.
                db.exec("PRAGMA page_size = 16384");
                db.exec("PRAGMA auto_vacuum = INCREMENTAL");
            }
            // WAL: readers never block the writer, and a kill never corrupts the file.
            const std::string journal = db.execAndGet("PRAGMA journal_mode = WAL").getString();
            if (journal != "wal")
                return Error(Errc::io, fmt::format("cannot switch {} to WAL mode (got {})", where, journal));
            db.exec(options.synchronous == Synchronous::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            if (check.verdict == MigrationCheck::Verdict::needs_migration)
                migrate(db);
        }
        configure(db, mode, options);
        register_functions(db);
        return std::unique_ptr<db::Connection>(std::make_unique<db::SqliteConnection>(std::move(db)));
    } catch (const SQLite::Exception& exception) {
        return to_error(db::sqlite_error(exception), "opening the archive " + where);
    }
}

} // namespace

Result<std::unique_ptr<Archive>> Archive::open(const std::filesystem::path& path, OpenMode mode, ArchiveOptions options)
{
    const std::string where = path.string();
    if (is_postgresql_location(where)) {
        auto db = open_postgresql(where, mode, options);
        if (!db)
            return db.error();
        return std::unique_ptr<Archive>(new Archive(std::make_unique<Impl>(std::move(*db), path)));
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return Error(Errc::invalid_argument, fmt::format("{} is a directory, not an archive file; pass the file itself (e.g. --db {})", where, (path / "archive.db").string()));
    if (mode == OpenMode::read_only && !std::filesystem::exists(path, ec))
        return Error(Errc::not_found, fmt::format("no archive at {} (run `feedkeeper add URL` first, or pass --db)", where));
    const auto parent = path.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return Error(Errc::not_found, fmt::format("directory {} does not exist", parent.string()));
    auto db = open_connection(path, mode, options, Connection::shared);
    if (!db && mode == OpenMode::read_only && may_open_immutable(path))
        if (auto immutable = open_connection(path, mode, options, Connection::immutable))
            db = std::move(immutable);
    if (!db)
        return db.error();
    return std::unique_ptr<Archive>(new Archive(std::make_unique<Impl>(std::move(*db), path)));
}

Result<ArchiveStats> Archive::Reader::stats()
{
    try {
        ArchiveStats stats;
        // Counters kept by triggers and partial indexes of the small job states: no big table is counted.
        auto query = m_impl->statement(
            "SELECT (SELECT count(*) FROM feeds), (SELECT value FROM totals WHERE name = 'articles'),"
            " (SELECT value FROM totals WHERE name = 'revisions'), (SELECT value FROM totals WHERE name = 'captures'),"
            " (SELECT count(*) FROM jobs WHERE state = 'pending'), (SELECT count(*) FROM jobs WHERE state = 'failed')");
        if (query->executeStep()) {
            stats.feeds = query->getColumn(0).getInt64();
            stats.articles = query->getColumn(1).getInt64();
            stats.revisions = query->getColumn(2).getInt64();
            stats.captures = query->getColumn(3).getInt64();
            stats.pending_jobs = query->getColumn(4).getInt64();
            stats.failed_jobs = query->getColumn(5).getInt64();
        }
        for (RecordStatus status : { RecordStatus::article, RecordStatus::paywall, RecordStatus::consent_wall, RecordStatus::error_page,
                 RecordStatus::not_article, RecordStatus::gone, RecordStatus::failed, RecordStatus::pending }) {
            auto count = m_impl->statement("SELECT value FROM totals WHERE name = :name");
            count->bind(":name", "records:" + std::string(to_string(status)));
            stats.records.emplace_back(status, count->executeStep() ? count->getColumn(0).getInt64() : 0);
        }
        if (m_impl->db.backend() == db::Backend::postgresql) {
            stats.database_bytes = std::get<std::int64_t>(m_impl->db.execAndGet("SELECT pg_database_size(current_database())"));
        } else {
            std::error_code ec;
            stats.database_bytes = static_cast<std::int64_t>(std::filesystem::file_size(m_impl->path, ec));
        }
        return stats;
    } catch (const db::Error& exception) {
        return to_error(exception, "reading archive statistics");
    }
}

Result<std::string> Archive::Maintenance::integrity_check()
{
    if (m_impl->db.backend() != db::Backend::sqlite)
        return Error(Errc::unsupported, "the integrity check is SQLite's; check the database with its own tools");
    try {
        const db::Value result = m_impl->db.execAndGet("PRAGMA integrity_check");
        const auto* text = std::get_if<std::string>(&result);
        return text ? *text : std::string();
    } catch (const db::Error& exception) {
        return to_error(exception, "checking the archive's integrity");
    }
}

} // namespace feedkeeper::store

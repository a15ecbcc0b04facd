// store/archive_postgresql.cpp — opening an archive kept in PostgreSQL (issue 17): the connection,
// its session settings, and the schema — created in an empty database, checked in one that has it.
// Several daemons may open one database at once: creating the schema takes a transaction-scoped
// advisory lock, so the second waits and then finds it. Threading: as Archive.
#include "store/archive_impl.hpp"

#include "store/db/postgresql.hpp"
#include "store/schema.hpp"
#include "store/schema_postgresql.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

bool is_postgresql_location(std::string_view location)
{
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string archive_location(std::string_view written)
{
    if (written.starts_with("sqlite://"))
        written.remove_prefix(9);
    else if (written.starts_with("sqlite:"))
        written.remove_prefix(7);
    return std::string(written);
}

std::string redacted_location(std::string_view location)
{
    if (!is_postgresql_location(location))
        return std::string(location);
    // postgresql://user:secret@host/db -> postgresql://user:***@host/db; a password given as a
    // parameter (?password=...) is cut the same way.
    std::string text(location);
    const std::size_t scheme = text.find("://") + 3;
    const std::size_t at = text.find('@', scheme);
    const std::size_t colon = text.find(':', scheme);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
        text.replace(colon + 1, at - colon - 1, "***");
    for (std::size_t key = text.find("password="); key != std::string::npos; key = text.find("password=", key + 1)) {
        const std::size_t value = key + 9;
        const std::size_t end = text.find('&', value);
        text.replace(value, (end == std::string::npos ? text.size() : end) - value, "***");
    }
    return text;
}

namespace {

// The archive's version row, or nothing when the database has no feedkeeper schema.
struct FoundSchema {
    bool present = false;
    bool other_tables = false; // some other application's tables (when not present)
    std::int64_t version = 0;
    std::int64_t application = 0;
};

FoundSchema find_schema(db::Connection& db)
{
    FoundSchema found;
    found.present = std::get<std::int64_t>(db.execAndGet("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'feedkeeper_schema'")) > 0;
    if (!found.present) {
        found.other_tables = std::get<std::int64_t>(db.execAndGet("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")) > 0;
        return found;
    }
    auto row = db.prepare("SELECT version, application_id FROM feedkeeper_schema");
    if (row->executeStep()) {
        found.version = row->getColumn(0).getInt64();
        found.application = row->getColumn(1).getInt64();
    }
    return found;
}

} // namespace

Result<std::unique_ptr<db::Connection>> open_postgresql(const std::string& location, OpenMode mode, const ArchiveOptions& options)
{
    const std::string where = redacted_location(location);
    if (options.max_bytes)
        return Error(Errc::invalid_argument, fmt::format("{}: a size cap on the archive is SQLite's; PostgreSQL's are the server's (quotas, tablespaces)", where));
    try {
        auto db = std::make_unique<db::PostgresConnection>(location);
        // SQLite's busy timeout is PostgreSQL's lock timeout: how long a write waits for another's
        // lock. Synchronous NORMAL is synchronous_commit off: a crash of the server may lose the
        // last commits, never corrupts (PostgreSQL's WAL), as SQLite's NORMAL in WAL mode.
        db->exec(fmt::format("SET lock_timeout = {}", options.busy_timeout.count()));
        db->exec(options.synchronous == Synchronous::full ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
        db->exec("SET client_min_messages = warning");
        {
            db::Transaction transaction(*db);
            if (mode == OpenMode::read_write)
                db->exec(fmt::format("SELECT pg_advisory_xact_lock({})", application_id)); // one creator at a time
            const FoundSchema found = find_schema(*db);
            if (!found.present) {
                if (found.other_tables)
                    return Error(Errc::invalid_argument, fmt::format("{} holds tables but not a feedkeeper archive; give feedkeeper a database (or schema) of its own", where));
                if (mode == OpenMode::read_only)
                    return Error(Errc::not_found, fmt::format("no archive in {} (run `feedkeeper add URL` first, or pass --db)", where));
                db->exec(postgresql_schema());
                auto version = db->prepare("INSERT INTO feedkeeper_schema (version, application_id) VALUES (:version, :application)");
                version->bind(":version", static_cast<std::int64_t>(postgresql_schema_version()));
                version->bind(":application", application_id);
                version->exec();
            } else if (found.application != application_id) {
                return Error(Errc::invalid_argument, fmt::format("{} has a feedkeeper_schema table of another application; pass another --db", where));
            } else if (found.version > postgresql_schema_version()) {
                return Error(Errc::unsupported, fmt::format("{} was written by a newer feedkeeper (schema {}, this one knows up to {}); upgrade feedkeeper", where, found.version, postgresql_schema_version()));
            } else if (found.version < postgresql_schema_version()) {
                // No PostgreSQL archive predates version 5: nothing to migrate yet.
                return Error(Errc::corrupt, fmt::format("{} has schema {}, older than any PostgreSQL archive feedkeeper wrote", where, found.version));
            }
            transaction.commit();
        }
        if (mode == OpenMode::read_only)
            db->exec("SET default_transaction_read_only = on");
        return std::unique_ptr<db::Connection>(std::move(db));
    } catch (const db::Error& exception) {
        return to_error(exception, "opening the archive " + where);
    }
}

} // namespace feedkeeper::store

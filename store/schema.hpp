// store/schema.hpp — schema migrations keyed by PRAGMA user_version; the archive is recognised
// by PRAGMA application_id. Threading: only on the connection being opened.
#pragma once

#include <cstdint>

namespace SQLite {
class Database;
}

namespace feedkeeper::store {

inline constexpr std::int64_t application_id = 0x464b5052; // "FKPR"

int schema_version();

// What opening the file found. Reads two PRAGMAs and, for version 0 only, counts sqlite_schema:
// never a scan of the archive.
struct MigrationCheck {
    enum class Verdict { current, needs_migration, newer, foreign } verdict;
    int version = 0;
};
MigrationCheck check_schema(SQLite::Database& db);

// The connection's own SQL functions: feedkeeper_url_host(url), the host as core/url.hpp reads it
// (for migrations that derive a host column, and queries that compare a URL's host). Every
// connection registers them when it opens.
void register_functions(SQLite::Database& db);

// Brings `db` to schema_version(), one transaction per step. Throws SQLite::Exception.
void migrate(SQLite::Database& db);

} // namespace feedkeeper::store

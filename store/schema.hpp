// store/schema.hpp — schema migrations keyed by PRAGMA user_version.
// Threading: only on the connection being opened.
#pragma once

namespace SQLite {
class Database;
}

namespace feedkeeper::store {

int schema_version();
// Brings `db` to schema_version(), one transaction per step. Throws SQLite::Exception.
void migrate(SQLite::Database& db);

} // namespace feedkeeper::store

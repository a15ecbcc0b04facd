// store/schema_postgresql.hpp — the archive's schema on PostgreSQL: version 5 of the SQLite schema
// (store/schema.hpp) in PostgreSQL's dialect, as one script, with the row that records its version.
// Threading: none.
#pragma once

#include <string_view>

namespace feedkeeper::store {

// The DDL of an empty archive (tables, indexes, search and count triggers). Runs in one
// transaction; then `feedkeeper_schema` gets its one row: (postgresql_schema_version(),
// application_id).
std::string_view postgresql_schema();
int postgresql_schema_version();

} // namespace feedkeeper::store

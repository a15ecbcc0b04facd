// tests/support/archive_query.hpp — one value read from an archive (a file, by a separate read-only
// SQLite connection; a postgresql:// URL, by a libpq connection of its own), as an outside observer sees it (tests and benchmarks that run the real binary).
// Threading: pure functions; each call opens and closes its own connection.
#pragma once

#include <cstdint>
#include <string>

namespace feedkeeper::testing {

// The first column of the first row of `sql` on the archive at `db`, or -1 when it cannot be read.
// Waits up to 5 s for a writer's lock.
std::int64_t query_integer(const std::string& db, const std::string& sql);
// The same as text; "cannot read" when it cannot be read.
std::string query_text(const std::string& db, const std::string& sql);

} // namespace feedkeeper::testing

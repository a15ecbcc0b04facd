// tests/support/archive_query.cpp — see archive_query.hpp. Threading: pure functions.
#include "tests/support/archive_query.hpp"

#include "core/c_handle.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <optional>

namespace feedkeeper::testing {
namespace {

// Runs `sql` and hands its first row to `read`; false when there is none or it fails.
template <typename Read>
bool first_row(const std::string& db, const std::string& sql, Read read)
{
    sqlite3* handle = nullptr;
    bool found = false;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(handle, 5000);
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
            read(statement);
            found = true;
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(handle);
    return found;
}

bool is_postgresql(const std::string& db) { return db.starts_with("postgresql://") || db.starts_with("postgres://"); }

// The first column of the first row on a PostgreSQL archive (a URL), as text; nullopt when there
// is none or it fails. NULL reads as "".
std::optional<std::string> postgresql_first(const std::string& db, const std::string& sql)
{
    CHandle<PGconn, &PQfinish> connection { PQconnectdb(db.c_str()) };
    if (!connection || PQstatus(connection.get()) != CONNECTION_OK)
        return std::nullopt;
    CHandle<PGresult, &PQclear> result { PQexec(connection.get(), sql.c_str()) };
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) < 1 || PQnfields(result.get()) < 1)
        return std::nullopt;
    return std::string(PQgetvalue(result.get(), 0, 0));
}

} // namespace

std::int64_t query_integer(const std::string& db, const std::string& sql)
{
    std::int64_t value = -1;
    if (is_postgresql(db)) {
        const auto text = postgresql_first(db, sql);
        if (text && std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc())
            value = -1;
        return value;
    }
    first_row(db, sql, [&](sqlite3_stmt* statement) { value = sqlite3_column_int64(statement, 0); });
    return value;
}

std::string query_text(const std::string& db, const std::string& sql)
{
    if (is_postgresql(db))
        return postgresql_first(db, sql).value_or("cannot read");
    std::string value = "cannot read";
    first_row(db, sql, [&](sqlite3_stmt* statement) {
        const unsigned char* text = sqlite3_column_text(statement, 0);
        value = text ? reinterpret_cast<const char*>(text) : "";
    });
    return value;
}

} // namespace feedkeeper::testing

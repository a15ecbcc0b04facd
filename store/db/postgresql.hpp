// store/db/postgresql.hpp — the PostgreSQL backend of db::Connection over libpq (issue 17).
// Threading: a PostgresConnection and its statements are used by one thread at a time (libpq's
// PGconn is not shared); distinct connections are independent.
//
// How the interface maps onto libpq:
//   - ":name" parameters become $1..$n once, when the statement is prepared (the same name twice
//     is one $k); string literals, quoted identifiers, dollar quotes, comments and "::type" casts
//     are skipped. The text goes to the server as a named prepared statement ("fk_<n>", numbered
//     per connection) on its first run, typed by the values bound then: integers as bigint,
//     doubles as double precision, blobs as bytea (binary format), text and NULL left to the
//     server to infer. A later run with other types prepares it again. Syntax errors therefore
//     surface on the first run, not at prepare(). Where the SQL gives a parameter no type (":x IS
//     NULL" alone) the server refuses it (42P18): write CAST(:x AS BIGINT), which SQLite runs too.
//   - Rows arrive in libpq's single-row mode, so a large result never sits in memory whole. A
//     connection runs one command at a time: when another command starts while a statement still
//     has rows coming, that statement's remaining rows are read into memory first (so stepping one
//     query while running others, as SQLite allows, still works; only that case costs memory).
//   - Text is bound as UTF-8: invalid sequences become U+FFFD (the server would refuse the value;
//     SQLite keeps such bytes as they are), a NUL byte is refused (Kind::other).
//   - Results are text: integers are parsed strictly (a float or numeric column read as an integer
//     is truncated, as SQLite does), booleans read as 0/1, bytea is decoded to its bytes.
//   - Errors carry the SQLSTATE as code() and are classified by kind_for_sqlstate(); a lost
//     connection is Kind::connection and is not reconnected here (the store opens a new one).
//   - Prepared statements are deallocated when their Statement is destroyed and the connection
//     is alive; a statement outliving its connection throws Kind::connection when used.
// PostgreSQL aborts a transaction on any error in it: code that expects a failure inside a
// transaction (a unique violation, ...) wraps it in a SAVEPOINT or uses ON CONFLICT.
#pragma once

#include "store/db/database.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::store::db {

namespace postgresql {

// Caps: the protocol's parameter count (an Int16 in the Bind message), and sizes well below the
// server's 1 GB field and message limits (a bytea's hex output is twice its size).
inline constexpr std::size_t max_parameters = 65535;
inline constexpr std::size_t max_sql_bytes = 16 * 1024 * 1024;
inline constexpr std::size_t max_value_bytes = 256 * 1024 * 1024;
inline constexpr std::size_t max_bound_bytes = 512 * 1024 * 1024;
inline constexpr std::size_t max_connection_string_bytes = 64 * 1024;

struct RewrittenSql {
    std::string sql;                // with $1..$n
    std::vector<std::string> names; // names[k] (with its ':') is $k+1
};

// ":name" → "$k". Throws Error (Kind::other) beyond the caps or for an unterminated quote or comment.
RewrittenSql rewrite_parameters(std::string_view sql);

// A SQLSTATE's place among Error::Kind (a lost connection without one is Kind::connection too).
Error::Kind kind_for_sqlstate(std::string_view sqlstate);

struct Session; // the PGconn and what its statements share, in postgresql.cpp

} // namespace postgresql

class PostgresConnection final : public Connection {
public:
    // `conninfo`: a libpq connection string ("host=/run/postgresql dbname=feedkeeper") or a URL
    // ("postgresql://user@host/dbname"); connect_timeout is 10 s unless it says otherwise. The
    // client encoding is UTF8. Throws Error (Kind::connection) when it cannot connect.
    explicit PostgresConnection(std::string_view conninfo);
    ~PostgresConnection() override;
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    Backend backend() const override { return Backend::postgresql; }
    std::unique_ptr<Statement> prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    Value execAndGet(std::string_view sql) override;
    std::int64_t getLastInsertRowid() override;

private:
    std::shared_ptr<postgresql::Session> m_session;
};

} // namespace feedkeeper::store::db

// store/db/database.hpp — the backend interface below the table groups (issue 17): one connection,
// its prepared statements and transactions, with SQLite (store/db/sqlite.*, the default) and
// PostgreSQL (store/db/postgresql.*, libpq) behind it. The table groups write their SQL once, in
// the subset both engines run (see "SQL both backends run" below), and bind and read through this.
//
// The shape follows SQLiteCpp's, which the table groups were written against: statements are
// prepared once and reused, parameters are bound by name as written in the SQL (":name"), rows are
// stepped, columns read by index. Errors are db::Error, classified (busy, constraint, full, ...)
// so that the store turns them into feedkeeper::Error without knowing the engine.
//
// SQL both backends run:
//   - parameters as ":name" (a backend that numbers them, like libpq's $1, rewrites the text once
//     at prepare time; the same name may appear more than once and binds one value);
//   - integers are 64-bit (INTEGER in SQLite, BIGINT in PostgreSQL); times are Unix seconds;
//   - text is UTF-8; blobs are bytes (BLOB / BYTEA) bound with bind_blob and read with blob();
//   - "INSERT ... ON CONFLICT (...) DO NOTHING / DO UPDATE SET x = excluded.x", "RETURNING",
//     "SAVEPOINT name / RELEASE name / ROLLBACK TO name" (SQLite 3.35+, PostgreSQL 9.5+);
//   - a parameter tested alone (":feed IS NULL OR feed_id = :feed") is cast where it is tested,
//     "CAST(:feed AS BIGINT) IS NULL": PostgreSQL gives a parameter one type, from its first use;
//   - "x IS DISTINCT FROM y" (not SQLite's "IS NOT"), "CASE WHEN :flag = 1" (not a bare integer);
//   - SQLite's scalar max(a, b), min(a, b) and instr(), which the PostgreSQL schema defines;
//   - what differs (schema DDL, full-text search, pragmas, "FOR UPDATE SKIP LOCKED") lives in the
//     backend's own files or behind backend().
//
// Threading: a Connection and its statements are used by one thread at a time (the store thread,
// or one reader of the web view's pool, each with its own connection).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace feedkeeper::store::db {

enum class Backend { sqlite, postgresql };

// A database failure, classified for the store's error mapping and for retry decisions.
class Error : public std::runtime_error {
public:
    enum class Kind {
        other,
        busy,       // locked by another connection, a serialization failure or a deadlock: retry later
        constraint, // unique, foreign key, not-null or check constraint
        full,       // disk full or quota
        read_only,  // the database or its file is read-only
        io,         // an I/O error
        corrupt,    // the file or the data is damaged, or not a database at all
        connection, // could not connect, or the connection was lost
        syntax,     // the SQL (or a full-text query in it) could not be parsed
    };
    Error(Kind kind, std::string code, const std::string& message) : std::runtime_error(message), m_kind(kind), m_code(std::move(code)) { }
    Kind kind() const { return m_kind; }
    // The engine's own code: SQLite's extended result code in decimal, PostgreSQL's SQLSTATE.
    const std::string& code() const { return m_code; }

private:
    Kind m_kind;
    std::string m_code;
};

class Statement;

// One column of a statement's current row. Valid until the statement steps, resets or is destroyed.
class Column {
public:
    Column(const Statement& statement, int index) : m_statement(&statement), m_index(index) { }
    bool isNull() const;
    std::int64_t getInt64() const; // NULL: 0
    int getInt() const;
    double getDouble() const;
    std::string getString() const; // text, or a blob's bytes; NULL: ""
    operator std::int64_t() const { return getInt64(); }
    operator int() const { return getInt(); }
    operator double() const { return getDouble(); }
    operator std::string() const { return getString(); }

private:
    const Statement* m_statement;
    int m_index;
};

// A prepared statement. Binding a name the SQL does not have throws Error (Kind::other).
class Statement {
public:
    virtual ~Statement() = default;

    virtual void bind(const char* name, std::int64_t value) = 0;
    virtual void bind(const char* name, double value) = 0;
    virtual void bind(const char* name, std::string_view text) = 0;
    virtual void bind_blob(const char* name, std::string_view bytes) = 0;
    virtual void bind_null(const char* name) = 0;
    // Without a copy: the bytes must stay valid and unchanged until the statement is reset or the
    // name bound again (a backend that copies anyway may implement these as bind / bind_blob).
    virtual void bindNoCopy(const char* name, std::string_view text) { bind(name, text); }
    virtual void bind_blob_no_copy(const char* name, std::string_view bytes) { bind_blob(name, bytes); }
    void bind(const char* name, int value) { bind(name, static_cast<std::int64_t>(value)); }
    void bind(const char* name, const std::string& text) { bind(name, std::string_view(text)); }
    void bind(const char* name, const char* text) { bind(name, std::string_view(text)); }

    // The next row: true while there is one. The first call runs the statement.
    virtual bool executeStep() = 0;
    // Runs a statement that returns no rows (or ignores them); returns the rows it changed.
    virtual std::int64_t exec() = 0;
    // Ready to run again with the same bindings; never throws (a failed run's error was thrown
    // by the call that ran it).
    virtual void reset() noexcept = 0;
    virtual void clearBindings() = 0;

    Column getColumn(int index) const { return Column(*this, index); }
    virtual int columnCount() const = 0;

    // Read by Column, for the current row.
    virtual bool is_null(int index) const = 0;
    virtual std::int64_t int64_at(int index) const = 0;
    virtual double double_at(int index) const = 0;
    virtual std::string string_at(int index) const = 0;
};

inline bool Column::isNull() const { return m_statement->is_null(m_index); }
inline std::int64_t Column::getInt64() const { return m_statement->int64_at(m_index); }
inline int Column::getInt() const { return static_cast<int>(m_statement->int64_at(m_index)); }
inline double Column::getDouble() const { return m_statement->double_at(m_index); }
inline std::string Column::getString() const { return m_statement->string_at(m_index); }

// One value of a one-row, one-column query (execAndGet), owned.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

class Connection {
public:
    virtual ~Connection() = default;
    virtual Backend backend() const = 0;

    virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
    // Runs one or more statements without parameters (DDL, BEGIN, SAVEPOINT ...).
    virtual void exec(std::string_view sql) = 0;
    // The first column of the first row of a query without parameters (monostate: NULL or no row).
    virtual Value execAndGet(std::string_view sql) = 0;
    // The id the last INSERT on this connection gave its row (SQLite's rowid; PostgreSQL's lastval()).
    virtual std::int64_t getLastInsertRowid() = 0;
};

// A transaction on a connection: begun by the constructor (immediate: it takes the write lock at
// once, so that a busy archive fails here and not half-way), committed by commit(), rolled back by
// the destructor when not committed.
class Transaction {
public:
    explicit Transaction(Connection& connection) : m_connection(connection) { m_connection.exec(begin_sql(connection.backend())); }
    ~Transaction()
    {
        if (!m_done) {
            try {
                m_connection.exec("ROLLBACK");
            } catch (const Error&) {
                // The connection is gone or the transaction already ended: nothing to undo.
            }
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit()
    {
        m_connection.exec("COMMIT");
        m_done = true;
    }

private:
    static const char* begin_sql(Backend backend) { return backend == Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN"; }

    Connection& m_connection;
    bool m_done = false;
};

} // namespace feedkeeper::store::db

// store/db/sqlite.cpp — the SQLite backend: the connection is SQLiteCpp's Database, statements are
// SQLite's own (sqlite3_stmt): SQLiteCpp's Statement binds text only from a std::string or a
// NUL-terminated string, so a string_view would be copied twice, and bindNoCopy not at all.
// Every failure leaves as db::Error. Threading: as db::Connection (one thread at a time).
#include "store/db/sqlite.hpp"

#include <sqlite3.h>

#include <string>

namespace feedkeeper::store::db {
namespace {

// Classified by the primary result code (the low byte of an extended one).
Error::Kind kind_of(int result)
{
    switch (result & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Error::Kind::busy;
    case SQLITE_CONSTRAINT: return Error::Kind::constraint;
    case SQLITE_FULL: return Error::Kind::full;
    case SQLITE_READONLY: return Error::Kind::read_only;
    case SQLITE_IOERR: return Error::Kind::io;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Error::Kind::corrupt;
    case SQLITE_CANTOPEN: return Error::Kind::connection; // the file could not be opened
    // What SQLite reports for SQL it cannot prepare (a syntax error, no such table or column) and
    // for a full-text query FTS5 cannot parse ("fts5: syntax error near ...", "unterminated string").
    case SQLITE_ERROR: return Error::Kind::syntax;
    default: return Error::Kind::other;
    }
}

// The connection's last failure, `result` being what the failing call returned.
Error last_error(sqlite3* handle, int result)
{
    return Error(kind_of(result), std::to_string(sqlite3_extended_errcode(handle)), sqlite3_errmsg(handle));
}

class SqliteStatement final : public Statement {
public:
    SqliteStatement(sqlite3* handle, sqlite3_stmt* statement) : m_handle(handle), m_statement(statement), m_columns(sqlite3_column_count(statement)) { }
    ~SqliteStatement() override { sqlite3_finalize(m_statement); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(const char* name, std::int64_t value) override { check(sqlite3_bind_int64(m_statement, index(name), value)); }
    void bind(const char* name, double value) override { check(sqlite3_bind_double(m_statement, index(name), value)); }
    void bind(const char* name, std::string_view text) override { bind_text(name, text, SQLITE_TRANSIENT); }
    void bind_blob(const char* name, std::string_view bytes) override { bind_bytes(name, bytes, SQLITE_TRANSIENT); }
    void bind_null(const char* name) override { check(sqlite3_bind_null(m_statement, index(name))); }
    void bindNoCopy(const char* name, std::string_view text) override { bind_text(name, text, SQLITE_STATIC); }
    void bind_blob_no_copy(const char* name, std::string_view bytes) override { bind_bytes(name, bytes, SQLITE_STATIC); }

    bool executeStep() override
    {
        // As SQLiteCpp: a statement that ran to its end runs again only after a reset.
        if (m_done)
            throw Error(Error::Kind::other, std::to_string(SQLITE_MISUSE), "the statement ran to its end; reset it before running it again");
        const int result = sqlite3_step(m_statement);
        m_has_row = result == SQLITE_ROW;
        if (result == SQLITE_ROW)
            return true;
        if (result == SQLITE_DONE) {
            m_done = true;
            return false;
        }
        throw last_error(m_handle, result);
    }

    std::int64_t exec() override
    {
        while (executeStep()) { }
        return sqlite3_changes64(m_handle);
    }

    void reset() noexcept override
    {
        sqlite3_reset(m_statement); // repeats a failed step's error, which was thrown already
        m_has_row = false;
        m_done = false;
    }

    void clearBindings() override { check(sqlite3_clear_bindings(m_statement)); }

    int columnCount() const override { return m_columns; }

    bool is_null(int index) const override { return sqlite3_column_type(m_statement, row_column(index)) == SQLITE_NULL; }
    std::int64_t int64_at(int index) const override { return sqlite3_column_int64(m_statement, row_column(index)); }
    double double_at(int index) const override { return sqlite3_column_double(m_statement, row_column(index)); }
    std::string string_at(int index) const override
    {
        // The blob accessor reads text without conversion too; bytes after it, as SQLite asks.
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(m_statement, row_column(index)));
        const int size = sqlite3_column_bytes(m_statement, index);
        return bytes ? std::string(bytes, static_cast<std::size_t>(size)) : std::string();
    }

    // The value of a column of the current row, owned (execAndGet).
    Value value_at(int index) const
    {
        switch (sqlite3_column_type(m_statement, row_column(index))) {
        case SQLITE_INTEGER: return int64_at(index);
        case SQLITE_FLOAT: return double_at(index);
        case SQLITE_NULL: return std::monostate {};
        default: return string_at(index);
        }
    }

private:
    int index(const char* name) const
    {
        const int found = sqlite3_bind_parameter_index(m_statement, name);
        if (found == 0)
            throw Error(Error::Kind::other, std::to_string(SQLITE_RANGE), std::string("the statement has no parameter ") + name);
        return found;
    }

    // An empty view may have no data; SQLite would bind NULL for a null pointer.
    void bind_text(const char* name, std::string_view text, sqlite3_destructor_type lifetime)
    {
        check(sqlite3_bind_text64(m_statement, index(name), text.data() ? text.data() : "", text.size(), lifetime, SQLITE_UTF8));
    }
    void bind_bytes(const char* name, std::string_view bytes, sqlite3_destructor_type lifetime)
    {
        check(sqlite3_bind_blob64(m_statement, index(name), bytes.data() ? bytes.data() : "", bytes.size(), lifetime));
    }

    void check(int result) const
    {
        if (result != SQLITE_OK)
            throw last_error(m_handle, result);
    }

    // `index`, after checking that there is a row and such a column (as SQLiteCpp did).
    int row_column(int index) const
    {
        if (!m_has_row)
            throw Error(Error::Kind::other, std::to_string(SQLITE_MISUSE), "No row to get a column from. executeStep() was not called, or returned false.");
        if (index < 0 || index >= m_columns)
            throw Error(Error::Kind::other, std::to_string(SQLITE_RANGE), "Column index out of range.");
        return index;
    }

    sqlite3* m_handle;
    sqlite3_stmt* m_statement;
    int m_columns;
    bool m_has_row = false;
    bool m_done = false;
};

std::unique_ptr<SqliteStatement> prepare_statement(sqlite3* handle, std::string_view sql)
{
    sqlite3_stmt* statement = nullptr;
    const int result = sqlite3_prepare_v2(handle, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (result != SQLITE_OK)
        throw last_error(handle, result);
    if (!statement)
        throw Error(Error::Kind::syntax, std::to_string(SQLITE_MISUSE), "the SQL holds no statement");
    return std::make_unique<SqliteStatement>(handle, statement);
}

} // namespace

Error sqlite_error(const SQLite::Exception& exception)
{
    // An exception of SQLiteCpp's own (no SQLite call failed) has -1 for its extended code.
    const int extended = exception.getExtendedErrorCode();
    return Error(kind_of(exception.getErrorCode()), std::to_string(extended == -1 ? exception.getErrorCode() : extended), exception.what());
}

std::unique_ptr<Statement> SqliteConnection::prepare(std::string_view sql) { return prepare_statement(m_database.getHandle(), sql); }

void SqliteConnection::exec(std::string_view sql)
{
    try {
        m_database.exec(std::string(sql));
    } catch (const SQLite::Exception& exception) {
        throw sqlite_error(exception);
    }
}

Value SqliteConnection::execAndGet(std::string_view sql)
{
    const auto statement = prepare_statement(m_database.getHandle(), sql);
    return statement->executeStep() ? statement->value_at(0) : Value {};
}

std::int64_t SqliteConnection::getLastInsertRowid() { return sqlite3_last_insert_rowid(m_database.getHandle()); }

} // namespace feedkeeper::store::db

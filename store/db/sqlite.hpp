// store/db/sqlite.hpp — the SQLite backend of db::Connection (the default), over SQLiteCpp's
// Database and SQLite's own statements. native() is for SQLite-only code: opening, pragmas,
// migrations, custom functions. Threading: as db::Connection (one thread at a time).
#pragma once

#include "store/db/database.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

namespace feedkeeper::store::db {

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(SQLite::Database database) : m_database(std::move(database)) { }

    Backend backend() const override { return Backend::sqlite; }
    std::unique_ptr<Statement> prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    Value execAndGet(std::string_view sql) override;
    std::int64_t getLastInsertRowid() override;

    // For SQLite-only code; its SQLite::Exception are translated with sqlite_error().
    SQLite::Database& native() { return m_database; }

private:
    SQLite::Database m_database;
};

// SQLiteCpp's exception as a db::Error, classified by its extended result code.
Error sqlite_error(const SQLite::Exception&);

} // namespace feedkeeper::store::db

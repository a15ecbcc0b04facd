// store/archive_impl.hpp — what the archive's .cpp files share: the connection, the statement
// cache and SQLite-to-Error translation. Private to store/.
// Threading: as Archive (one thread at a time).
#pragma once

#include "store/archive.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <unordered_map>

namespace feedkeeper::store {

struct Archive::Impl {
    Impl(SQLite::Database database, std::filesystem::path file) : db(std::move(database)), path(std::move(file)) { }

    // Statements are prepared once per SQL literal and reused; the key is the literal's address.
    SQLite::Statement& statement(const char* sql)
    {
        auto it = statements.find(sql);
        if (it == statements.end())
            it = statements.emplace(sql, std::make_unique<SQLite::Statement>(db, sql)).first;
        it->second->reset();
        it->second->clearBindings();
        return *it->second;
    }

    SQLite::Database db; // Declared before the statements, which borrow it.
    std::filesystem::path path;
    std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements;
};

// SQLite's failure as an Error naming what we were doing.
Error to_error(const SQLite::Exception&, std::string_view doing);

// Columns <-> values.
std::optional<Timestamp> column_time(const SQLite::Column&);
std::optional<std::int64_t> column_int(const SQLite::Column&);
std::string column_text(const SQLite::Column&);
void bind_time(SQLite::Statement&, const char* name, const std::optional<Timestamp>&);
void bind_text_or_null(SQLite::Statement&, const char* name, const std::string&);
std::int64_t seconds(Timestamp);

std::string headers_to_json(const HttpHeaders&);
HttpHeaders headers_from_json(const std::string&);
std::string strings_to_json(const std::vector<std::string>&);
std::vector<std::string> strings_from_json(const std::string&);

std::string compress(std::string_view);
Result<std::string> decompress(std::string_view, std::size_t max_bytes);

} // namespace feedkeeper::store

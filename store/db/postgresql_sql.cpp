// store/db/postgresql_sql.cpp — the PostgreSQL backend's pure parts: ":name" → "$k" rewriting and
// SQLSTATE classification (see postgresql.hpp). Threading: pure functions, any thread.
#include "store/db/postgresql.hpp"

#include "core/text.hpp"

#include <unordered_map>

namespace feedkeeper::store::db::postgresql {

namespace {

[[noreturn]] void refuse(const std::string& what)
{
    throw Error(Error::Kind::other, "", "postgresql: " + what);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// PostgreSQL identifiers: letters, '_' and any non-ASCII byte first; then also digits and '$'.
bool starts_identifier(char c) { return is_ascii_letter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
bool continues_identifier(char c) { return starts_identifier(c) || is_digit(c) || c == '$'; }
// Parameter names as SQLite reads them after ':' (ASCII only, which is all the store uses).
bool starts_name(char c) { return is_ascii_letter(c) || c == '_'; }
bool continues_name(char c) { return starts_name(c) || is_digit(c); }

// The end of a quoted run starting at `begin` (the quote): a doubled quote is part of it, and in an
// E'...' string a backslash escapes the next byte.
std::size_t skip_quoted(std::string_view sql, std::size_t begin, char quote, bool backslash_escapes)
{
    std::size_t i = begin + 1;
    while (i < sql.size()) {
        if (backslash_escapes && sql[i] == '\\') {
            i += 2;
        } else if (sql[i] == quote) {
            if (i + 1 < sql.size() && sql[i + 1] == quote)
                i += 2;
            else
                return i + 1;
        } else {
            ++i;
        }
    }
    refuse(std::string("unterminated ") + (quote == '"' ? "quoted identifier" : "string literal") + " in the SQL");
}

// PostgreSQL's block comments nest.
std::size_t skip_block_comment(std::string_view sql, std::size_t begin)
{
    std::size_t depth = 0;
    std::size_t i = begin;
    while (i + 1 < sql.size()) {
        if (sql[i] == '/' && sql[i + 1] == '*') {
            ++depth;
            i += 2;
        } else if (sql[i] == '*' && sql[i + 1] == '/') {
            i += 2;
            if (--depth == 0)
                return i;
        } else {
            ++i;
        }
    }
    refuse("unterminated /* comment in the SQL");
}

// "$tag$ ... $tag$" (tag may be empty); npos when the '$' at `begin` does not open one ($1 does not).
std::size_t skip_dollar_quote(std::string_view sql, std::size_t begin)
{
    std::size_t i = begin + 1;
    if (i < sql.size() && starts_identifier(sql[i])) {
        while (i < sql.size() && continues_identifier(sql[i]) && sql[i] != '$')
            ++i;
    }
    if (i >= sql.size() || sql[i] != '$')
        return std::string_view::npos;
    std::string_view tag = sql.substr(begin, i - begin + 1);
    std::size_t close = sql.find(tag, i + 1);
    if (close == std::string_view::npos)
        refuse("unterminated dollar-quoted string in the SQL");
    return close + tag.size();
}

} // namespace

RewrittenSql rewrite_parameters(std::string_view sql)
{
    if (sql.size() > max_sql_bytes)
        refuse("the SQL is " + std::to_string(sql.size()) + " bytes, more than the " + std::to_string(max_sql_bytes) + " allowed");
    RewrittenSql out;
    out.sql.reserve(sql.size() + 16);
    std::unordered_map<std::string_view, std::size_t> numbers; // name → its $k
    std::size_t i = 0;
    auto copy_to = [&](std::size_t end) {
        out.sql.append(sql.substr(i, end - i));
        i = end;
    };
    while (i < sql.size()) {
        const char c = sql[i];
        const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
        if (c == '\'') {
            const bool escape_string = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !continues_identifier(sql[i - 2]));
            copy_to(skip_quoted(sql, i, '\'', escape_string));
        } else if (c == '"') {
            copy_to(skip_quoted(sql, i, '"', false));
        } else if (c == '-' && next == '-') {
            std::size_t end = sql.find('\n', i);
            copy_to(end == std::string_view::npos ? sql.size() : end + 1);
        } else if (c == '/' && next == '*') {
            copy_to(skip_block_comment(sql, i));
        } else if (c == '$' && skip_dollar_quote(sql, i) != std::string_view::npos) {
            copy_to(skip_dollar_quote(sql, i));
        } else if (starts_identifier(c)) { // whole words, so that "a$b" and E'...' read right
            std::size_t end = i + 1;
            while (end < sql.size() && continues_identifier(sql[end]))
                ++end;
            copy_to(end);
        } else if (c == ':' && next == ':') { // a cast
            copy_to(i + 2);
        } else if (c == ':' && starts_name(next)) {
            std::size_t end = i + 2;
            while (end < sql.size() && continues_name(sql[end]))
                ++end;
            std::string_view name = sql.substr(i, end - i);
            auto [found, added] = numbers.try_emplace(name, out.names.size() + 1);
            if (added) {
                if (out.names.size() == max_parameters)
                    refuse("the SQL has more than " + std::to_string(max_parameters) + " parameters");
                out.names.emplace_back(name);
            }
            out.sql += '$';
            out.sql += std::to_string(found->second);
            i = end;
        } else {
            out.sql += c;
            ++i;
        }
    }
    return out;
}

Error::Kind kind_for_sqlstate(std::string_view state)
{
    using Kind = Error::Kind;
    if (state.size() != 5)
        return Kind::other;
    std::string_view sqlclass = state.substr(0, 2);
    if (state == "40001" || state == "40P01" || state == "55P03") // serialization failure, deadlock, lock not available
        return Kind::busy;
    if (sqlclass == "23")
        return Kind::constraint;
    if (state == "53100") // disk full
        return Kind::full;
    if (state == "53300") // too many connections: the server takes no more, as when it is down
        return Kind::connection;
    if (state == "25006")
        return Kind::read_only;
    if (state == "58030")
        return Kind::io;
    if (state == "XX001" || state == "XX002") // data corrupted, index corrupted
        return Kind::corrupt;
    // Connection exceptions, and the server shutting down or starting up under us.
    if (sqlclass == "08" || state == "57P01" || state == "57P02" || state == "57P03")
        return Kind::connection;
    if (state == "42601") // also a tsquery that does not parse
        return Kind::syntax;
    return Kind::other; // 53200 out of memory and 53400 configuration limits among them
}

} // namespace feedkeeper::store::db::postgresql

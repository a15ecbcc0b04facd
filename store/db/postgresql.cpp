// store/db/postgresql.cpp — PostgresConnection and its statements over libpq (the design is in
// postgresql.hpp). Threading: one thread at a time per connection and its statements.
#include "store/db/postgresql.hpp"

#include "core/c_handle.hpp"
#include "core/text.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

namespace feedkeeper::store::db {

namespace postgresql {

class PgStatement;

namespace {

using ConnectionHandle = CHandle<PGconn, &PQfinish>;
using ResultHandle = CHandle<PGresult, &PQclear>;
void free_libpq_bytes(unsigned char* bytes) { PQfreemem(bytes); }
using LibpqBytes = CHandle<unsigned char, &free_libpq_bytes>;

// Type OIDs of the server's built-in types (fixed in its catalog, the same in every version).
constexpr Oid bool_oid = 16;
constexpr Oid bytea_oid = 17;
constexpr Oid int8_oid = 20;
constexpr Oid int2_oid = 21;
constexpr Oid int4_oid = 23;
constexpr Oid oid_oid = 26;
constexpr Oid float4_oid = 700;
constexpr Oid float8_oid = 701;
constexpr Oid numeric_oid = 1700;

std::string one_line(std::string_view text)
{
    std::string line(text);
    while (!line.empty() && (line.back() == '\n' || line.back() == ' '))
        line.pop_back();
    for (char& c : line)
        if (c == '\n' || c == '\t')
            c = ' ';
    return line;
}

std::string excerpt(std::string_view sql)
{
    constexpr std::size_t limit = 160;
    return one_line(sql.substr(0, limit)) + (sql.size() > limit ? "..." : "");
}

// The error a failed result (or, without one, the connection) reports.
[[noreturn]] void throw_failure(PGconn* connection, const PGresult* result, std::string_view sql)
{
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? state : "";
    Error::Kind kind = kind_for_sqlstate(code);
    // An error without SQLSTATE is libpq's own. When it is a failed write, libpq learns that the
    // server is gone only on reading: read, so that PQstatus tells.
    if (code.empty() && PQstatus(connection) == CONNECTION_OK)
        PQconsumeInput(connection);
    if (PQstatus(connection) != CONNECTION_OK) {
        kind = Error::Kind::connection;
        if (code.empty())
            code = "08006";
    }
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = primary ? primary : (result ? PQresultErrorMessage(result) : "");
    if (message.empty())
        message = PQerrorMessage(connection);
    if (const char* detail = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr)
        message += std::string(": ") + detail;
    throw Error(kind, code, "postgresql: " + one_line(message) + (code.empty() ? "" : " [SQLSTATE " + code + "]") + " (in: " + excerpt(sql) + ")");
}

void discard_results(PGconn* connection) noexcept
{
    while (ResultHandle result { PQgetResult(connection) })
        ;
}

void ignore_notice(void*, const char*) { } // NOTICEs ("... already exists, skipping") are not errors

std::string text_argument(std::string_view sql)
{
    if (sql.size() > max_sql_bytes)
        throw Error(Error::Kind::other, "", "postgresql: the SQL is " + std::to_string(sql.size()) + " bytes, more than the " + std::to_string(max_sql_bytes) + " allowed");
    if (sql.find('\0') != std::string_view::npos)
        throw Error(Error::Kind::other, "", "postgresql: the SQL contains a NUL byte (in: " + excerpt(sql) + ")");
    return std::string(sql);
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// bytea's text output: hex ("\x0041ff", the default) or, with bytea_output = escape, PQunescapeBytea's.
std::string decode_bytea(const char* text, std::size_t length)
{
    std::string bytes;
    if (length >= 2 && text[0] == '\\' && text[1] == 'x') {
        bytes.reserve((length - 2) / 2);
        for (std::size_t i = 2; i + 1 < length; i += 2) {
            int high = hex_digit(text[i]);
            int low = hex_digit(text[i + 1]);
            if (high < 0 || low < 0)
                throw Error(Error::Kind::other, "", "postgresql: a bytea value is not valid hex");
            bytes += static_cast<char>(high * 16 + low);
        }
        return bytes;
    }
    std::size_t size = 0;
    LibpqBytes raw { PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size) };
    if (!raw)
        throw Error(Error::Kind::other, "", "postgresql: a bytea value could not be decoded");
    return std::string(reinterpret_cast<const char*>(raw.get()), size);
}

bool is_float_type(Oid type) { return type == float4_oid || type == float8_oid || type == numeric_oid; }

double parse_double(std::string_view text)
{
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw Error(Error::Kind::other, "", "postgresql: not a number: '" + excerpt(text) + "'");
    return value;
}

std::int64_t parse_int64(std::string_view text, Oid type)
{
    if (type == bool_oid)
        return text == "t" ? 1 : 0;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size())
        return value;
    if (is_float_type(type)) { // truncated, as SQLite reads a REAL as an integer
        double real = parse_double(text);
        if (std::isfinite(real) && real >= -9.2233720368547758e18 && real < 9.2233720368547758e18)
            return static_cast<std::int64_t>(real);
    }
    throw Error(Error::Kind::other, "", "postgresql: not a 64-bit integer: '" + excerpt(text) + "'");
}

// One value of a result in the variant execAndGet returns.
Value value_at(const PGresult* result, int row, int column)
{
    if (PQgetisnull(result, row, column))
        return std::monostate {};
    const char* text = PQgetvalue(result, row, column);
    std::size_t length = static_cast<std::size_t>(PQgetlength(result, row, column));
    Oid type = PQftype(result, column);
    if (type == bytea_oid)
        return decode_bytea(text, length);
    std::string_view view(text, length);
    if (type == bool_oid || type == int8_oid || type == int2_oid || type == int4_oid || type == oid_oid)
        return parse_int64(view, type);
    if (is_float_type(type)) {
        std::int64_t integer = 0;
        auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), integer);
        if (type == numeric_oid && error == std::errc() && end == view.data() + view.size())
            return integer; // SUM(bigint) is numeric: an integer when it has no fraction
        return parse_double(view);
    }
    return std::string(view);
}

} // namespace

// What a connection and its statements share. Statements hold it weakly: one used after its
// connection is gone throws, instead of touching a freed PGconn.
struct Session {
    ConnectionHandle connection;
    std::uint64_t statements_prepared = 0;
    PgStatement* streaming = nullptr;              // the statement whose rows are still arriving
    std::vector<std::string> pending_deallocations; // names to DEALLOCATE once not in a failed transaction

    // Before any command: the connection must be alive and free (another statement's remaining
    // rows are read into memory), and statements dropped meanwhile are deallocated.
    void begin_command(std::string_view sql);
    void deallocate(std::string name) noexcept;
};

class PgStatement final : public Statement {
public:
    PgStatement(const std::shared_ptr<Session>& session, std::string_view original)
        : m_session(session), m_original(original)
    {
        RewrittenSql rewritten = rewrite_parameters(original);
        m_sql = std::move(rewritten.sql);
        m_parameters.resize(rewritten.names.size());
        for (std::size_t k = 0; k < rewritten.names.size(); ++k)
            m_numbers.emplace(std::move(rewritten.names[k]), k);
    }

    ~PgStatement() override
    {
        reset();
        if (std::shared_ptr<Session> session = m_session.lock(); session && !m_prepared_name.empty())
            session->deallocate(std::move(m_prepared_name));
    }

    void bind(const char* name, std::int64_t value) override { set(name, int8_oid, Format::text, std::to_string(value)); }
    void bind(const char* name, double value) override;
    void bind(const char* name, std::string_view text) override;
    void bind_blob(const char* name, std::string_view bytes) override { set(name, bytea_oid, Format::binary, std::string(bytes)); }
    void bind_blob_no_copy(const char* name, std::string_view bytes) override { set_view(name, bytea_oid, Format::binary, bytes); }
    void bind_null(const char* name) override { parameter(name) = Parameter {}; }

    bool executeStep() override;
    std::int64_t exec() override;
    void reset() noexcept override;
    void clearBindings() override;

    int columnCount() const override { return m_column_count; }
    bool is_null(int index) const override;
    std::int64_t int64_at(int index) const override;
    double double_at(int index) const override;
    std::string string_at(int index) const override;

    // Another command is about to run on the connection: keep the rest of this result here.
    void buffer_remaining(PGconn* connection) noexcept;

private:
    enum class Format { text = 0, binary = 1 };
    struct Parameter {
        bool is_null = true;
        Oid type = 0;
        Format format = Format::text;
        std::string owned;
        std::string_view value; // into `owned`, or the caller's bytes (bind_blob_no_copy)
    };
    enum class State { idle, streaming, buffered, done };

    Parameter& parameter(const char* name);
    void set(const char* name, Oid type, Format format, std::string value);
    void set_view(const char* name, Oid type, Format format, std::string_view value);
    std::shared_ptr<Session> session() const;
    void start();
    void prepare_on_server(Session& session, const std::vector<Oid>& types);
    ResultHandle next_result();
    bool advance();
    const PGresult* row(int index) const;

    std::weak_ptr<Session> m_session;
    std::string m_original; // for error messages
    std::string m_sql;      // with $1..$n
    std::unordered_map<std::string, std::size_t> m_numbers;
    std::vector<Parameter> m_parameters;
    std::string m_prepared_name; // empty until prepared on the server
    std::vector<Oid> m_prepared_types;
    State m_state = State::idle;
    std::deque<ResultHandle> m_buffered;
    ResultHandle m_result; // holds the current row
    int m_row = 0;
    int m_column_count = 0;
    std::int64_t m_changes = 0;
};

void Session::begin_command(std::string_view sql)
{
    if (streaming)
        streaming->buffer_remaining(connection.get());
    if (PQstatus(connection.get()) != CONNECTION_OK)
        throw_failure(connection.get(), nullptr, sql);
    if (!pending_deallocations.empty() && PQtransactionStatus(connection.get()) != PQTRANS_INERROR) {
        for (const std::string& name : pending_deallocations)
            ResultHandle ignored { PQexec(connection.get(), ("DEALLOCATE " + name).c_str()) };
        pending_deallocations.clear();
    }
}

void Session::deallocate(std::string name) noexcept
{
    if (PQstatus(connection.get()) != CONNECTION_OK)
        return; // the server forgot it with the session
    pending_deallocations.push_back(std::move(name));
    if (streaming || PQtransactionStatus(connection.get()) == PQTRANS_INERROR)
        return; // later: a statement is streaming rows, or the transaction refuses every command
    try {
        begin_command("DEALLOCATE");
    } catch (const Error&) {
    } catch (const std::bad_alloc&) {
    }
}

} // namespace postgresql

using postgresql::PgStatement;
using postgresql::ResultHandle;
using postgresql::Session;

std::shared_ptr<Session> PgStatement::session() const
{
    std::shared_ptr<Session> session = m_session.lock();
    if (!session)
        throw Error(Error::Kind::connection, "08003", "postgresql: the statement's connection is closed (in: " + postgresql::excerpt(m_original) + ")");
    return session;
}

PgStatement::Parameter& PgStatement::parameter(const char* name)
{
    auto found = m_numbers.find(name);
    if (found == m_numbers.end())
        throw Error(Error::Kind::other, "", std::string("postgresql: no parameter ") + name + " in: " + postgresql::excerpt(m_original));
    return m_parameters[found->second];
}

void PgStatement::set(const char* name, Oid type, Format format, std::string value)
{
    Parameter& target = parameter(name);
    set_view(name, type, format, value); // checks the size
    target.owned = std::move(value);
    target.value = target.owned;
}

void PgStatement::set_view(const char* name, Oid type, Format format, std::string_view value)
{
    if (value.size() > postgresql::max_value_bytes)
        throw Error(Error::Kind::other, "", std::string("postgresql: the value bound to ") + name + " is " + std::to_string(value.size())
                + " bytes, more than the " + std::to_string(postgresql::max_value_bytes) + " allowed");
    Parameter& target = parameter(name);
    target = Parameter { false, type, format, {}, value };
}

void PgStatement::bind(const char* name, double value)
{
    if (std::isnan(value))
        return set(name, postgresql::float8_oid, Format::text, "NaN");
    if (std::isinf(value))
        return set(name, postgresql::float8_oid, Format::text, value > 0 ? "Infinity" : "-Infinity");
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value); // shortest exact form
    set(name, postgresql::float8_oid, Format::text, std::string(buffer, error == std::errc() ? end : buffer));
}

void PgStatement::bind(const char* name, std::string_view text)
{
    // Text parameters travel as C strings, and PostgreSQL's text cannot hold NUL anyway.
    if (text.find('\0') != std::string_view::npos)
        throw Error(Error::Kind::other, "22021", std::string("postgresql: the text bound to ") + name + " contains a NUL byte (bind it as a blob)");
    // The server refuses text that is not UTF-8, where SQLite keeps the bytes (and the exports
    // repair them): a stray byte of a hostile feed becomes U+FFFD rather than failing the write.
    set(name, 0, Format::text, is_valid_utf8(text) ? std::string(text) : sanitize_utf8(text)); // type 0: the server infers it from the SQL
}

void PgStatement::clearBindings()
{
    for (Parameter& each : m_parameters)
        each = Parameter {};
}

void PgStatement::prepare_on_server(Session& session, const std::vector<Oid>& types)
{
    if (!m_prepared_name.empty())
        session.deallocate(std::exchange(m_prepared_name, {}));
    std::string name = "fk_" + std::to_string(++session.statements_prepared);
    ResultHandle result { PQprepare(session.connection.get(), name.c_str(), m_sql.c_str(), static_cast<int>(types.size()), types.data()) };
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        postgresql::throw_failure(session.connection.get(), result.get(), m_original);
    m_prepared_name = std::move(name);
    m_prepared_types = types;
}

void PgStatement::start()
{
    std::shared_ptr<Session> session = this->session();
    session->begin_command(m_original);
    std::vector<Oid> types(m_parameters.size());
    std::vector<const char*> values(m_parameters.size());
    std::vector<int> lengths(m_parameters.size());
    std::vector<int> formats(m_parameters.size());
    std::size_t total = 0;
    for (std::size_t k = 0; k < m_parameters.size(); ++k) {
        const Parameter& each = m_parameters[k];
        // NULL fits whatever type the statement was prepared with: no second PREPARE for it.
        types[k] = each.is_null && !m_prepared_name.empty() ? m_prepared_types[k] : each.type;
        values[k] = each.is_null ? nullptr : each.value.data();
        lengths[k] = static_cast<int>(each.value.size());
        formats[k] = static_cast<int>(each.format);
        total += each.value.size();
    }
    if (total > postgresql::max_bound_bytes)
        throw Error(Error::Kind::other, "", "postgresql: the values bound are " + std::to_string(total) + " bytes in all, more than the "
                + std::to_string(postgresql::max_bound_bytes) + " allowed (in: " + postgresql::excerpt(m_original) + ")");
    if (m_prepared_name.empty() || types != m_prepared_types)
        prepare_on_server(*session, types);
    PGconn* connection = session->connection.get();
    if (!PQsendQueryPrepared(connection, m_prepared_name.c_str(), static_cast<int>(values.size()), values.data(), lengths.data(), formats.data(), 0))
        postgresql::throw_failure(connection, nullptr, m_original);
    PQsetSingleRowMode(connection); // when refused the rows arrive whole, which advance() reads too
    session->streaming = this;
    m_state = State::streaming;
    m_changes = 0;
}

ResultHandle PgStatement::next_result()
{
    if (!m_buffered.empty()) {
        ResultHandle result = std::move(m_buffered.front());
        m_buffered.pop_front();
        return result;
    }
    if (m_state != State::streaming)
        return nullptr;
    std::shared_ptr<Session> session = this->session();
    ResultHandle result { PQgetResult(session->connection.get()) };
    if (!result)
        session->streaming = nullptr;
    return result;
}

bool PgStatement::advance()
{
    if (m_result && ++m_row < PQntuples(m_result.get()))
        return true;
    m_result.reset();
    while (ResultHandle result = next_result()) {
        ExecStatusType status = PQresultStatus(result.get());
        if (status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            m_column_count = PQnfields(result.get());
            if (status != PGRES_SINGLE_TUPLE) {
                std::string_view changed = PQcmdTuples(result.get());
                std::from_chars(changed.data(), changed.data() + changed.size(), m_changes);
            }
            if (PQntuples(result.get()) > 0) {
                m_result = std::move(result);
                m_row = 0;
                return true;
            }
            continue;
        }
        // A failure: read what follows it, so that the connection is free again, then report it.
        std::shared_ptr<Session> session = this->session();
        buffer_remaining(session->connection.get());
        m_buffered.clear();
        m_state = State::done;
        postgresql::throw_failure(session->connection.get(), result.get(), m_original);
    }
    m_state = State::done;
    return false;
}

bool PgStatement::executeStep()
{
    // As SQLiteCpp (and the SQLite backend): a statement that ran to its end runs again only after a reset.
    if (m_state == State::done)
        throw Error(Error::Kind::other, "", "postgresql: the statement ran to its end; reset it before running it again (in: " + postgresql::excerpt(m_original) + ")");
    if (m_state == State::idle)
        start();
    return advance();
}

std::int64_t PgStatement::exec()
{
    while (executeStep())
        ; // rows, if any, are not wanted
    return m_changes;
}

void PgStatement::buffer_remaining(PGconn* connection) noexcept
{
    if (m_state != State::streaming)
        return;
    while (ResultHandle result { PQgetResult(connection) })
        m_buffered.push_back(std::move(result));
    m_state = State::buffered;
    if (std::shared_ptr<Session> session = m_session.lock(); session && session->streaming == this)
        session->streaming = nullptr;
}

void PgStatement::reset() noexcept
{
    if (m_state == State::streaming) {
        if (std::shared_ptr<Session> session = m_session.lock()) {
            postgresql::discard_results(session->connection.get());
            if (session->streaming == this)
                session->streaming = nullptr;
        }
    }
    m_buffered.clear();
    m_result.reset();
    m_state = State::idle;
}

const PGresult* PgStatement::row(int index) const
{
    if (!m_result)
        throw Error(Error::Kind::other, "", "postgresql: no current row (in: " + postgresql::excerpt(m_original) + ")");
    if (index < 0 || index >= PQnfields(m_result.get()))
        throw Error(Error::Kind::other, "", "postgresql: no column " + std::to_string(index) + " (in: " + postgresql::excerpt(m_original) + ")");
    return m_result.get();
}

bool PgStatement::is_null(int index) const { return PQgetisnull(row(index), m_row, index); }

std::int64_t PgStatement::int64_at(int index) const
{
    const PGresult* result = row(index);
    if (PQgetisnull(result, m_row, index))
        return 0;
    return postgresql::parse_int64({ PQgetvalue(result, m_row, index), static_cast<std::size_t>(PQgetlength(result, m_row, index)) }, PQftype(result, index));
}

double PgStatement::double_at(int index) const
{
    const PGresult* result = row(index);
    if (PQgetisnull(result, m_row, index))
        return 0;
    std::string_view text(PQgetvalue(result, m_row, index), static_cast<std::size_t>(PQgetlength(result, m_row, index)));
    if (PQftype(result, index) == postgresql::bool_oid)
        return text == "t" ? 1 : 0;
    return postgresql::parse_double(text);
}

std::string PgStatement::string_at(int index) const
{
    const PGresult* result = row(index);
    if (PQgetisnull(result, m_row, index))
        return {};
    const char* text = PQgetvalue(result, m_row, index);
    std::size_t length = static_cast<std::size_t>(PQgetlength(result, m_row, index));
    if (PQftype(result, index) == postgresql::bytea_oid)
        return postgresql::decode_bytea(text, length);
    return std::string(text, length);
}

PostgresConnection::PostgresConnection(std::string_view conninfo)
{
    if (conninfo.size() > postgresql::max_connection_string_bytes || conninfo.find('\0') != std::string_view::npos)
        throw Error(Error::Kind::connection, "08001", "postgresql: the connection string is longer than "
                + std::to_string(postgresql::max_connection_string_bytes) + " bytes or contains a NUL byte");
    // "dbname" is expanded as a whole connection string or URL; what it says overrides the
    // defaults before it (a connect timeout, so that an unreachable host fails instead of hanging).
    const std::string text(conninfo);
    const char* keywords[] = { "connect_timeout", "fallback_application_name", "dbname", nullptr };
    const char* values[] = { "10", "feedkeeper", text.c_str(), nullptr };
    postgresql::ConnectionHandle connection { PQconnectdbParams(keywords, values, 1) };
    if (!connection)
        throw Error(Error::Kind::connection, "08001", "postgresql: cannot connect: out of memory");
    if (PQstatus(connection.get()) != CONNECTION_OK)
        throw Error(Error::Kind::connection, "08001", "postgresql: cannot connect: " + postgresql::one_line(PQerrorMessage(connection.get())));
    PQsetNoticeProcessor(connection.get(), &postgresql::ignore_notice, nullptr);
    if (PQsetClientEncoding(connection.get(), "UTF8") != 0)
        throw Error(Error::Kind::connection, "08001", "postgresql: cannot set the client encoding to UTF8: " + postgresql::one_line(PQerrorMessage(connection.get())));
    m_session = std::make_shared<Session>();
    m_session->connection = std::move(connection);
}

PostgresConnection::~PostgresConnection() = default;

std::unique_ptr<Statement> PostgresConnection::prepare(std::string_view sql)
{
    return std::make_unique<PgStatement>(m_session, sql);
}

void PostgresConnection::exec(std::string_view sql)
{
    std::string text = postgresql::text_argument(sql);
    m_session->begin_command(sql);
    ResultHandle result { PQexec(m_session->connection.get(), text.c_str()) }; // the last statement's result, or the first failure
    ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
        postgresql::throw_failure(m_session->connection.get(), result.get(), sql);
}

Value PostgresConnection::execAndGet(std::string_view sql)
{
    std::string text = postgresql::text_argument(sql);
    m_session->begin_command(sql);
    ResultHandle result { PQexec(m_session->connection.get(), text.c_str()) };
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        postgresql::throw_failure(m_session->connection.get(), result.get(), sql);
    if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0)
        return std::monostate {};
    return postgresql::value_at(result.get(), 0, 0);
}

std::int64_t PostgresConnection::getLastInsertRowid()
{
    // lastval() fails (55000, Kind::other) before this session used a sequence, where SQLite says
    // 0; inside a transaction that failure aborts the transaction, as every PostgreSQL error does.
    Value value = execAndGet("SELECT lastval()");
    return std::holds_alternative<std::int64_t>(value) ? std::get<std::int64_t>(value) : 0;
}

} // namespace feedkeeper::store::db

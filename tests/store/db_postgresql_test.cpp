// tests/store/db_postgresql_test.cpp — what only the PostgreSQL backend has: the ":name" rewriter
// and SQLSTATE classes (pure), row claims with SKIP LOCKED, lost and refused connections, types
// libpq reports, and the caps on input. Threading: test thread; the cluster is shared by the process.
#include "store/db/postgresql.hpp"
#include "tests/support/postgres_server.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace feedkeeper::store::db {
namespace {

using feedkeeper::testing::shared_postgres_server;
using postgresql::rewrite_parameters;

TEST(PostgresParameters, NamesBecomeNumbersAndARepeatedNameKeepsItsNumber)
{
    auto rewritten = rewrite_parameters("SELECT * FROM t WHERE a = :a AND b = :b_2 OR a = :a");
    EXPECT_EQ(rewritten.sql, "SELECT * FROM t WHERE a = $1 AND b = $2 OR a = $1");
    EXPECT_EQ(rewritten.names, (std::vector<std::string> { ":a", ":b_2" }));
}

TEST(PostgresParameters, LiteralsIdentifiersCommentsAndCastsAreLeftAlone)
{
    const std::string sql = "SELECT ':x', 'it''s :y', E'\\' :z', \"col:w\", \"a\"\":v\" -- :c\n"
                            "/* :d /* nested :e */ :f */ $$ :g $$, $tag$ :h $tag$, x::text, :p::bigint, a$b, arr[1:2] FROM t";
    auto rewritten = rewrite_parameters(sql);
    EXPECT_EQ(rewritten.names, (std::vector<std::string> { ":p" }));
    std::string expected = sql;
    expected.replace(expected.find(":p::bigint"), 2, "$1");
    EXPECT_EQ(rewritten.sql, expected);
}

TEST(PostgresParameters, PositionalParametersAndEmptyInputPassThrough)
{
    EXPECT_EQ(rewrite_parameters("SELECT $1, :a").sql, "SELECT $1, $1"); // the caller's own $1 collides: don't mix them
    EXPECT_EQ(rewrite_parameters("").sql, "");
    EXPECT_EQ(rewrite_parameters("SELECT 1 -- no newline at the end :x").names.size(), 0u);
}

TEST(PostgresParameters, UnterminatedQuotesAndCommentsAreRefused)
{
    EXPECT_THROW(rewrite_parameters("SELECT 'open"), Error);
    EXPECT_THROW(rewrite_parameters("SELECT \"open"), Error);
    EXPECT_THROW(rewrite_parameters("SELECT /* open /* nested */"), Error);
    EXPECT_THROW(rewrite_parameters("SELECT $q$ open"), Error);
}

TEST(PostgresParameters, TooManyParametersOrTooMuchSqlAreRefused)
{
    std::string sql = "SELECT 1";
    for (std::size_t i = 0; i <= postgresql::max_parameters; ++i)
        sql += ", :p" + std::to_string(i);
    EXPECT_THROW(rewrite_parameters(sql), Error);
    EXPECT_THROW(rewrite_parameters(std::string(postgresql::max_sql_bytes + 1, ' ')), Error);
}

TEST(PostgresSqlstate, ClassesMapToKinds)
{
    using Kind = Error::Kind;
    EXPECT_EQ(postgresql::kind_for_sqlstate("40001"), Kind::busy);
    EXPECT_EQ(postgresql::kind_for_sqlstate("40P01"), Kind::busy);
    EXPECT_EQ(postgresql::kind_for_sqlstate("55P03"), Kind::busy);
    EXPECT_EQ(postgresql::kind_for_sqlstate("23505"), Kind::constraint);
    EXPECT_EQ(postgresql::kind_for_sqlstate("23503"), Kind::constraint);
    EXPECT_EQ(postgresql::kind_for_sqlstate("53100"), Kind::full);
    EXPECT_EQ(postgresql::kind_for_sqlstate("25006"), Kind::read_only);
    EXPECT_EQ(postgresql::kind_for_sqlstate("58030"), Kind::io);
    EXPECT_EQ(postgresql::kind_for_sqlstate("XX001"), Kind::corrupt);
    EXPECT_EQ(postgresql::kind_for_sqlstate("08006"), Kind::connection);
    EXPECT_EQ(postgresql::kind_for_sqlstate("57P01"), Kind::connection);
    EXPECT_EQ(postgresql::kind_for_sqlstate("42601"), Kind::syntax);
    EXPECT_EQ(postgresql::kind_for_sqlstate("42P01"), Kind::other);
    EXPECT_EQ(postgresql::kind_for_sqlstate(""), Kind::other);
}

class PostgresBackend : public ::testing::Test {
protected:
    void SetUp() override
    {
        const std::string name = feedkeeper::testing::unique_database_name("postgres_only");
        shared_postgres_server().create_database(name);
        m_conninfo = shared_postgres_server().connection_string(name);
        db = connect();
    }
    std::unique_ptr<PostgresConnection> connect() const { return std::make_unique<PostgresConnection>(m_conninfo); }

    std::unique_ptr<PostgresConnection> db;

private:
    std::string m_conninfo;
};

std::set<std::int64_t> claim(Connection& connection, int how_many)
{
    auto select = connection.prepare("SELECT id FROM jobs ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED");
    select->bind(":limit", how_many);
    std::set<std::int64_t> ids;
    while (select->executeStep())
        ids.insert(select->getColumn(0).getInt64());
    return ids;
}

TEST_F(PostgresBackend, TwoConnectionsClaimingWithSkipLockedGetDisjointRows)
{
    db->exec("CREATE TABLE jobs (id BIGINT PRIMARY KEY); INSERT INTO jobs SELECT generate_series(1, 10)");
    auto other = connect();
    Transaction first(*db);
    Transaction second(*other);
    std::set<std::int64_t> mine = claim(*db, 6);
    std::set<std::int64_t> theirs = claim(*other, 6);
    EXPECT_EQ(mine.size(), 6u);
    EXPECT_EQ(theirs.size(), 4u); // only what the first left
    for (std::int64_t id : theirs)
        EXPECT_FALSE(mine.contains(id)) << id;
    first.commit();
    second.commit();
}

TEST_F(PostgresBackend, ALockWaitThatTimesOutIsBusy)
{
    db->exec("CREATE TABLE jobs (id BIGINT PRIMARY KEY); INSERT INTO jobs VALUES (1)");
    auto other = connect();
    Transaction holding(*db);
    db->exec("SELECT * FROM jobs FOR UPDATE");
    other->exec("SET lock_timeout = '50ms'");
    try {
        other->exec("SELECT * FROM jobs FOR UPDATE");
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::busy) << error.what();
        EXPECT_EQ(error.code(), "55P03");
    }
}

TEST_F(PostgresBackend, NoServerAtTheSocketIsAConnectionErrorThatSaysWhere)
{
    try {
        PostgresConnection connection("host=/nonexistent/feedkeeper-socket-dir port=5999 dbname=x");
        FAIL() << "connected";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::connection);
        EXPECT_NE(std::string(error.what()).find("cannot connect"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("/nonexistent/feedkeeper-socket-dir"), std::string::npos) << error.what();
    }
    EXPECT_THROW(PostgresConnection("postgresql://feedkeeper@%2Fnonexistent%2Fdir:5999/x"), Error);
}

TEST_F(PostgresBackend, AStoppedServerIsAConnectionErrorAndSoIsLosingIt)
{
    feedkeeper::testing::PostgresServer server; // its own: this test stops it
    PostgresConnection connection(server.connection_string());
    auto statement = connection.prepare("SELECT 1");
    server.stop();
    try {
        statement->executeStep();
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::connection) << error.what();
    }
    EXPECT_THROW(connection.exec("SELECT 1"), Error);
    try {
        PostgresConnection again(server.connection_string());
        FAIL() << "connected";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::connection) << error.what();
        EXPECT_EQ(error.code(), "08001");
    }
}

TEST_F(PostgresBackend, AStatementOutlivingItsConnectionThrowsInsteadOfCrashing)
{
    auto statement = db->prepare("SELECT 1");
    ASSERT_TRUE(statement->executeStep());
    db.reset();
    statement->reset();
    try {
        statement->executeStep();
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), Error::Kind::connection);
    }
}

TEST_F(PostgresBackend, IntegersAreBigintSoArithmeticOnThemDoesNotOverflowInt4)
{
    auto select = db->prepare("SELECT :big + 1, CAST(:n AS BIGINT) IS NULL");
    select->bind(":big", std::int64_t { 5'000'000'000 });
    select->bind_null(":n");
    ASSERT_TRUE(select->executeStep());
    EXPECT_EQ(select->getColumn(0).getInt64(), 5'000'000'001);
    EXPECT_EQ(select->getColumn(1).getInt64(), 1); // a boolean reads as 0/1
    select->reset();
    select->bind(":n", 7); // another type than the first run's: prepared again
    ASSERT_TRUE(select->executeStep());
    EXPECT_EQ(select->getColumn(1).getInt64(), 0);
    select->reset();
    select->bind_null(":n"); // NULL fits the type prepared
    ASSERT_TRUE(select->executeStep());
    EXPECT_EQ(select->getColumn(1).getInt64(), 1);
    EXPECT_EQ(std::get<std::int64_t>(db->execAndGet("SELECT COUNT(*) FROM pg_prepared_statements")), 1);

    auto untyped = db->prepare("SELECT :x IS NULL");
    untyped->bind_null(":x");
    try {
        untyped->executeStep();
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.code(), "42P18") << error.what();
    }
}

TEST_F(PostgresBackend, ReadsTypesByTheirTextForms)
{
    auto select = db->prepare("SELECT 2.5::numeric, 7::numeric, 'abc'::text, 3::smallint, 'Infinity'::float8, true");
    ASSERT_TRUE(select->executeStep());
    EXPECT_EQ(select->getColumn(0).getDouble(), 2.5);
    EXPECT_EQ(select->getColumn(0).getInt64(), 2); // truncated, as SQLite does
    EXPECT_EQ(select->getColumn(1).getInt64(), 7);
    EXPECT_THROW(select->getColumn(2).getInt64(), Error); // strict: not a number
    EXPECT_EQ(select->getColumn(3).getInt(), 3);
    EXPECT_EQ(select->getColumn(4).getDouble(), std::numeric_limits<double>::infinity());
    EXPECT_EQ(select->getColumn(5).getString(), "t");
    EXPECT_THROW(select->getColumn(6).getInt64(), Error); // no such column
}

TEST_F(PostgresBackend, ByteaInEscapeOutputDecodesToo)
{
    db->exec("SET bytea_output = 'escape'");
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes += static_cast<char>(i);
    auto select = db->prepare("SELECT :data::bytea");
    select->bind_blob(":data", bytes);
    ASSERT_TRUE(select->executeStep());
    EXPECT_EQ(select->getColumn(0).getString(), bytes);
}

TEST_F(PostgresBackend, OversizedOrNulContainingInputIsRefusedBeforeTheServer)
{
    auto select = db->prepare("SELECT :text, :data");
    EXPECT_THROW(select->bind(":text", std::string_view("a\0b", 3)), Error);
    const std::string big(postgresql::max_value_bytes + 1, 'x');
    EXPECT_THROW(select->bind_blob(":data", big), Error);
    EXPECT_THROW(db->exec(std::string_view("SELECT 1\0; DROP TABLE x", 22)), Error);
    EXPECT_THROW(PostgresConnection(std::string(postgresql::max_connection_string_bytes + 1, 'x')), Error);
    select->bind(":text", "fine");
    ASSERT_TRUE(select->executeStep()); // still usable
}

TEST_F(PostgresBackend, AFailedStatementInATransactionAbortsItUntilRollback)
{
    db->exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
    auto prepared_statements = [&] { return std::get<std::int64_t>(db->execAndGet("SELECT COUNT(*) FROM pg_prepared_statements")); };
    {
        Transaction transaction(*db);
        auto statement = db->prepare("INSERT INTO t VALUES (:id)");
        statement->bind(":id", 1);
        statement->exec();
        EXPECT_EQ(prepared_statements(), 1);
        statement->reset();
        EXPECT_THROW(statement->exec(), Error);
        try {
            db->exec("INSERT INTO t VALUES (2)");
            FAIL() << "PostgreSQL accepted a command in an aborted transaction";
        } catch (const Error& error) {
            EXPECT_EQ(error.code(), "25P02") << error.what();
        }
        statement.reset(); // DEALLOCATE waits until the transaction is over
    }
    EXPECT_EQ(prepared_statements(), 0);
    EXPECT_EQ(std::get<std::int64_t>(db->execAndGet("SELECT COUNT(*) FROM t")), 0);
}

} // namespace
} // namespace feedkeeper::store::db

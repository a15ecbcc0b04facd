// tests/store/schema_postgresql_test.cpp — the archive's PostgreSQL schema (store/schema_postgresql)
// on a real server through the PostgreSQL backend: it loads in one transaction, its search vector
// stems by language, its triggers keep the counts. Threading: test thread; the cluster is shared.
#include "store/db/postgresql.hpp"
#include "store/schema.hpp"
#include "store/schema_postgresql.hpp"
#include "tests/support/postgres_server.hpp"

#include <gtest/gtest.h>

#include <string>

namespace feedkeeper::store::db {
namespace {

class PostgresSchema : public ::testing::Test {
protected:
    void SetUp() override
    {
        const std::string name = feedkeeper::testing::unique_database_name("schema");
        feedkeeper::testing::shared_postgres_server().create_database(name);
        db = std::make_unique<PostgresConnection>(feedkeeper::testing::shared_postgres_server().connection_string(name));
        Transaction transaction(*db);
        db->exec(postgresql_schema());
        auto version = db->prepare("INSERT INTO feedkeeper_schema (version, application_id) VALUES (:version, :application)");
        version->bind(":version", postgresql_schema_version());
        version->bind(":application", application_id);
        version->exec();
        transaction.commit();
    }
    std::int64_t number(const std::string& sql) { return std::get<std::int64_t>(db->execAndGet(sql)); }
    std::int64_t total(const std::string& name) { return number("SELECT value FROM totals WHERE name = '" + name + "'"); }

    std::int64_t add_article(const std::string& url)
    {
        auto insert = db->prepare("INSERT INTO articles (normalized_url, url, host, status, first_seen, last_seen) "
                                  "VALUES (:url, :url, 'news.example', 'article', 1, 1) RETURNING id");
        insert->bind(":url", url);
        EXPECT_TRUE(insert->executeStep());
        return insert->getColumn(0).getInt64();
    }
    void add_revision(std::int64_t article, int revision, const std::string& language, const std::string& title, const std::string& body)
    {
        auto insert = db->prepare("INSERT INTO revisions (article_id, revision, fetched_at, language, title, body, body_html, content_sha256) "
                                  "VALUES (:article, :revision, 1, :language, :title, :body, '', 'sha')");
        insert->bind(":article", article);
        insert->bind(":revision", revision);
        insert->bind(":language", language);
        insert->bind(":title", title);
        insert->bind(":body", body);
        insert->exec();
        db->exec("UPDATE articles SET revision_count = " + std::to_string(revision) + " WHERE id = " + std::to_string(article));
    }
    std::int64_t matches(const std::string& language, const std::string& words)
    {
        auto select = db->prepare("SELECT COUNT(*) FROM revisions WHERE search @@ websearch_to_tsquery(feedkeeper_text_search_config(:language), :words)");
        select->bind(":language", language);
        select->bind(":words", words);
        EXPECT_TRUE(select->executeStep());
        return select->getColumn(0).getInt64();
    }

    std::unique_ptr<PostgresConnection> db;
};

TEST_F(PostgresSchema, HasNoParametersForTheRewriterToFind)
{
    // Casts ("::regconfig") and dollar-quoted function bodies only: nothing the rewriter may touch.
    const auto rewritten = postgresql::rewrite_parameters(postgresql_schema());
    EXPECT_TRUE(rewritten.names.empty());
    EXPECT_EQ(rewritten.sql, postgresql_schema());
}

TEST_F(PostgresSchema, LoadsInOneTransactionWithItsVersionRow)
{
    EXPECT_EQ(number("SELECT version FROM feedkeeper_schema"), 5);
    EXPECT_EQ(number("SELECT application_id FROM feedkeeper_schema"), application_id);
    EXPECT_EQ(number("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"), 16);
}

TEST_F(PostgresSchema, SearchStemsInTheRevisionsLanguage)
{
    const std::int64_t german = add_article("https://news.example/de");
    add_revision(german, 1, "de-DE", "Die Häuser von Tiflis", "Wahlen in Georgien: die Parteien verhandeln");
    const std::int64_t english = add_article("https://news.example/en");
    add_revision(english, 1, "en", "Elections", "The parties were negotiating all night");
    const std::int64_t other = add_article("https://news.example/ka");
    add_revision(other, 1, "ka", "არჩევნები", "Parteien");

    EXPECT_EQ(matches("de", "Haus"), 1);          // Häuser → haus
    EXPECT_EQ(matches("de", "Wahl Partei"), 1);    // Wahlen, Parteien
    EXPECT_EQ(matches("en", "negotiate party"), 1); // negotiating → negot, parties → parti
    EXPECT_EQ(matches("ka", "არჩევნები"), 1);      // simple: the word as written
    EXPECT_EQ(matches("de", "Moskau"), 0);
    EXPECT_EQ(number("SELECT COUNT(*) FROM revisions WHERE search @@ to_tsquery('pg_catalog.german', 'tiflis:A')"), 1); // the title weighs A
}

TEST_F(PostgresSchema, TriggersKeepTheTotalsAndTheFeedsArticleCount)
{
    const std::int64_t article = add_article("https://news.example/a");
    add_revision(article, 1, "en", "One", "first");
    add_revision(article, 2, "en", "Two", "second");
    EXPECT_EQ(total("articles"), 1);
    EXPECT_EQ(total("revisions"), 2);
    EXPECT_EQ(total("records:article"), 1); // the second revision moved the record, not added one

    db->exec("INSERT INTO feeds (url, added_url, created_at) VALUES ('https://news.example/feed', 'https://news.example/feed', 1)");
    const std::int64_t feed = db->getLastInsertRowid();
    auto entry = db->prepare("INSERT INTO entries (feed_id, entry_key, first_seen, last_seen, article_id) VALUES (:feed, :key, 1, 1, :article)");
    for (const char* key : { "a", "b" }) { // two entries, one article: counted once
        entry->bind(":feed", feed);
        entry->bind(":key", key);
        entry->bind(":article", article);
        entry->exec();
        entry->reset();
    }
    entry->bind_null(":article");
    entry->bind(":key", "unlinked");
    entry->exec();
    EXPECT_EQ(number("SELECT article_count FROM feeds WHERE id = " + std::to_string(feed)), 1);
    EXPECT_EQ(total("records:pending"), 1);

    db->exec("DELETE FROM entries; DELETE FROM articles"); // its revisions go with it
    EXPECT_EQ(total("records:article"), 0);
    EXPECT_EQ(total("articles"), 0);
    EXPECT_EQ(total("revisions"), 0);
    EXPECT_EQ(total("records:pending"), 0);
}

} // namespace
} // namespace feedkeeper::store::db

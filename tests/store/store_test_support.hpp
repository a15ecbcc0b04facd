// tests/store/store_test_support.hpp — a fresh archive per test and builders for the values the
// crawler hands the store (responses, extracted pages, feed entries). Threading: test thread.
#pragma once

#include "store/archive.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

namespace feedkeeper::store::testing {

using feedkeeper::testing::TemporaryDirectory;

inline Timestamp at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

inline HttpResponse response(const std::string& url, std::string body, Timestamp fetched_at = at("2024-03-01T10:00:00Z"), long status = 200)
{
    HttpResponse r;
    r.url = url;
    r.final_url = url;
    r.status = status;
    r.http_version = "HTTP/1.1";
    r.request_headers = { { "Host", "news.example" }, { "User-Agent", "feedkeeper-test" }, { "Accept", "*/*" } };
    r.headers = { { "Content-Type", "text/html; charset=utf-8" }, { "Content-Encoding", "gzip" }, { "X-Test", "yes" } };
    r.body = std::move(body);
    r.fetched_at = fetched_at;
    r.remote_ip = "127.0.0.1";
    return r;
}

inline ExtractedPage page(std::string title, std::string body)
{
    ExtractedPage p;
    p.status = PageStatus::article;
    p.title = std::move(title);
    p.body = std::move(body);
    p.body_html = "<p>" + p.body + "</p>";
    p.language = "de";
    p.author = "Anna Autor";
    p.categories = { "Politik", "Welt" };
    return p;
}

// What the crawler passes after fetching `url` and extracting `extracted` from it.
inline ArticleInput article(const std::string& url, ExtractedPage extracted, Timestamp fetched_at = at("2024-03-01T10:00:00Z"))
{
    ArticleInput input;
    input.requested_url = url;
    input.response = response(url, "<html><body><p>" + extracted.body + "</p></body></html>", fetched_at);
    input.page = std::move(extracted);
    return input;
}

inline EntryInput entry(const std::string& guid, const std::string& link, const std::string& title = "Item")
{
    EntryInput input;
    input.key = "guid:" + guid;
    input.entry.id = guid;
    input.entry.link = link;
    input.entry.title = title;
    input.entry.published = at("2024-03-01T08:00:00Z");
    return input;
}

// A deterministic text of `words` words from a small vocabulary.
inline std::string prose(unsigned seed, std::size_t words)
{
    static const char* vocabulary[] = { "Regierung", "Parlament", "Wahl", "Stadt", "Fluss", "Brücke", "Minister", "Haushalt", "Grenze", "Handel",
        "Energie", "Gas", "Strom", "Preis", "Bericht", "Behörde", "Schule", "Gericht", "Urteil", "Straße", "Hafen", "Bahn", "Zug", "Wetter",
        "Regen", "Sommer", "Winter", "Markt", "Bank", "Zins", "Dorf", "Hochwasser", "Rettung", "Hilfe", "Konsulat", "Treffen", "Gipfel" };
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(vocabulary) - 1);
    std::string text;
    for (std::size_t i = 0; i < words; ++i) {
        text += (i == 0 ? "" : (i % 12 == 0 ? ". " : " "));
        text += vocabulary[pick(random)];
    }
    return text + ".";
}

// Runs one SQL statement on the file with a plain connection; returns the first column as text.
inline std::string sql(const std::string& path, const std::string& statement)
{
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* prepared = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, statement.c_str(), -1, &prepared, nullptr) == SQLITE_OK) {
        if (sqlite3_step(prepared) == SQLITE_ROW && sqlite3_column_text(prepared, 0))
            value = reinterpret_cast<const char*>(sqlite3_column_text(prepared, 0));
    } else {
        ADD_FAILURE() << sqlite3_errmsg(db);
    }
    sqlite3_finalize(prepared);
    sqlite3_close(db);
    return value;
}

using feedkeeper::testing::testing_on_postgresql;
inline bool on_postgresql() { return testing_on_postgresql(); }

class ArchiveTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        location = feedkeeper::testing::test_archive_location(location);
        archive = open_archive();
    }

    std::unique_ptr<Archive> open_archive(OpenMode mode = OpenMode::read_write, ArchiveOptions options = {})
    {
        auto opened = Archive::open(path(), mode, options);
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
        return opened ? std::move(*opened) : nullptr;
    }

    // The archive's file, or its PostgreSQL database's URL.
    std::string path() const { return location; }

    std::int64_t add_feed(const std::string& url)
    {
        NewFeed feed;
        feed.url = url;
        auto added = archive->feeds().add(feed);
        EXPECT_TRUE(added) << (added ? "" : added.error().message);
        return added ? added->id : 0;
    }

    ArticleSaveResult save(const ArticleInput& input)
    {
        auto saved = archive->articles().save(input);
        EXPECT_TRUE(saved) << (saved ? "" : saved.error().message);
        return saved ? *saved : ArticleSaveResult {};
    }

    std::vector<RevisionRecord> revisions(const ExportFilter& filter = {})
    {
        std::vector<RevisionRecord> all;
        auto visited = archive->reader().for_each_revision(filter, [&](const RevisionRecord& record) {
            all.push_back(record);
            return true;
        });
        EXPECT_TRUE(visited) << (visited ? "" : visited.error().message);
        return all;
    }

    TemporaryDirectory directory;
    std::string location = directory.file("archive.db"); // SetUp replaces it on PostgreSQL
    std::unique_ptr<Archive> archive;
};

} // namespace feedkeeper::store::testing

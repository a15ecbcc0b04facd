// tests/store/captures_search_test.cpp — raw captures (round trip, retention) and full-text
// search (diacritics folded, ranking, snippets, current text only, hostile queries).
#include "store_test_support.hpp"

#include "core/sha256.hpp"

namespace feedkeeper::store::testing {
namespace {

using namespace std::string_literals;
using Captures = ArchiveTest;
using Search = ArchiveTest;

// FTS5's own check that its index is consistent: "ok" or SQLite's message.
std::string fts_integrity(const std::string& path)
{
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, "INSERT INTO revisions_fts (revisions_fts) VALUES ('integrity-check')", nullptr, nullptr, &message);
    std::string result = rc == SQLITE_OK ? "ok" : message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    sqlite3_close(db);
    return result;
}

TEST_F(Captures, RoundTripKeepsStatusHeadersTimeAndExactBytes)
{
    HttpResponse original = response("https://news.example/a", "\x1f\x8b binary \0 bytes and UTF-8: Föderation"s, at("2024-03-01T10:00:00Z"), 203);
    ASSERT_NE(original.body.find('\0'), std::string::npos) << "the body holds a NUL byte";
    original.final_url = "https://news.example/a/";
    original.headers.push_back({ "Set-Cookie", "a=\"b\"; Path=/" });
    auto id = archive->captures().save(original, "article");
    ASSERT_TRUE(id);
    auto loaded = archive->captures().load(*id);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->body, original.body);
    EXPECT_EQ(loaded->status, 203);
    EXPECT_EQ(loaded->url, original.url);
    EXPECT_EQ(loaded->final_url, original.final_url);
    EXPECT_EQ(loaded->http_version, "HTTP/1.1");
    EXPECT_EQ(loaded->fetched_at, original.fetched_at);
    EXPECT_EQ(loaded->remote_ip, "127.0.0.1");
    ASSERT_EQ(loaded->headers.size(), original.headers.size());
    EXPECT_EQ(loaded->headers.back().value, "a=\"b\"; Path=/");
    EXPECT_EQ(loaded->request_headers.size(), original.request_headers.size());
    EXPECT_EQ(archive->captures().load(*id + 100).error().code, Errc::not_found);
}

TEST_F(Captures, RetentionDropsOldBodiesButKeepsWhatReextractAndExportNeed)
{
    const std::int64_t feed = add_feed("https://news.example/feed.xml");
    const auto old_feed_capture = *archive->captures().save(response("https://news.example/feed.xml", std::string(5000, 'x'), at("2023-01-01T00:00:00Z")), "feed");
    save(article("https://news.example/a", page("A", prose(1, 80)), at("2023-01-02T00:00:00Z")));  // capture 2: revision 1, superseded
    save(article("https://news.example/a", page("A", prose(1, 80) + " Neu."), at("2023-02-01T00:00:00Z"))); // capture 3: current revision
    save(article("https://news.example/a", page("A", prose(1, 80) + " Neu."), at("2023-03-01T00:00:00Z"))); // capture 4: latest, unchanged
    save(article("https://news.example/b", page("B", prose(2, 80)), at("2024-06-01T00:00:00Z")));  // capture 5: recent
    (void)feed;

    auto dry = archive->maintenance().prune_captures(at("2024-01-01T00:00:00Z"), PruneMode::dry_run);
    ASSERT_TRUE(dry);
    EXPECT_EQ(dry->captures, 2) << "the old feed capture and the superseded revision's capture";
    EXPECT_TRUE(archive->captures().load(old_feed_capture)) << "a dry run changes nothing";

    auto pruned = archive->maintenance().prune_captures(at("2024-01-01T00:00:00Z"), PruneMode::apply, 1);
    ASSERT_TRUE(pruned);
    EXPECT_EQ(pruned->captures, 2);
    EXPECT_GT(pruned->bytes, 0);
    auto dropped = archive->captures().load(old_feed_capture);
    ASSERT_FALSE(dropped);
    EXPECT_EQ(dropped.error().code, Errc::not_found);
    EXPECT_NE(dropped.error().message.find("retention"), std::string::npos);
    EXPECT_FALSE(archive->captures().load(2));
    for (std::int64_t kept : { 3, 4, 5 })
        EXPECT_TRUE(archive->captures().load(kept)) << kept;
    EXPECT_EQ(revisions().size(), 3u) << "articles and revisions are never pruned";
    EXPECT_EQ(archive->reader().stats()->captures, 5) << "rows and hashes stay";
    EXPECT_EQ(archive->maintenance().prune_captures(at("2024-01-01T00:00:00Z"))->captures, 0) << "idempotent";
    if (!on_postgresql()) { // SQLite's check of the file; PostgreSQL's are the server's tools
        EXPECT_EQ(*archive->maintenance().integrity_check(), "ok");
    }
}

TEST_F(Search, DiacriticsAreFoldedBothWays)
{
    save(article("https://news.example/a", page("Russische Föderation", "Die Föderation und die Région Île-de-France.")));
    for (const char* query : { "foderation", "Föderation", "FODERATION", "region ile" }) {
        auto hits = archive->reader().search(query, 10);
        ASSERT_TRUE(hits) << query;
        ASSERT_EQ(hits->size(), 1u) << query;
        EXPECT_EQ(hits->at(0).url, "https://news.example/a");
    }
    EXPECT_TRUE(archive->reader().search("federation", 10)->empty());
}

TEST_F(Search, TitleMatchesRankAboveBodyMatchesAndSnippetsMarkTheTerm)
{
    save(article("https://news.example/body", page("Wetterbericht", prose(1, 60) + " Ein Wort über den Gipfeltreffen-Kompromiss. " + prose(2, 60))));
    save(article("https://news.example/title", page("Kompromiss beim Gipfel", prose(3, 120))));
    auto hits = archive->reader().search("kompromiss", 10);
    ASSERT_TRUE(hits);
    ASSERT_EQ(hits->size(), 2u);
    EXPECT_EQ(hits->at(0).url, "https://news.example/title");
    EXPECT_LE(hits->at(0).rank, hits->at(1).rank) << "bm25: lower is better";
    EXPECT_NE(hits->at(1).snippet.find("[Kompromiss]"), std::string::npos) << hits->at(1).snippet;
    EXPECT_EQ(hits->at(0).title, "Kompromiss beim Gipfel");
}

TEST_F(Search, OnlyTheCurrentRevisionIsSearched)
{
    save(article("https://news.example/a", page("A", "Der Minister trat zurück.")));
    save(article("https://news.example/a", page("A", "Der Minister bleibt im Amt.")));
    EXPECT_TRUE(archive->reader().search("zurück", 10)->empty());
    auto hits = archive->reader().search("amt", 10);
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ(hits->at(0).revision, 2);
    EXPECT_EQ(archive->reader().search("minister", 10)->size(), 1u) << "one hit per article";
}

TEST_F(Search, ABatchIsIndexedAtOnceAndARevisionReplacedInItNeverEntersTheIndex)
{
    const std::vector<PreparedArticle> first {
        Archive::Articles::prepare(article("https://news.example/a", page("A", "Der Minister trat zurück."))),
        Archive::Articles::prepare(article("https://news.example/a", page("A", "Der Minister bleibt im Amt."))),
        Archive::Articles::prepare(article("https://news.example/b", page("B", "Hochwasser in Dagestan."))),
    };
    auto saved = archive->articles().save_many({ &first[0], &first[1], &first[2] });
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_TRUE(archive->reader().search("zurück", 10)->empty());
    ASSERT_EQ(archive->reader().search("amt", 10)->size(), 1u);
    EXPECT_EQ(archive->reader().search("amt", 10)->at(0).revision, 2);
    EXPECT_EQ(archive->reader().search("dagestan", 10)->size(), 1u);
    if (!on_postgresql()) {
        // One batch, one FTS5 segment (a segment per article made FTS5 merge all the time).
        EXPECT_EQ(sql(path(), "SELECT count(DISTINCT segid) FROM revisions_fts_idx"), "1");
        EXPECT_EQ(sql(path(), "SELECT count(*) FROM fts_changes"), "0") << "applied before the commit";
    }

    // The next batch takes the indexed revision 2 out again.
    const PreparedArticle third = Archive::Articles::prepare(article("https://news.example/a", page("A", "Der Minister tritt doch zurück.")));
    ASSERT_TRUE(archive->articles().save_many({ &third }));
    EXPECT_TRUE(archive->reader().search("amt", 10)->empty());
    ASSERT_EQ(archive->reader().search("zurück", 10)->size(), 1u);
    EXPECT_EQ(archive->reader().search("zurück", 10)->at(0).revision, 3);
    if (!on_postgresql()) {
        EXPECT_EQ(fts_integrity(path()), "ok");
        EXPECT_EQ(sql(path(), "SELECT count(*) FROM revisions_fts_docsize"), "2") << "one entry per article: its current revision";
        sql(path(), "DELETE FROM articles WHERE url = 'https://news.example/b'");
        EXPECT_EQ(fts_integrity(path()), "ok");
        EXPECT_EQ(sql(path(), "SELECT count(*) FROM revisions_fts_docsize"), "1") << "a deleted article leaves the index";
    }
}

TEST_F(Search, AllWordsMustMatchAndPrefixesWork)
{
    save(article("https://news.example/a", page("A", "Hochwasser in Dagestan")));
    save(article("https://news.example/b", page("B", "Hochwasser in Bayern")));
    EXPECT_EQ(archive->reader().search("hochwasser dagestan", 10)->size(), 1u);
    EXPECT_EQ(archive->reader().search("hochwas*", 10)->size(), 2u);
    EXPECT_EQ(archive->reader().search("hochwasser", 1)->size(), 1u) << "limit";
}

TEST_F(Search, VeryCommonQueryIsRankedAmongItsMostRecentMatches)
{
    save(article("https://news.example/0", page("Gipfel Gipfel Gipfel", "Gipfel.")));
    for (int i = 1; i <= 9; ++i)
        save(article("https://news.example/" + std::to_string(i), page("Meldung", prose(static_cast<unsigned>(i), 80) + " Gipfel.")));
    auto all = archive->reader().search("gipfel", 3);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ(all->at(0).url, "https://news.example/0") << "within the window: best bm25 first";
    auto windowed = archive->reader().search("gipfel", 3, 5);
    ASSERT_EQ(windowed->size(), 3u);
    for (const SearchHit& hit : *windowed)
        EXPECT_GE(std::stoi(hit.url.substr(hit.url.rfind('/') + 1)), 5) << "only the 5 most recent matches are ranked";
}

TEST_F(Search, QuerySyntaxInUserInputIsTakenLiterally)
{
    save(article("https://news.example/a", page("A", "Die Zahl: 1.200 Menschen, \"evakuiert\" (NEAR OR NOT).")));
    for (const char* query : { "\"evakuiert", "NEAR(", "OR", "title:x", "1.200", "a AND", "*", "-", "^" }) {
        auto hits = archive->reader().search(query, 10);
        EXPECT_TRUE(hits || hits.error().code == Errc::invalid_argument) << query << ": " << hits.error().message;
    }
    EXPECT_EQ(archive->reader().search("\"evakuiert\"", 10)->size(), 1u);
    EXPECT_EQ(archive->reader().search("   ", 10).error().code, Errc::invalid_argument);
}

TEST_F(Search, CapsTermsAndPrefixTermsAndDropsDuplicates)
{
    save(article("https://news.example/a", page("A", "Hochwasser in Dagestan")));
    std::string many_duplicates;
    for (int i = 0; i < 300; ++i)
        many_duplicates += "hochwas* ";
    auto duplicates = archive->reader().search(many_duplicates, 10);
    ASSERT_TRUE(duplicates) << "300 copies of one prefix are one term: " << duplicates.error().message;
    EXPECT_EQ(duplicates->size(), 1u);

    std::string words;
    for (int i = 0; i < 64; ++i)
        words += "w" + std::to_string(i) + " ";
    EXPECT_TRUE(archive->reader().search(words, 10)) << "64 different words are allowed";
    auto too_many = archive->reader().search(words + "w64", 10);
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error().code, Errc::invalid_argument);
    EXPECT_NE(too_many.error().message.find("64"), std::string::npos) << too_many.error().message;

    std::string prefixes;
    for (int i = 0; i < 16; ++i)
        prefixes += "p" + std::to_string(i) + "* ";
    EXPECT_TRUE(archive->reader().search(prefixes, 10)) << "16 different prefixes are allowed";
    auto too_many_prefixes = archive->reader().search(prefixes + "a*", 10);
    ASSERT_FALSE(too_many_prefixes);
    EXPECT_EQ(too_many_prefixes.error().code, Errc::invalid_argument);
    EXPECT_NE(too_many_prefixes.error().message.find("16"), std::string::npos) << too_many_prefixes.error().message;
}

} // namespace
} // namespace feedkeeper::store::testing

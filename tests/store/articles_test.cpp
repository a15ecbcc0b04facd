// tests/store/articles_test.cpp — revisions (created, unchanged, revised, gone), identity
// (canonical URL, tracking parameters), exact and near duplicates linked as one story, and the
// per-host block counts.
#include "store_test_support.hpp"

#include "store/simhash.hpp"

namespace feedkeeper::store::testing {
namespace {

using Revisions = ArchiveTest;
using Identity = ArchiveTest;
using Duplicates = ArchiveTest;
using SiteBlocks = ArchiveTest;

TEST_F(Revisions, FirstFetchCreatesRevisionOne)
{
    const auto saved = save(article("https://news.example/a", page("A", prose(1, 80))));
    EXPECT_EQ(saved.change, ArticleChange::created);
    EXPECT_EQ(saved.revision, 1);
    const auto records = revisions();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].title, "A");
    EXPECT_EQ(records[0].revision, 1);
    EXPECT_EQ(records[0].language, "de");
    EXPECT_EQ(records[0].categories, (std::vector<std::string> { "Politik", "Welt" }));
}

TEST_F(Revisions, UnchangedTextOnlyMovesLastSeen)
{
    const auto first = save(article("https://news.example/a", page("A", prose(1, 80)), at("2024-03-01T10:00:00Z")));
    const auto again = save(article("https://news.example/a", page("A", prose(1, 80)), at("2024-03-02T10:00:00Z")));
    EXPECT_EQ(again.change, ArticleChange::unchanged);
    EXPECT_EQ(again.article_id, first.article_id);
    EXPECT_EQ(again.revision, 1);
    EXPECT_EQ(revisions().size(), 1u);
    const auto stored = **archive->articles().find("https://news.example/a");
    EXPECT_EQ(stored.first_seen, at("2024-03-01T10:00:00Z"));
    EXPECT_EQ(stored.last_seen, at("2024-03-02T10:00:00Z"));
    EXPECT_EQ(archive->reader().stats()->captures, 2) << "every fetched response is kept, changed or not";
}

TEST_F(Revisions, ChangedTextBecomesANewRevisionAndKeepsTheOld)
{
    save(article("https://news.example/a", page("A", prose(1, 80)), at("2024-03-01T10:00:00Z")));
    const auto revised = save(article("https://news.example/a", page("A (updated)", prose(1, 80) + " Korrektur."), at("2024-03-02T10:00:00Z")));
    EXPECT_EQ(revised.change, ArticleChange::revised);
    EXPECT_EQ(revised.revision, 2);
    const auto records = revisions();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].revision, 1);
    EXPECT_EQ(records[1].revision, 2);
    EXPECT_EQ(records[1].title, "A (updated)");
    EXPECT_NE(records[0].content_sha256, records[1].content_sha256);
    EXPECT_EQ(archive->reader().stats()->articles, 1);
    EXPECT_EQ((**archive->articles().find("https://news.example/a")).revisions, 2);
}

TEST_F(Revisions, PageThatIsNotAnArticleIsARecordWithoutABody)
{
    ExtractedPage wall = page("", "");
    wall.status = PageStatus::consent_wall;
    const auto saved = save(article("https://news.example/a", wall));
    EXPECT_EQ(saved.change, ArticleChange::created);
    const auto records = revisions();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, RecordStatus::consent_wall);
    EXPECT_EQ(records[0].body_source, BodySource::none);
    EXPECT_EQ(records[0].body, "");
    EXPECT_EQ(archive->reader().stats()->captures, 1);
    auto stored = archive->captures().latest("", 0, 10);
    ASSERT_EQ(stored->size(), 1u) << "kept for a later reextract";
}

TEST_F(Revisions, GoneArticleIsRecordedNotDeleted)
{
    save(article("https://news.example/a", page("A", prose(1, 80))));
    EXPECT_TRUE(*archive->articles().mark_gone("https://news.example/a?utm_medium=feed", 410, at("2024-03-05T00:00:00Z")));
    const auto stored = **archive->articles().find("https://news.example/a");
    EXPECT_EQ(stored.gone_at, at("2024-03-05T00:00:00Z"));
    EXPECT_EQ(stored.http_status, 410);
    EXPECT_EQ(revisions().size(), 1u);
    EXPECT_FALSE(*archive->articles().mark_gone("https://news.example/never-archived", 404, at("2024-03-05T00:00:00Z")));
}

TEST_F(Revisions, ReextractingAnOldCaptureNeverMovesTimesBackwards)
{
    save(article("https://news.example/a", page("A", prose(1, 80)), at("2024-03-01T10:00:00Z")));
    save(article("https://news.example/a", page("A", prose(1, 80)), at("2024-03-09T10:00:00Z")));
    const auto stored = archive->captures().latest("news.example", 0, 10)->at(0);
    auto capture = archive->captures().load(stored.capture_id);
    ASSERT_TRUE(capture);
    ArticleInput again;
    again.requested_url = capture->url;
    again.capture_id = stored.capture_id;
    again.response = *capture;
    again.response.fetched_at = at("2024-03-01T10:00:00Z"); // as if re-extracting the first capture
    again.page = page("A", prose(1, 80) + " Besser extrahiert.");
    const auto saved = save(again);
    EXPECT_EQ(saved.change, ArticleChange::revised);
    EXPECT_EQ((**archive->articles().find("https://news.example/a")).last_seen, at("2024-03-09T10:00:00Z"));
    EXPECT_EQ(archive->reader().stats()->captures, 2) << "re-extraction stores no new capture";
}

TEST_F(Identity, TrackingParametersFragmentsAndDefaultPortsNameTheSameArticle)
{
    const auto first = save(article("https://news.example/a?id=5", page("A", prose(1, 80))));
    for (const char* variant : { "https://news.example/a?id=5&utm_source=rss&utm_medium=feed", "https://news.example:443/a?id=5#comments",
             "https://NEWS.example/a?fbclid=XYZ&id=5", "https://news.example/a?id=5&gclid=1" }) {
        const auto saved = save(article(variant, page("A", prose(1, 80))));
        EXPECT_EQ(saved.article_id, first.article_id) << variant;
        EXPECT_EQ(saved.change, ArticleChange::unchanged) << variant;
    }
    const auto other = save(article("https://news.example/a?id=6", page("B", prose(2, 80))));
    EXPECT_NE(other.article_id, first.article_id) << "a meaningful parameter is part of the identity";
    EXPECT_EQ(archive->reader().stats()->articles, 2);
}

TEST_F(Identity, RelCanonicalOnTheSameSiteJoinsTheAddressesOfOneArticle)
{
    ExtractedPage amp = page("A", prose(1, 80));
    amp.canonical_url = "https://www.news.example/politik/a";
    const auto via_amp = save(article("https://news.example/amp/a", amp));
    ExtractedPage plain = page("A", prose(1, 80));
    plain.canonical_url = "https://www.news.example/politik/a";
    const auto via_page = save(article("https://www.news.example/politik/a?utm_campaign=x", plain));
    EXPECT_EQ(via_page.article_id, via_amp.article_id);
    EXPECT_EQ((**archive->articles().find("https://news.example/amp/a")).normalized_url, "https://www.news.example/politik/a");
    EXPECT_EQ(archive->reader().stats()->articles, 1);
}

TEST_F(Identity, CanonicalPointingElsewhereOrAtTheHomePageIsIgnored)
{
    ExtractedPage syndicated = page("A", prose(1, 80));
    syndicated.canonical_url = "https://other.example/original";
    const auto a = save(article("https://news.example/a", syndicated));
    ExtractedPage home = page("B", prose(2, 80));
    home.canonical_url = "https://news.example/";
    const auto b = save(article("https://news.example/b", home));
    EXPECT_NE(a.article_id, b.article_id);
    EXPECT_EQ((**archive->articles().find("https://news.example/b")).normalized_url, "https://news.example/b");
    EXPECT_FALSE(*archive->articles().find("https://other.example/original"));
}

TEST_F(Identity, LinksRedirectedToOneLoginPageStayDistinct)
{
    // A paywall sends every link to /login: the redirect target must not merge them.
    for (const char* link : { "https://news.example/a", "https://news.example/b" }) {
        ArticleInput input = article(link, page("Login", "Please log in."));
        input.page.status = PageStatus::paywall;
        input.page.canonical_url = "https://news.example/login";
        input.response.final_url = "https://news.example/login";
        ASSERT_TRUE(archive->articles().save(input));
    }
    auto a = *archive->articles().find("https://news.example/a");
    auto b = *archive->articles().find("https://news.example/b");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->id, b->id);
    EXPECT_FALSE(*archive->articles().find("https://news.example/login"));

    // Later the real article behind one link is stored under that link, not as a revision of the
    // other: the next revision of b's record, after its paywall revision.
    const auto real = save(article("https://news.example/b", page("B", prose(3, 80))));
    EXPECT_EQ(real.article_id, b->id);
    EXPECT_EQ(real.revision, 2);
    EXPECT_EQ((**archive->articles().find("https://news.example/a")).revisions, 1);
}

TEST_F(Duplicates, ExactCopyOnAnotherSiteIsKeptAndLinkedToTheOriginalStory)
{
    const auto original = save(article("https://agency.example/story", page("Story", prose(5, 300))));
    const auto copy = save(article("https://paper.example/story-copy", page("Story", prose(5, 300))));
    EXPECT_NE(copy.article_id, original.article_id);
    EXPECT_EQ(copy.change, ArticleChange::created);
    EXPECT_EQ(copy.duplicate_of, original.article_id);
    EXPECT_EQ((**archive->articles().find("https://paper.example/story-copy")).story_id, original.article_id);
    EXPECT_EQ(revisions().size(), 2u) << "linked, not deleted";
}

TEST_F(Duplicates, NearCopyIsLinkedAsTheSameStoryAndUnrelatedTextIsNot)
{
    const std::string text = prose(6, 400);
    std::string edited = text;
    edited.replace(edited.rfind("Bericht") == std::string::npos ? 0 : edited.rfind("Bericht"), 7, "Artikel");
    const std::string unrelated = prose(7, 400);
    ASSERT_NE(text, edited);
    ASSERT_LE(hamming_distance(simhash(text), simhash(edited)), near_duplicate_bits) << "precondition: the edit is a near duplicate";
    ASSERT_GT(hamming_distance(simhash(text), simhash(unrelated)), near_duplicate_bits) << "precondition: different texts";

    const auto original = save(article("https://agency.example/story", page("Story", text)));
    const auto near = save(article("https://paper.example/their-version", page("Story", edited)));
    const auto other = save(article("https://paper.example/other", page("Other", unrelated)));
    EXPECT_FALSE(near.duplicate_of) << "not an exact copy";
    EXPECT_EQ((**archive->articles().find("https://paper.example/their-version")).story_id, original.article_id);
    EXPECT_EQ((**archive->articles().find("https://paper.example/other")).story_id, other.article_id);
    EXPECT_EQ((**archive->articles().find("https://agency.example/story")).story_id, original.article_id);

    // A third copy of the near copy joins the same (first) story.
    const auto third = save(article("https://third.example/x", page("Story", edited)));
    EXPECT_EQ((**archive->articles().find("https://third.example/x")).story_id, original.article_id);
    EXPECT_EQ(third.duplicate_of, near.article_id);
}

TEST_F(SiteBlocks, RefetchedPageDoesNotInflateTheCounts)
{
    ExtractedPage first = page("A", prose(1, 40));
    first.block_fingerprints = { 11, 22, 33 };
    save(article("https://news.example/a", first));
    save(article("https://news.example/a?utm_source=x", first)); // the same page again
    ExtractedPage second = page("B", prose(2, 40));
    second.block_fingerprints = { 11, 22, 44 };
    save(article("https://news.example/b", second));

    auto profile = archive->sites().profile("news.example");
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->pages, 2);
    EXPECT_EQ(profile->block_pages.at(11), 2);
    EXPECT_EQ(profile->block_pages.at(22), 2);
    EXPECT_FALSE(profile->block_pages.contains(33)) << "seen on one page only: not template";
    EXPECT_EQ(archive->sites().profile("other.example")->pages, 0);
}

TEST_F(SiteBlocks, BlocksSeenOnOnePageAreForgottenAfterHalfAYearTemplateBlocksAreKept)
{
    // Without the sweep every paragraph ever archived would keep a row. The sweep runs once per 256
    // new pages of a host; what it dropped is visible when the same block shows up again later.
    const auto page_with = [](int n, std::vector<std::uint64_t> blocks) {
        ExtractedPage extracted = page("P" + std::to_string(n), prose(n, 40));
        extracted.block_fingerprints = std::move(blocks);
        return extracted;
    };
    const Timestamp january = at("2024-01-01T10:00:00Z");
    const Timestamp august = at("2024-08-01T10:00:00Z");
    save(article("https://news.example/1", page_with(1, { 11, 500, 600 }), january)); // 500: once, long ago
    save(article("https://news.example/2", page_with(2, { 11 }), january));           // 11: the template
    for (int n = 3; n <= 256; ++n) // page 256 triggers the sweep
        save(article("https://news.example/" + std::to_string(n), page_with(n, { 11, 1000u + n }), august));
    save(article("https://news.example/257", page_with(257, { 11, 500, 1000u + 256 }), august));

    auto profile = archive->sites().profile("news.example");
    ASSERT_TRUE(profile);
    EXPECT_EQ(profile->pages, 257);
    EXPECT_EQ(profile->block_pages.at(11), 257) << "recurring blocks are never swept";
    EXPECT_FALSE(profile->block_pages.contains(500)) << "seen once in January, swept in August: counted afresh";
    EXPECT_EQ(profile->block_pages.at(1256), 2) << "a recent single-page block survives the sweep";
}

} // namespace
} // namespace feedkeeper::store::testing

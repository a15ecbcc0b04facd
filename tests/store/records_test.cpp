// tests/store/records_test.cpp — every feed item is an archive record: its status, the source of
// its body, its revisions when a wall is passed later, and the counts per status.
#include "store_test_support.hpp"

#include <map>

namespace feedkeeper::store::testing {
namespace {

class RecordsTest : public ArchiveTest {
protected:
    // One item of `feed` whose feed text is `body` (from `source`), and its pending job.
    std::int64_t add_item(std::int64_t feed, const std::string& link, const std::string& body, BodySource source)
    {
        EntryInput input = entry(link, link, "Item " + link);
        input.body = { body, "<p>" + body + "</p>", source };
        EXPECT_EQ(*archive->entries().save(feed, { input }, at("2024-03-01T09:00:00Z")), 1);
        auto jobs = archive->jobs().due(Timestamp::max(), 100);
        for (const Job& job : *jobs)
            if (job.url == link)
                return job.id;
        ADD_FAILURE() << "no job for " << link;
        return 0;
    }

    ArticleInput fetched(const std::string& link, std::int64_t job, PageStatus status, std::string body = "")
    {
        ExtractedPage extracted = page("Page title", std::move(body));
        extracted.status = status;
        if (extracted.body.empty())
            extracted.body_html.clear();
        ArticleInput input = article(link, std::move(extracted));
        if (job != 0)
            input.job_id = job;
        return input;
    }

    std::map<RecordStatus, std::int64_t> counts()
    {
        std::map<RecordStatus, std::int64_t> result;
        const auto stats = archive->reader().stats();
        EXPECT_TRUE(stats);
        for (const auto& [status, count] : stats->records)
            result[status] = count;
        return result;
    }
};

} // namespace

TEST_F(RecordsTest, AnItemIsARecordFromTheMomentItIsSeen)
{
    const std::int64_t feed = add_feed("https://news.example/feed");
    add_item(feed, "https://news.example/a", "The feed's own text.", BodySource::feed);
    const auto records = revisions();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0].from_entry());
    EXPECT_EQ(records[0].status, RecordStatus::pending);
    EXPECT_EQ(records[0].body_source, BodySource::feed);
    EXPECT_EQ(records[0].body, "The feed's own text.");
    EXPECT_EQ(records[0].feed_url, "https://news.example/feed");
    EXPECT_EQ(records[0].guid, "https://news.example/a");
    EXPECT_EQ(counts()[RecordStatus::pending], 1);
}

TEST_F(RecordsTest, AFailedFetchMarksTheItemsRecordGoneOrFailed)
{
    const std::int64_t feed = add_feed("https://news.example/feed");
    const std::int64_t gone = add_item(feed, "https://news.example/gone", "Summary one.", BodySource::summary);
    const std::int64_t failed = add_item(feed, "https://news.example/failed", "Summary two.", BodySource::summary);
    ASSERT_TRUE(archive->jobs().defer(gone, "HTTP 404", at("2024-03-01T11:00:00Z"), RecordStatus::gone));
    ASSERT_TRUE(archive->jobs().fail(failed, "timed out", RecordStatus::failed));
    std::map<std::string, RecordStatus> status;
    for (const RevisionRecord& record : revisions())
        status[record.url] = record.status;
    EXPECT_EQ(status["https://news.example/gone"], RecordStatus::gone);
    EXPECT_EQ(status["https://news.example/failed"], RecordStatus::failed);
    auto counted = counts();
    EXPECT_EQ(counted[RecordStatus::gone], 1);
    EXPECT_EQ(counted[RecordStatus::failed], 1);
    EXPECT_EQ(counted[RecordStatus::pending], 0);

    ExportFilter only_gone;
    only_gone.statuses = { RecordStatus::gone };
    ASSERT_EQ(revisions(only_gone).size(), 1u);
    EXPECT_EQ(revisions(only_gone)[0].url, "https://news.example/gone");
}

TEST_F(RecordsTest, AWallKeepsTheFeedsTextAndPassingItLaterIsANewRevision)
{
    const std::int64_t feed = add_feed("https://news.example/feed");
    const std::string link = "https://news.example/walled";
    const std::int64_t job = add_item(feed, link, "The whole story from the feed.", BodySource::feed);
    const auto wall = save(fetched(link, job, PageStatus::consent_wall));
    EXPECT_EQ(wall.change, ArticleChange::created);
    auto records = revisions();
    ASSERT_EQ(records.size(), 1u) << "the item is now the page's record, not an entry record as well";
    EXPECT_EQ(records[0].status, RecordStatus::consent_wall);
    EXPECT_EQ(records[0].body_source, BodySource::feed);
    EXPECT_EQ(records[0].body, "The whole story from the feed.");

    // The same wall again: nothing new. Then the article behind it.
    EXPECT_EQ(save(fetched(link, 0, PageStatus::consent_wall)).change, ArticleChange::unchanged);
    const std::string text = prose(7, 120);
    const auto passed = save(fetched(link, 0, PageStatus::article, text));
    EXPECT_EQ(passed.change, ArticleChange::revised);
    EXPECT_EQ(passed.revision, 2);
    records = revisions();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].body, "The whole story from the feed.") << "nothing is overwritten";
    EXPECT_EQ(records[1].status, RecordStatus::article);
    EXPECT_EQ(records[1].body_source, BodySource::page);
    EXPECT_EQ(records[1].body, text);
    auto counted = counts();
    EXPECT_EQ(counted[RecordStatus::article], 1);
    EXPECT_EQ(counted[RecordStatus::consent_wall], 0);

    // Once an article, a later fetch that finds a wall does not replace its text.
    EXPECT_EQ(save(fetched(link, 0, PageStatus::paywall, "A teaser.")).change, ArticleChange::unchanged);
    EXPECT_EQ(revisions().size(), 2u);
    EXPECT_EQ((**archive->articles().find(link)).status, "paywall") << "the last fetch is still noted";
}

TEST_F(RecordsTest, NonArticleRecordsNeverJoinAStory)
{
    const std::int64_t feed = add_feed("https://news.example/feed");
    // Two consent walls without feed text: the same (empty) body must not make them one story.
    const std::int64_t first = add_item(feed, "https://news.example/one", "", BodySource::none);
    const std::int64_t second = add_item(feed, "https://news.example/two", "", BodySource::none);
    save(fetched("https://news.example/one", first, PageStatus::consent_wall));
    const auto other = save(fetched("https://news.example/two", second, PageStatus::consent_wall));
    EXPECT_FALSE(other.duplicate_of);
    EXPECT_NE((**archive->articles().find("https://news.example/two")).story_id, (**archive->articles().find("https://news.example/one")).id);
    for (const RevisionRecord& record : revisions())
        EXPECT_EQ(record.body_source, BodySource::none) << record.url;
}

} // namespace feedkeeper::store::testing

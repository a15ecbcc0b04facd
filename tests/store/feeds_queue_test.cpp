// tests/store/feeds_queue_test.cpp — the feed list (add, find, list, remove, polls) and feed
// entries with the crash-safe job queue they fill.
#include "store_test_support.hpp"

#include "core/time.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace feedkeeper::store::testing {
namespace {

using Feeds = ArchiveTest;
using Queue = ArchiveTest;

TEST_F(Feeds, AddedFeedIsFoundByIdUrlOrName)
{
    auto added = archive->feeds().add(NewFeed { .url = "https://news.example/feed.xml", .name = "news" });
    ASSERT_TRUE(added);
    for (std::string selector : { std::to_string(added->id), std::string("https://news.example/feed.xml"), std::string("news") }) {
        auto found = archive->feeds().find(selector);
        ASSERT_TRUE(found && *found) << selector;
        EXPECT_EQ((*found)->id, added->id);
        EXPECT_EQ((*found)->health, FeedHealth::ok);
    }
    EXPECT_FALSE(*archive->feeds().find("nothing"));
}

TEST_F(Feeds, AddingTheSameUrlTwiceIsAConstraintErrorNamingTheFeed)
{
    add_feed("https://news.example/feed.xml");
    auto again = archive->feeds().add(NewFeed { .url = "https://news.example/feed.xml" });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::constraint);
    EXPECT_NE(again.error().message.find("https://news.example/feed.xml"), std::string::npos);
    EXPECT_EQ(archive->feeds().list()->size(), 1u);
}

TEST_F(Feeds, PollOutcomeUpdatesHealthValidatorsAndSchedule)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    FeedPollOutcome failed { .feed_id = id, .fetched_at = at("2024-03-01T10:00:00Z"), .success = false, .error = "HTTP 503" };
    failed.health = FeedHealth::backing_off;
    failed.consecutive_failures = 1;
    failed.next_fetch = at("2024-03-01T11:00:00Z");
    ASSERT_TRUE(archive->feeds().record_poll(failed));
    auto feed = **archive->feeds().find(std::to_string(id));
    EXPECT_EQ(feed.health, FeedHealth::backing_off);
    EXPECT_EQ(feed.last_error, "HTTP 503");
    EXPECT_EQ(feed.failing_since, at("2024-03-01T10:00:00Z"));
    EXPECT_TRUE(archive->feeds().due(at("2024-03-01T10:30:00Z"))->empty());
    EXPECT_EQ(archive->feeds().due(at("2024-03-01T11:00:00Z"))->size(), 1u);

    FeedPollOutcome ok { .feed_id = id, .fetched_at = at("2024-03-01T11:00:00Z"), .success = true, .etag = "\"v2\"", .title = "News" };
    ok.next_fetch = at("2024-03-01T12:00:00Z");
    ASSERT_TRUE(archive->feeds().record_poll(ok));
    feed = **archive->feeds().find(std::to_string(id));
    EXPECT_EQ(feed.health, FeedHealth::ok);
    EXPECT_EQ(feed.etag, "\"v2\"");
    EXPECT_EQ(feed.title, "News");
    EXPECT_FALSE(feed.failing_since);
    EXPECT_EQ(feed.last_success, at("2024-03-01T11:00:00Z"));
}

TEST_F(Feeds, RemovingAFeedKeepsItsArticles)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    ASSERT_TRUE(archive->entries().save(id, { entry("g1", "https://news.example/a") }, at("2024-03-01T09:00:00Z")));
    save(article("https://news.example/a", page("A", prose(1, 40))));
    ASSERT_TRUE(archive->feeds().remove(id));
    EXPECT_TRUE(archive->feeds().list()->empty());
    EXPECT_TRUE(archive->jobs().due(at("2030-01-01T00:00:00Z"), 10)->empty());
    EXPECT_TRUE(*archive->articles().find("https://news.example/a"));
    EXPECT_EQ(revisions().size(), 1u);
}

TEST_F(Queue, NewEntriesAreStoredOnceAndEachNewLinkQueuedOnce)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    const std::vector<EntryInput> items = { entry("g1", "https://news.example/a"), entry("g2", "https://news.example/b"), entry("g3", "") };
    EXPECT_EQ(*archive->entries().save(id, items, at("2024-03-01T09:00:00Z")), 3);
    EXPECT_EQ(*archive->entries().save(id, items, at("2024-03-01T10:00:00Z")), 0) << "a re-poll adds nothing";
    auto jobs = archive->jobs().due(at("2024-03-01T10:00:00Z"), 10);
    ASSERT_TRUE(jobs);
    ASSERT_EQ(jobs->size(), 2u) << "the item without a link needs no fetch";
    EXPECT_EQ((*jobs)[0].url, "https://news.example/a");
    EXPECT_EQ((*jobs)[1].url, "https://news.example/b");
    EXPECT_EQ((*jobs)[0].feed_id, id);
    EXPECT_TRUE((*jobs)[0].entry_id);
    EXPECT_EQ(archive->reader().stats()->pending_jobs, 2);
}

TEST_F(Queue, ChangedGuidWithTheSameUniqueLinkIsTheSameItem)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    EntryInput first = entry("guid:generated-1", "https://news.example/a");
    first.link_is_unique = true;
    EXPECT_EQ(*archive->entries().save(id, { first }, at("2024-03-01T09:00:00Z")), 1);
    EntryInput regenerated = entry("guid:generated-2", "https://news.example/a?utm_source=rss");
    regenerated.link_is_unique = true;
    EXPECT_EQ(*archive->entries().save(id, { regenerated }, at("2024-03-01T10:00:00Z")), 0) << "a new guid on the same link is not a new item";
    EXPECT_EQ(*archive->entries().save(id, { regenerated }, at("2024-03-01T11:00:00Z")), 0) << "and the new guid is adopted";
    EXPECT_EQ(archive->jobs().due(at("2024-03-01T11:00:00Z"), 10)->size(), 1u) << "the article is fetched once";
}

TEST_F(Queue, ArticleThatFailedIsRetriedADayLaterWhileItsItemStaysInTheFeed)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    const std::vector<EntryInput> items = { entry("g1", "https://news.example/a") };
    ASSERT_EQ(*archive->entries().save(id, items, at("2024-03-01T09:00:00Z")), 1);
    auto jobs = *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10);
    ASSERT_EQ(jobs.size(), 1u);
    ASSERT_TRUE(archive->jobs().fail(jobs[0].id, "site down"));
    // jobs().fail stamps the real clock; poll "a day later" relative to it.
    const Timestamp failed_at = now_utc();
    ASSERT_EQ(*archive->entries().save(id, items, failed_at + std::chrono::hours(2)), 0);
    EXPECT_TRUE(archive->jobs().due(failed_at + std::chrono::hours(2), 10)->empty()) << "not before a day has passed";
    ASSERT_EQ(*archive->entries().save(id, items, failed_at + std::chrono::hours(25)), 0);
    auto again = *archive->jobs().due(failed_at + std::chrono::hours(25), 10);
    ASSERT_EQ(again.size(), 1u) << "the item is still in the feed: its article is tried again";
    EXPECT_EQ(again[0].url, "https://news.example/a");
    ASSERT_EQ(*archive->entries().save(id, items, failed_at + std::chrono::hours(26)), 0);
    EXPECT_EQ(archive->jobs().due(failed_at + std::chrono::hours(26), 10)->size(), 1u) << "queued once";
}

TEST_F(Queue, ItemsSharingOneLinkStayDistinctByGuid)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    // A feed whose every item links to its home page: the link says nothing about identity.
    EntryInput one = entry("guid:1", "https://news.example/");
    EntryInput two = entry("guid:2", "https://news.example/");
    EXPECT_EQ(*archive->entries().save(id, { one, two }, at("2024-03-01T09:00:00Z")), 2);
    EntryInput three = entry("guid:3", "https://news.example/");
    EXPECT_EQ(*archive->entries().save(id, { three }, at("2024-03-01T10:00:00Z")), 1);
}

TEST_F(Queue, JobLeavesTheQueueInTheTransactionThatStoresItsArticle)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    ASSERT_TRUE(archive->entries().save(id, { entry("g1", "https://news.example/a", "Feed title") }, at("2024-03-01T09:00:00Z")));
    const Job job = archive->jobs().due(at("2024-03-01T09:00:00Z"), 10)->at(0);
    ArticleInput input = article(job.url, page("A", prose(1, 40)));
    input.job_id = job.id;
    input.entry_id = job.entry_id;
    save(input);
    EXPECT_TRUE(archive->jobs().due(at("2030-01-01T00:00:00Z"), 10)->empty());
    EXPECT_EQ(archive->reader().stats()->pending_jobs, 0);
    EXPECT_EQ(archive->feeds().list()->at(0).articles, 1);
    const auto records = revisions();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].guid, "g1");
    EXPECT_EQ(records[0].feed_url, "https://news.example/feed.xml");
    EXPECT_EQ(archive->entries().hints(*job.entry_id)->title, "Feed title");
}

TEST_F(Queue, FailedStoreLeavesTheJobPendingForTheNextRun)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    ASSERT_TRUE(archive->entries().save(id, { entry("g1", "https://news.example/a") }, at("2024-03-01T09:00:00Z")));
    const Job job = archive->jobs().due(at("2024-03-01T09:00:00Z"), 10)->at(0);
    ArticleInput input = article(job.url, page("A", prose(1, 40)));
    input.job_id = job.id;
    input.entry_id = job.entry_id;
    input.capture_id = 999; // no such capture: the foreign key fails the whole transaction
    auto saved = archive->articles().save(input);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().code, Errc::constraint);
    EXPECT_FALSE(*archive->articles().find(job.url)) << "no half-stored article";
    ASSERT_EQ(archive->jobs().due(at("2024-03-01T09:00:00Z"), 10)->size(), 1u);
}

TEST_F(Queue, DeferredJobWaitsAndFailedJobLeavesTheQueue)
{
    const std::int64_t id = add_feed("https://news.example/feed.xml");
    ASSERT_TRUE(archive->entries().save(id, { entry("g1", "https://news.example/a"), entry("g2", "https://news.example/b") }, at("2024-03-01T09:00:00Z")));
    auto jobs = *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10);
    ASSERT_TRUE(archive->jobs().defer(jobs[0].id, "HTTP 503", at("2024-03-01T10:00:00Z")));
    ASSERT_TRUE(archive->jobs().fail(jobs[1].id, "HTTP 404"));
    EXPECT_TRUE(archive->jobs().due(at("2024-03-01T09:30:00Z"), 10)->empty());
    auto later = *archive->jobs().due(at("2024-03-01T10:00:00Z"), 10);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].attempts, 1);
    EXPECT_EQ(archive->reader().stats()->failed_jobs, 1);
    EXPECT_EQ(archive->reader().stats()->pending_jobs, 1);
}

TEST_F(Queue, EnqueueingTheSameUrlTwiceGivesTheSamePendingJob)
{
    auto first = archive->jobs().enqueue(JobKind::recheck, "https://news.example/a", std::nullopt);
    auto second = archive->jobs().enqueue(JobKind::recheck, "https://news.example/a", std::nullopt);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(archive->jobs().due(now_utc(), 10)->size(), 1u);
}

TEST_F(Queue, DueJobsCanBeLimitedToOneFeed)
{
    const std::int64_t a = add_feed("https://a.example/feed");
    const std::int64_t b = add_feed("https://b.example/feed");
    ASSERT_TRUE(archive->entries().save(a, { entry("1", "https://a.example/1") }, at("2024-03-01T09:00:00Z")));
    ASSERT_TRUE(archive->entries().save(b, { entry("2", "https://b.example/2") }, at("2024-03-01T09:00:00Z")));
    auto only_b = *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10, b);
    ASSERT_EQ(only_b.size(), 1u);
    EXPECT_EQ(only_b[0].url, "https://b.example/2");
}

TEST_F(Queue, LinkTwoFeedsShareIsFetchedOnceAndCountedForBoth)
{
    const std::int64_t a = add_feed("https://a.example/feed");
    const std::int64_t b = add_feed("https://b.example/feed");
    ASSERT_TRUE(archive->entries().save(a, { entry("a1", "https://news.example/story") }, at("2024-03-01T09:00:00Z")));
    ASSERT_TRUE(archive->entries().save(b, { entry("b1", "https://news.example/story#comments") }, at("2024-03-01T09:00:00Z")));
    auto jobs = *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10);
    ASSERT_EQ(jobs.size(), 2u) << "different raw links: each queued, the store dedups by identity";
    for (const Job& job : jobs) {
        ArticleInput input = article(job.url, page("Story", prose(3, 60)));
        input.job_id = job.id;
        input.entry_id = job.entry_id;
        save(input);
    }
    EXPECT_EQ(archive->reader().stats()->articles, 1);
    EXPECT_EQ(revisions().size(), 1u);
    for (const FeedRecord& feed : *archive->feeds().list())
        EXPECT_EQ(feed.articles, 1) << feed.url;

    // A third feed's entry for an archived link is linked at once, without a job.
    const std::int64_t c = add_feed("https://c.example/feed");
    ASSERT_TRUE(archive->entries().save(c, { entry("c1", "https://news.example/story?utm_source=c") }, at("2024-03-02T09:00:00Z")));
    EXPECT_TRUE(archive->jobs().due(at("2030-01-01T00:00:00Z"), 10)->empty());
    EXPECT_EQ(archive->feeds().find(std::to_string(c))->value().articles, 1);
}

TEST_F(Queue, SameRawLinkFromTwoFeedsQueuesOneJobThatLinksBothEntries)
{
    const std::int64_t a = add_feed("https://a.example/feed");
    const std::int64_t b = add_feed("https://b.example/feed");
    ASSERT_TRUE(archive->entries().save(a, { entry("a1", "https://news.example/story") }, at("2024-03-01T09:00:00Z")));
    ASSERT_TRUE(archive->entries().save(b, { entry("b1", "https://news.example/story") }, at("2024-03-01T09:00:00Z")));
    auto jobs = *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10);
    ASSERT_EQ(jobs.size(), 1u);
    ArticleInput input = article(jobs[0].url, page("Story", prose(3, 60)));
    input.job_id = jobs[0].id;
    input.entry_id = jobs[0].entry_id;
    save(input);
    for (const FeedRecord& feed : *archive->feeds().list())
        EXPECT_EQ(feed.articles, 1) << feed.url;
    EXPECT_EQ(revisions(ExportFilter { .feed_id = b }).size(), 1u);
}

TEST_F(Queue, NodesClaimingAtOnceNeverGetAJobAnotherHoldsOrHasEnded)
{
    // Three nodes, each its own connection, claim, end each job and hand their hosts back as fast as
    // they can. On PostgreSQL the claims really run at once (SKIP LOCKED): a claim must not lease a
    // job that another node ended between the claim's choice of jobs and its taking their host.
    constexpr int hosts = 60;
    constexpr int per_host = 10;
    for (int h = 0; h < hosts; ++h)
        for (int i = 0; i < per_host; ++i)
            ASSERT_TRUE(archive->jobs().enqueue(JobKind::article, fmt::format("https://h{}.example/{}", h, i), std::nullopt));

    std::mutex mutex;
    std::map<std::int64_t, int> in_flight; // job -> node holding it
    std::set<std::int64_t> ended;
    std::map<std::string, int> hosts_in_flight;
    int held_twice = 0, claimed_after_end = 0, hosts_held_twice = 0;
    std::vector<std::string> errors;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    auto node = [&](int index) {
        auto connection = open_archive();
        if (!connection)
            return;
        const std::string worker = fmt::format("test-node-{}", index);
        ASSERT_TRUE(connection->jobs().register_worker(worker, worker, now_utc()));
        while (std::chrono::steady_clock::now() < deadline) {
            const Timestamp now = now_utc();
            auto work = connection->jobs().claim(WorkClaim { .worker = worker, .now = now, .horizon = now,
                .lease_until = now + std::chrono::minutes(5), .per_host = 2, .total = 8 });
            if (!work) {
                std::lock_guard lock(mutex);
                errors.push_back(work.error().message);
                continue;
            }
            if (work->jobs.empty()) {
                auto pending = connection->jobs().due(now, 1);
                if (pending && pending->empty())
                    break;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            {
                std::lock_guard lock(mutex);
                for (const Job& job : work->jobs) {
                    held_twice += !in_flight.emplace(job.id, index).second;
                    claimed_after_end += ended.contains(job.id);
                }
                for (const HostLease& host : work->hosts)
                    hosts_held_twice += !hosts_in_flight.emplace(host.host, index).second;
            }
            // A job leaves the in-flight set once its end is committed, a host before it is handed
            // back: from then on another node may get them, not before.
            for (const Job& job : work->jobs) {
                auto done = connection->jobs().fail(job.id, "test: ended without fetching");
                std::lock_guard lock(mutex);
                if (!done)
                    errors.push_back(done.error().message);
                if (auto held = in_flight.find(job.id); held != in_flight.end() && held->second == index)
                    in_flight.erase(held);
                ended.insert(job.id);
            }
            std::vector<std::pair<std::string, Timestamp>> handed_back;
            {
                std::lock_guard lock(mutex);
                for (const HostLease& host : work->hosts) {
                    if (auto held = hosts_in_flight.find(host.host); held != hosts_in_flight.end() && held->second == index)
                        hosts_in_flight.erase(held);
                    handed_back.emplace_back(host.host, now);
                }
            }
            if (auto released = connection->hosts().release(worker, handed_back); !released) {
                std::lock_guard lock(mutex);
                errors.push_back(released.error().message);
            }
        }
    };
    std::vector<std::thread> nodes;
    for (int index = 1; index <= 3; ++index)
        nodes.emplace_back(node, index);
    for (std::thread& thread : nodes)
        thread.join();

    EXPECT_TRUE(errors.empty()) << errors.size() << " errors, the first: " << (errors.empty() ? "" : errors.front());
    EXPECT_EQ(held_twice, 0) << "jobs held by two nodes at once";
    EXPECT_EQ(claimed_after_end, 0) << "jobs claimed after another node ended them";
    EXPECT_EQ(hosts_held_twice, 0) << "hosts held by two nodes at once";
    EXPECT_EQ(ended.size(), static_cast<std::size_t>(hosts * per_host)) << "every job ended, within the minute";
    EXPECT_TRUE(archive->jobs().due(now_utc(), 1)->empty());
}

} // namespace
} // namespace feedkeeper::store::testing

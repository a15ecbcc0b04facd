// store/archive.hpp — the archive: one SQLite file (WAL, FTS5) behind prepared statements.
// Threading: an Archive is one connection; use it from one thread at a time (the daemon's store
// strand for writes). Readers (export, search, status) open their own read-only Archive; WAL lets
// them read while the writer writes.
#pragma once

#include "core/error.hpp"
#include "store/backfills.hpp"
#include "store/import_records.hpp"
#include "store/records.hpp"
#include "store/view_records.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::store {

enum class OpenMode { read_write, read_only };
enum class Synchronous { normal, full };

struct ArchiveOptions {
    // FULL: each commit is fsynced before it is reported, so neither a kill nor a power loss
    // loses it. NORMAL (WAL): a kill loses nothing committed, a power loss may lose the last
    // commits but never corrupts. Default FULL: an archive's promise is not to lose anything,
    // and one fsync per stored article is cheap next to fetching it.
    Synchronous synchronous = Synchronous::full;
    // How long a write waits for another process's write (a second `crawl`) before Errc::busy.
    std::chrono::milliseconds busy_timeout { 10'000 };
    // A hard cap on the file's size: past it writes fail with Errc::disk_full, exactly as on a
    // full disk (also how the tests simulate one). None: only the disk limits it.
    std::optional<std::int64_t> max_bytes;
};

// Whether an archive location names a PostgreSQL database ("postgresql://", "postgres://") rather
// than an SQLite file; and the location as it may be shown or logged (a password replaced by ***).
bool is_postgresql_location(std::string_view location);
std::string redacted_location(std::string_view location);
// A location as a user may write it ("sqlite:PATH", a path, a PostgreSQL URL) as open() takes it:
// "sqlite:" is dropped, the rest is unchanged.
std::string archive_location(std::string_view written);

struct ExportFilter {
    std::optional<std::int64_t> feed_id;
    std::optional<Timestamp> since; // by publication date of the revision, else its fetch time
    std::optional<Timestamp> until;
    std::vector<RecordStatus> statuses; // only records with one of these statuses; empty: all
};

// The archive's tables fall in groups, each behind one accessor of the single connection (the one
// writer): feeds(), entries(), captures(), articles() (with their revisions), jobs() (the queue and
// the workers' leases), hosts() (their leases and pauses), sites(), reader() (export, search,
// stats), backfills() and maintenance(). Work that spans tables (saving an article, importing a record) is one
// function with one transaction, in the group it is about.
class Archive {
public:
    struct Impl; // defined in archive_impl.hpp, private to store/

    // Opens (read_write: creates the file and migrates) the archive at `path`: a file (SQLite), or a
    // "postgresql://" / "postgres://" URL (libpq's syntax; an empty database gets the schema).
    static Result<std::unique_ptr<Archive>> open(const std::filesystem::path& path, OpenMode = OpenMode::read_write, ArchiveOptions = {});
    ~Archive();
    Archive(const Archive&) = delete;
    Archive& operator=(const Archive&) = delete;

    const std::filesystem::path& path() const;

    // A view of one table group; it lives as long as its Archive.
    class Group {
    public:
        explicit Group(Impl& impl) : m_impl(&impl) { }

    protected:
        Impl* m_impl;
    };

    // --- feeds (archive_feeds.cpp)
    class Feeds : public Group {
    public:
        using Group::Group;
        Result<FeedRecord> add(const NewFeed&); // Errc::constraint when the URL exists
        Result<std::optional<FeedRecord>> find(std::string_view id_or_url);
        Result<std::vector<FeedRecord>> list();
        Result<void> remove(std::int64_t feed_id);
        Result<std::vector<FeedRecord>> due(Timestamp now);
        Result<void> record_poll(const FeedPollOutcome&);
        Result<void> set_options(std::int64_t feed_id, const HttpHeaders& headers, const std::string& cookies, std::optional<std::int64_t> interval_seconds);
        Result<void> schedule(std::int64_t feed_id, std::optional<Timestamp> next_fetch);
    };

    // --- raw captures (archive_captures.cpp)
    class Captures : public Group {
    public:
        using Group::Group;
        Result<std::int64_t> save(const HttpResponse&, std::string_view kind);
        // Errc::not_found when there is no such capture or the retention policy dropped its body.
        Result<HttpResponse> load(std::int64_t capture_id);
        // Every capture (or, with a filter, those of the records it keeps: see archive_captures.cpp)
        // in the order they were fetched, one at a time, in one read snapshot.
        using Visitor = std::function<bool(const CaptureRecord&)>; // return false to stop
        Result<void> for_each(const ExportFilter&, const Visitor&);
        // Articles (of `host`, or all) with their latest capture, in id order after `after_article`.
        Result<std::vector<StoredCapture>> latest(const std::string& host, std::int64_t after_article, std::size_t limit);
        // The capture of `url` fetched at `fetched_at` with this body (hex SHA-256), if the archive
        // holds it already (a page's capture: stored with its article): what makes a WARC import
        // idempotent.
        Result<std::optional<std::int64_t>> find(const std::string& url, Timestamp fetched_at, const std::string& body_sha256);
    };

    // --- feed items (archive_entries.cpp; replay_target in archive_import.cpp)
    class Entries : public Group {
    public:
        using Group::Group;
        // Upserts the entries of one poll; enqueues an article job for each new link. Returns the
        // number of entries that were new.
        Result<std::int64_t> save(std::int64_t feed_id, const std::vector<EntryInput>&, Timestamp seen_at);
        Result<EntryHints> hints(std::int64_t entry_id);
        // What a replayed page capture completes: the pending article job and the unlinked feed
        // entry of its address, if any.
        Result<ReplayTarget> replay_target(const std::string& url);
    };

    // --- the job queue and the workers' leases (archive_queue.cpp; rechecks in archive_schedule.cpp)
    class Jobs : public Group {
    public:
        using Group::Group;
        // Pending jobs due by `now`, in id order, whoever holds them (for tools and tests; a crawl
        // takes its work with claim).
        Result<std::vector<Job>> due(Timestamp now, std::size_t limit, std::optional<std::int64_t> feed_id = std::nullopt);
        // Idempotent: returns the pending job for (kind, url), queued now or earlier.
        Result<std::int64_t> enqueue(JobKind, const std::string& url, std::optional<std::int64_t> feed_id);
        // A failed attempt: counted, retried at `retry_at`; the lease ends. `outcome` (failed or
        // gone) becomes the status of the item's record while its page is not stored.
        Result<void> defer(std::int64_t job_id, const std::string& error, Timestamp retry_at, RecordStatus outcome = RecordStatus::failed);
        // Handed back untried (its host was not ready, the archive could not be written): no
        // attempt counted, not before `not_before` if given; the lease ends.
        Result<void> release(std::int64_t job_id, std::optional<Timestamp> not_before = std::nullopt);
        // Many at once, in one transaction (what a crawl leaves queued at its end).
        Result<void> release_many(const std::vector<std::pair<std::int64_t, std::optional<Timestamp>>>& jobs);
        Result<void> fail(std::int64_t job_id, const std::string& error, RecordStatus outcome = RecordStatus::failed);
        // Takes due jobs (see WorkClaim) with their hosts, in one transaction.
        Result<ClaimedWork> claim(const WorkClaim&);
        // A process (core/process.hpp token) that takes work; dead ones are forgotten, their work freed.
        Result<void> register_worker(const std::string& worker, std::string_view role, Timestamp now);
        // Everything the process holds goes back to the queue.
        Result<void> unregister_worker(const std::string& worker);
        // The processes taking work from this archive (the nodes, when several machines share a
        // PostgreSQL archive), oldest first, with what each holds.
        Result<std::vector<WorkerRecord>> workers();
        // The heartbeat: the process's hosts and jobs stay its own until `lease_until`.
        // Errc::not_found when another process judged it dead and freed its work meanwhile.
        Result<void> renew_leases(const std::string& worker, Timestamp now, Timestamp lease_until);
        // Queues a 'recheck' job for every article whose recheck time has come; returns how many.
        Result<std::size_t> enqueue_due_rechecks(Timestamp now, std::size_t limit);
        // The earliest time anything is due (feeds, jobs, rechecks); nullopt when nothing ever is.
        Result<std::optional<Timestamp>> next_due_time();
    };

    // --- hosts: who may ask them, and their pauses (archive_queue.cpp)
    class Hosts : public Group {
    public:
        using Group::Group;
        // Takes hosts for feed polls; returns those the worker holds now (others hold the rest).
        Result<std::vector<HostLease>> claim(const std::string& worker, const std::vector<std::string>& hosts, Timestamp now, Timestamp lease_until);
        // Gives hosts back, each with the time its spacing ends (the next holder waits for it).
        Result<void> release(const std::string& worker, const std::vector<std::pair<std::string, Timestamp>>& hosts);
        // A Retry-After pause, kept so that no later run or process asks the host before it ends.
        Result<void> pause(const std::string& host, Timestamp until, const std::string& reason);
        // Who else holds which of `hosts` now (live leases only).
        Result<std::vector<HostHolder>> holders(const std::vector<std::string>& hosts, Timestamp now);
        // Hosts paused or with jobs backing off past `now`, most deferred jobs first.
        Result<std::vector<HostBacklog>> backlog(Timestamp now, std::size_t limit);
    };

    // --- articles and their revisions (archive_revisions.cpp)
    class Articles : public Group {
    public:
        using Group::Group;
        // One transaction: capture, article, revision (when the cleaned text changed), duplicate
        // links, entry link, site counts, the next revision check, and the job removed from the queue.
        Result<ArticleSaveResult> save(const ArticleInput&);
        // The same in two steps: prepare on any thread (pure, no archive access), then store many in
        // one transaction: one commit (one fsync) for all, each article in a savepoint of its own,
        // so one that fails leaves the others stored. The outer Result fails when nothing was
        // stored (the commit failed: a full disk); the inner ones say how each article fared.
        static PreparedArticle prepare(ArticleInput);
        Result<std::vector<Result<ArticleSaveResult>>> save_many(const std::vector<const PreparedArticle*>&);
        // The article known under `url` (any of its normalised addresses), if archived.
        Result<std::optional<ArticleRecord>> find(const std::string& url);
        // A recheck found the page gone (404/410): recorded, never deleted. False if not archived.
        Result<bool> mark_gone(const std::string& url, long http_status, Timestamp when);
    };

    // --- sites (archive_sites.cpp): the blocks each host's pages share, learned as articles are stored
    class Sites : public Group {
    public:
        using Group::Group;
        Result<SiteProfile> profile(const std::string& host);
    };

    // --- reading (archive_read.cpp, archive_view.cpp; stats in archive.cpp)
    class Reader : public Group {
    public:
        using Group::Group;
        // Every record revision (ordered by revision id), then every record that is still its feed
        // entry (by entry id), as the filter selects them.
        using RevisionVisitor = std::function<bool(const RevisionRecord&)>; // return false to stop
        Result<void> for_each_revision(const ExportFilter&, const RevisionVisitor&);
        // Full-text search of the current texts: every word must match (word* for a prefix),
        // diacritics folded, best first (title above body: SQLite's bm25 with the title at 5x,
        // PostgreSQL's ts_rank with the title weighing A, the body B), with a snippet. A query
        // matching more than search_rank_window articles is ranked among its most recent
        // search_rank_window matches, which bounds its cost (see archive_read.cpp).
        static constexpr std::size_t search_rank_window = 5000;
        Result<std::vector<SearchHit>> search(const std::string& query, std::size_t limit, std::size_t rank_window = search_rank_window);
        // The same with filters (feed, dates) and the snippet's highlight markers of the caller's choice.
        Result<std::vector<SearchHit>> search(const std::string& query, const SearchOptions&);
        Result<ArchiveStats> stats();

        // The web view's reads (archive_view.cpp): small indexed queries, one page at a time.
        Result<std::optional<ArticleRecord>> article(std::int64_t article_id);
        // An article's revisions, oldest first (at most `limit`, the newest kept), with body_html.
        Result<std::vector<RevisionView>> article_revisions(std::int64_t article_id, std::size_t limit);
        Result<std::vector<FeedItemRow>> feed_items(const FeedItemsQuery&);
        // Items first seen on or after `since`, per feed and UTC day.
        Result<std::vector<FeedDayCount>> items_per_day(Timestamp since);
        // A capture's exchange and digest without its body (response.body stays empty).
        Result<std::optional<CaptureRecord>> capture_info(std::int64_t capture_id);
    };

    // --- history backfills (archive_backfills.cpp): each one's source, cursor, counts and state
    class Backfills : public Group {
    public:
        using Group::Group;
        // The feed's unfinished backfill with the same options (killed or stopped: it resumes), else
        // a new one. An unfinished one with other options is marked stopped first.
        Result<BackfillRecord> start_or_resume(const BackfillRequest&, Timestamp now);
        // One transaction: the new items stored as the feed's entries (discovered_by `discovered_by`,
        // a 'backfill' job queued for each page not archived yet; an item whose link the feed or
        // the archive knows already is not added again), and the cursor and counts that follow
        // them, so a backfill killed at any moment resumes exactly where its last page ended. At
        // most `max_new` items are added (--max); the rest of the page is left.
        Result<BackfillPageResult> save_page(const BackfillRecord&, const std::vector<EntryInput>&, const std::string& discovered_by,
            std::int64_t found, const std::string& source, const std::string& cursor, Timestamp now, std::int64_t max_new);
        // Moves the cursor without items (a source ended, the next begins).
        Result<void> set_cursor(std::int64_t backfill_id, const std::string& source, const std::string& cursor, const std::string& message, Timestamp now);
        Result<void> finish(std::int64_t backfill_id, BackfillState, const std::string& message, Timestamp now);
        // The most recent backfills (running ones first), with their pending and failed page counts.
        Result<std::vector<BackfillRecord>> list(std::size_t limit, std::optional<std::int64_t> feed_id = std::nullopt);
        Result<std::optional<BackfillRecord>> find(std::int64_t backfill_id);
    };

    // --- maintenance (integrity_check in archive.cpp, prune in archive_prune.cpp)
    class Maintenance : public Group {
    public:
        using Group::Group;
        Result<std::string> integrity_check();
        // The retention policy, run only when asked (`feedkeeper prune`, `[store] keep_captures`):
        // empties the bodies of captures fetched before `cutoff`, except each article's latest
        // capture and the captures its current revision came from, so reextract and export keep
        // working. Rows, headers and hashes stay; articles and revisions are never touched.
        // Works in short transactions of `batch` captures; returns space to the file system.
        Result<PruneSummary> prune_captures(Timestamp cutoff, PruneMode = PruneMode::apply, std::size_t batch = 500);
        // `migrate --to` (archive_migrate.cpp): this SQLite archive copied whole into `target`, an
        // empty PostgreSQL archive, in one transaction there, then checked (row counts, the kept
        // counts, digests of revisions, captures, articles and entries); a mismatch keeps nothing.
        // `progress` hears of each table copied.
        Result<MigrationSummary> copy_into(Archive& target, const std::function<void(std::string_view table, std::int64_t rows)>& progress = {});
    };

    Feeds& feeds() { return m_feeds; }
    Captures& captures() { return m_captures; }
    Entries& entries() { return m_entries; }
    Jobs& jobs() { return m_jobs; }
    Hosts& hosts() { return m_hosts; }
    Articles& articles() { return m_articles; }
    Sites& sites() { return m_sites; }
    Reader& reader() { return m_reader; }
    Backfills& backfills() { return m_backfills; }
    Maintenance& maintenance() { return m_maintenance; }

    // --- import (archive_import.cpp): records of a JSONL export (feeds, entries, articles and
    // revisions at once), in one transaction, each in a savepoint of its own (one that fails is
    // undone alone); the outer Result fails when nothing was stored (a full disk).
    Result<std::vector<Result<ImportChange>>> import_records(const std::vector<ImportRecord>&);

private:
    explicit Archive(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> m_impl;
    Feeds m_feeds { *m_impl };
    Captures m_captures { *m_impl };
    Entries m_entries { *m_impl };
    Jobs m_jobs { *m_impl };
    Hosts m_hosts { *m_impl };
    Articles m_articles { *m_impl };
    Sites m_sites { *m_impl };
    Reader m_reader { *m_impl };
    Backfills m_backfills { *m_impl };
    Maintenance m_maintenance { *m_impl };
};

} // namespace feedkeeper::store

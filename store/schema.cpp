// store/schema.cpp — the archive's schema and its versioned migrations.
// Threading: called once per connection, inside Archive::open(), before the object is shared.
//
// Design notes and invariants of the archive:
// - Nothing is deleted by the crawler: articles that vanish get `gone_at`, feeds that are gone get
//   health 'retired'. Only `remove` (a user's command: the subscription, never its articles) and
//   the explicit retention policy (`prune`: old raw capture *bodies*, see archive_prune.cpp) delete.
// - An article is known under several addresses (canonical URL, the URL it was fetched from, the
//   feed's link), all normalised (core/url.hpp: fragment, utm_*, fbclid…, default port dropped).
//   `article_keys` maps each of them to the one article; `articles.normalized_url` is the
//   preferred one. Each change of the cleaned text is a new row in `revisions` (1, 2, …); an
//   unchanged re-fetch only moves `last_seen`.
// - Duplicates are linked, never deleted: an exact copy of the cleaned text (content_sha256) or a
//   near copy (SimHash within 3 bits, found through `simhash_bands`) joins the first article's
//   story: story = coalesce(story_id, id).
// - Every fetched response is kept in `captures` (zstd body, SHA-256 of the decoded body).
//   Retention may empty old bodies (`body_dropped_at`), never the row, its headers or its hash.
// - `jobs` is the crash-safe work queue: a job stays 'pending' until the transaction that stores
//   its result deletes it (or marks it 'failed'), so a kill at any moment leaves it to be redone,
//   never half-done. One pending job per (kind, url). Processes take jobs by lease (migration 3):
//   a job leased to a live process is not taken by another; every read-then-write on the queue is
//   one IMMEDIATE transaction.
// - `hosts`: one process holds a host at a time, so per-host politeness holds across processes.
// - Nothing at start-up may scan the archive: counts shown by `status` are kept in `totals` and
//   `feeds.article_count` by triggers, so opening and `status` cost O(feeds), not O(articles).
// - All times are UTC seconds since the epoch.
// - Durability (archive.cpp): WAL, synchronous=FULL by default (a reported commit survives a
//   power loss; NORMAL is offered and survives a kill), one writer, short IMMEDIATE transactions.
#include "store/schema.hpp"

#include "core/url.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <array>
#include <string_view>

namespace feedkeeper::store {
namespace {

constexpr std::string_view migration_1 = R"sql(
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    added_url TEXT NOT NULL,
    name TEXT,
    title TEXT,
    site_url TEXT,
    source TEXT NOT NULL DEFAULT 'cli',
    interval_seconds INTEGER,
    headers TEXT,
    cookies TEXT,
    etag TEXT,
    last_modified TEXT,
    health TEXT NOT NULL DEFAULT 'ok' CHECK (health IN ('ok', 'backing_off', 'failing', 'retired')),
    last_error TEXT,
    last_error_at INTEGER,
    failing_since INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_fetch INTEGER,
    last_success INTEGER,
    last_new_entry INTEGER,
    next_fetch INTEGER,
    publisher_interval INTEGER,
    cache_until INTEGER,
    publishing_gap INTEGER,
    remote_ip TEXT,
    created_at INTEGER NOT NULL,
    article_count INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX feeds_next_fetch ON feeds(next_fetch) WHERE health != 'retired';

CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('feed', 'article', 'robots')),
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER NOT NULL,
    http_version TEXT,
    request_headers TEXT NOT NULL,
    response_headers TEXT NOT NULL,
    remote_ip TEXT,
    fetched_at INTEGER NOT NULL,
    body_size INTEGER NOT NULL,
    body_sha256 TEXT NOT NULL,
    body_zstd BLOB NOT NULL,
    body_dropped_at INTEGER,
    article_id INTEGER
);
CREATE INDEX captures_article ON captures(article_id) WHERE article_id IS NOT NULL;
CREATE INDEX captures_fetched ON captures(fetched_at) WHERE body_dropped_at IS NULL;

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    normalized_url TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT,
    host TEXT NOT NULL,
    status TEXT NOT NULL,
    http_status INTEGER,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    last_fetched INTEGER,
    last_changed INTEGER,
    gone_at INTEGER,
    revision_count INTEGER NOT NULL DEFAULT 0,
    content_sha256 TEXT,
    simhash INTEGER,
    story_id INTEGER,
    next_check INTEGER,
    checks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_content ON articles(content_sha256) WHERE content_sha256 IS NOT NULL;
CREATE INDEX articles_host ON articles(host, id);
CREATE INDEX articles_next_check ON articles(next_check) WHERE next_check IS NOT NULL;
CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL;

-- Every normalised address an article was seen under; the identity lookup.
CREATE TABLE article_keys (
    key TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX article_keys_article ON article_keys(article_id);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    fetched_at INTEGER NOT NULL,
    title TEXT,
    author TEXT,
    published INTEGER,
    modified INTEGER,
    language TEXT,
    site_name TEXT,
    canonical_url TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    lead_image TEXT,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (article_id, revision)
);
CREATE INDEX revisions_capture ON revisions(capture_id);

-- SimHash split in four 16-bit bands: a near-duplicate (<= 3 bits apart) shares at least one.
CREATE TABLE simhash_bands (
    band INTEGER NOT NULL,
    value INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, value, article_id)
) WITHOUT ROWID;
CREATE INDEX simhash_bands_article ON simhash_bands(article_id);

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    guid TEXT,
    url TEXT,
    link_key TEXT,
    title TEXT,
    author TEXT,
    published INTEGER,
    updated INTEGER,
    summary TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    article_id INTEGER REFERENCES articles(id),
    UNIQUE (feed_id, entry_key)
);
CREATE INDEX entries_article ON entries(article_id, feed_id) WHERE article_id IS NOT NULL;
CREATE INDEX entries_unlinked ON entries(link_key) WHERE article_id IS NULL;
CREATE INDEX entries_feed_link ON entries(feed_id, link_key) WHERE link_key IS NOT NULL;

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'recheck', 'manual')),
    url TEXT NOT NULL,
    entry_id INTEGER REFERENCES entries(id) ON DELETE CASCADE,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX jobs_pending_url ON jobs(kind, url) WHERE state = 'pending';
CREATE INDEX jobs_pending ON jobs(id, not_before, feed_id) WHERE state = 'pending';
CREATE INDEX jobs_failed ON jobs(id) WHERE state = 'failed';
CREATE INDEX jobs_failed_url ON jobs(url, updated_at) WHERE state = 'failed';
CREATE INDEX jobs_pending_due ON jobs(not_before) WHERE state = 'pending';

CREATE TABLE site_pages (
    host TEXT NOT NULL,
    page_key TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (host, page_key)
) WITHOUT ROWID;

CREATE TABLE site_hosts (
    host TEXT PRIMARY KEY,
    pages INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE site_blocks (
    host TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (host, fingerprint)
) WITHOUT ROWID;
-- site_profile() reads only blocks seen on two pages or more: the template, not the prose.
CREATE INDEX site_blocks_recurring ON site_blocks(host, fingerprint, pages) WHERE pages >= 2;

-- Full-text search over the *current* text of each article: the trigger replaces the previous
-- revision's entry, so a search never ranks stale text and needs no join to filter it. Relies on
-- revisions being inserted as 1, 2, 3… per article (save_article) and deleted only with their
-- article. FTS5 external content: 'delete' must be given exactly what was indexed.
CREATE VIRTUAL TABLE revisions_fts USING fts5(
    title, body, content='revisions', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO revisions_fts (revisions_fts, rank) VALUES ('rank', 'bm25(5.0, 1.0)');
CREATE TRIGGER revisions_fts_insert AFTER INSERT ON revisions BEGIN
    INSERT INTO revisions_fts (revisions_fts, rowid, title, body)
        SELECT 'delete', id, title, body FROM revisions WHERE article_id = new.article_id AND revision = new.revision - 1;
    INSERT INTO revisions_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN
    INSERT INTO revisions_fts (revisions_fts, rowid, title, body)
        SELECT 'delete', id, title, body FROM revisions WHERE article_id = old.id AND revision = old.revision_count;
END;

-- Row counts kept up to date, so `status` never counts a big table.
CREATE TABLE totals (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO totals (name, value) VALUES ('articles', 0), ('revisions', 0), ('captures', 0);
CREATE TRIGGER totals_articles_insert AFTER INSERT ON articles BEGIN UPDATE totals SET value = value + 1 WHERE name = 'articles'; END;
CREATE TRIGGER totals_articles_delete AFTER DELETE ON articles BEGIN UPDATE totals SET value = value - 1 WHERE name = 'articles'; END;
CREATE TRIGGER totals_revisions_insert AFTER INSERT ON revisions BEGIN UPDATE totals SET value = value + 1 WHERE name = 'revisions'; END;
CREATE TRIGGER totals_revisions_delete AFTER DELETE ON revisions BEGIN UPDATE totals SET value = value - 1 WHERE name = 'revisions'; END;
CREATE TRIGGER totals_captures_insert AFTER INSERT ON captures BEGIN UPDATE totals SET value = value + 1 WHERE name = 'captures'; END;
CREATE TRIGGER totals_captures_delete AFTER DELETE ON captures BEGIN UPDATE totals SET value = value - 1 WHERE name = 'captures'; END;

-- A feed's distinct articles: counted when the first of its entries links to an article.
-- Entries are linked once (article_id goes from NULL to a value, never back or elsewhere).
CREATE TRIGGER feeds_count_insert AFTER INSERT ON entries
WHEN new.article_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.article_id = new.article_id AND e.feed_id = new.feed_id AND e.id != new.id)
BEGIN UPDATE feeds SET article_count = article_count + 1 WHERE id = new.feed_id; END;
CREATE TRIGGER feeds_count_link AFTER UPDATE OF article_id ON entries
WHEN old.article_id IS NULL AND new.article_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.article_id = new.article_id AND e.feed_id = new.feed_id AND e.id != new.id)
BEGIN UPDATE feeds SET article_count = article_count + 1 WHERE id = new.feed_id; END;
)sql";

// 2: site_blocks.seen_at, the last time a page showed the block, so that blocks seen on one page
// only can be swept (record_site_blocks). Rows that exist already count as seen now.
constexpr std::string_view migration_2 = R"sql(
ALTER TABLE site_blocks ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE site_blocks SET seen_at = CAST(strftime('%s', 'now') AS INTEGER);
-- The sweep's index: it reaches the expired single-page blocks of one host without reading the rest.
CREATE INDEX site_blocks_single ON site_blocks(host, seen_at) WHERE pages = 1;
)sql";

// 3: the queue becomes the crawl frontier's store, shared safely by several processes.
// - jobs gain `host` (each host is one lane of the frontier), a 'backfill' kind, and a lease:
//   `claimed_by` (the process token of core/process.hpp) until `lease_until`. A job is taken by one
//   live process at a time; a dead process's leases are void (its token names an ended process)
//   or expire. The table is rebuilt (SQLite cannot widen a CHECK); feedkeeper_url_host() is the
//   connection's own function (schema.cpp), the host as core/url.hpp reads it.
// - hosts: which process holds a host (its politeness decides: one process's spacing per host),
//   the spacing it leaves behind, and Retry-After pauses that outlive a run.
// - workers: the processes taking work, so the others can tell a dead one from a busy one.
constexpr std::string_view migration_3 = R"sql(
CREATE TABLE jobs_v3 (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'recheck', 'manual', 'backfill')),
    url TEXT NOT NULL,
    host TEXT NOT NULL,
    entry_id INTEGER REFERENCES entries(id) ON DELETE CASCADE,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,
    lease_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO jobs_v3 (id, kind, url, host, entry_id, feed_id, state, attempts, not_before, last_error, created_at, updated_at)
    SELECT id, kind, url, feedkeeper_url_host(url), entry_id, feed_id, state, attempts, not_before, last_error, created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v3 RENAME TO jobs;
CREATE UNIQUE INDEX jobs_pending_url ON jobs(kind, url) WHERE state = 'pending';
CREATE INDEX jobs_pending ON jobs(id, not_before, feed_id) WHERE state = 'pending';
CREATE INDEX jobs_pending_host ON jobs(host, not_before) WHERE state = 'pending';
CREATE INDEX jobs_pending_feed ON jobs(feed_id) WHERE state = 'pending';
CREATE INDEX jobs_pending_due ON jobs(not_before) WHERE state = 'pending';
CREATE INDEX jobs_claimed ON jobs(claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX jobs_failed ON jobs(id) WHERE state = 'failed';
CREATE INDEX jobs_failed_url ON jobs(url, updated_at) WHERE state = 'failed';

CREATE TABLE hosts (
    host TEXT PRIMARY KEY,
    owner TEXT,
    lease_until INTEGER,
    free_at INTEGER,
    paused_until INTEGER,
    pause_reason TEXT
) WITHOUT ROWID;
CREATE INDEX hosts_owner ON hosts(owner) WHERE owner IS NOT NULL;
CREATE INDEX hosts_paused ON hosts(paused_until) WHERE paused_until IS NOT NULL;

CREATE TABLE workers (
    token TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// 4: every feed item is an archive record, whatever became of its page.
// - A fetched page that is not an article (paywall, consent wall, error page, not an article) is a
//   revision too, with its record `status` and the `body_source` its body came from: the page (an
//   article, a paywall's teaser), else the feed's content, else its summary, else none. Pages that
//   were fetched before this migration and were not articles got no revision: each gets one now,
//   without a body (their feed content was not kept then).
// - An item whose page was never stored is its entry: `fetch_status` says what its fetch came to
//   (NULL: not tried yet, 'failed', 'gone'), `body`/`body_html`/`body_source` hold the feed's text
//   cleaned by the extractor's rules (parse::extract_fragment), `discovered_by` how it was found.
// - totals gains 'records:<status>': records per status (the current revision's status, or the
//   unlinked entry's), kept by triggers so `status` never counts a table.
constexpr std::string_view migration_4 = R"sql(
ALTER TABLE revisions ADD COLUMN status TEXT NOT NULL DEFAULT 'article';
ALTER TABLE revisions ADD COLUMN body_source TEXT NOT NULL DEFAULT 'page';
ALTER TABLE entries ADD COLUMN body TEXT;
ALTER TABLE entries ADD COLUMN body_html TEXT;
ALTER TABLE entries ADD COLUMN body_source TEXT NOT NULL DEFAULT 'none';
ALTER TABLE entries ADD COLUMN fetch_status TEXT CHECK (fetch_status IN ('failed', 'gone'));
ALTER TABLE entries ADD COLUMN discovered_by TEXT NOT NULL DEFAULT 'feed';

UPDATE entries SET fetch_status = 'failed'
 WHERE article_id IS NULL AND url IN (SELECT url FROM jobs WHERE state = 'failed');
INSERT INTO revisions (article_id, revision, capture_id, fetched_at, title, author, published, categories, body, body_html,
                       content_sha256, status, body_source)
    SELECT a.id, 1, (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id), coalesce(a.last_fetched, a.first_seen),
           e.title, e.author, e.published, coalesce(e.categories, '[]'), '', '',
           'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', a.status, 'none'
      FROM articles a LEFT JOIN entries e ON e.id = (SELECT min(x.id) FROM entries x WHERE x.article_id = a.id)
     WHERE a.revision_count = 0;
UPDATE articles SET revision_count = 1 WHERE revision_count = 0;

INSERT INTO totals (name, value)
    SELECT 'records:' || r.status, count(*) FROM articles a JOIN revisions r ON r.article_id = a.id AND r.revision = a.revision_count
     WHERE true GROUP BY r.status
    ON CONFLICT (name) DO UPDATE SET value = excluded.value;
INSERT INTO totals (name, value)
    SELECT 'records:' || coalesce(fetch_status, 'pending'), count(*) FROM entries WHERE article_id IS NULL GROUP BY 1
    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;

-- A new revision moves its record from the previous revision's status to its own.
CREATE TRIGGER records_revision_insert AFTER INSERT ON revisions BEGIN
    INSERT INTO totals (name, value) VALUES ('records:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER records_revision_replace AFTER INSERT ON revisions WHEN new.revision > 1 BEGIN
    UPDATE totals SET value = value - 1
     WHERE name = 'records:' || (SELECT status FROM revisions WHERE article_id = new.article_id AND revision = new.revision - 1);
END;
CREATE TRIGGER records_article_delete BEFORE DELETE ON articles BEGIN
    UPDATE totals SET value = value - 1
     WHERE name = 'records:' || (SELECT status FROM revisions WHERE article_id = old.id AND revision = old.revision_count);
END;
-- An entry is a record of its own until it is linked to a stored page (that page's record then counts).
CREATE TRIGGER records_entry_insert AFTER INSERT ON entries WHEN new.article_id IS NULL BEGIN
    INSERT INTO totals (name, value) VALUES ('records:' || coalesce(new.fetch_status, 'pending'), 1)
        ON CONFLICT (name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER records_entry_update AFTER UPDATE OF article_id, fetch_status ON entries WHEN old.article_id IS NULL BEGIN
    UPDATE totals SET value = value - 1 WHERE name = 'records:' || coalesce(old.fetch_status, 'pending');
    INSERT INTO totals (name, value) SELECT 'records:' || coalesce(new.fetch_status, 'pending'), 1 WHERE new.article_id IS NULL
        ON CONFLICT (name) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER records_entry_delete AFTER DELETE ON entries WHEN old.article_id IS NULL BEGIN
    UPDATE totals SET value = value - 1 WHERE name = 'records:' || coalesce(old.fetch_status, 'pending');
END;
)sql";

// 5: history backfills (crawl/backfill.hpp). One row per backfill of a feed: the source asked for
// and the one being walked, the options, the cursor (JSON: the source's position — next page, page
// number, sitemaps left — written in the transaction that stores the page's items, so a killed
// backfill resumes after the last page it stored), counts, and a state ('running' also after a kill:
// the next backfill of the feed with the same options resumes it). Items a backfill finds are
// ordinary entries with discovered_by 'backfill:<source>', their pages 'backfill' jobs.
constexpr std::string_view migration_5 = R"sql(
CREATE TABLE backfills (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    requested_source TEXT NOT NULL CHECK (requested_source IN ('auto', 'paged', 'wp-json', 'sitemap', 'archive')),
    source TEXT,
    since INTEGER,
    until INTEGER,
    max_items INTEGER,
    state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed', 'stopped')),
    cursor TEXT NOT NULL DEFAULT '{}',
    pages INTEGER NOT NULL DEFAULT 0,
    found INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX backfills_feed ON backfills(feed_id, state);
CREATE INDEX backfills_running ON backfills(id) WHERE state = 'running';
-- A feed's backfill jobs, for the counts `status` shows (pending and failed pages of a backfill).
CREATE INDEX jobs_feed_kind ON jobs(feed_id, kind, state);
)sql";

// 6: the full-text index is written once per transaction, not once per revision. FTS5 writes
// what it holds in memory out as a new segment at every savepoint, and a statement that writes
// it through a trigger opens one (its statement journal): indexing each revision from its
// trigger made one segment per article for FTS5 to write and merge, a quarter of the writer's
// CPU time (bench_store Store_ArchiveApi_Batches: 3.85 -> 2.87 s per 10,000 articles).
// The triggers now only note which revisions enter the index ('add') and which leave it
// ('remove'); the store applies the notes in one statement each just before it commits
// (index_revisions(), archive_revisions.cpp), so the table is empty outside a write transaction.
// A revision added and replaced within one transaction never enters the index. No command
// deletes an article; should one, the delete trigger takes its entry out at once.
constexpr std::string_view migration_6 = R"sql(
CREATE TABLE fts_changes (
    revision_id INTEGER PRIMARY KEY,
    change TEXT NOT NULL CHECK (change IN ('add', 'remove'))
);
DROP TRIGGER revisions_fts_insert;
CREATE TRIGGER revisions_fts_insert AFTER INSERT ON revisions BEGIN
    -- The previous revision leaves the index: noted as 'remove' when it is indexed, else (added
    -- in this transaction) its 'add' is dropped.
    INSERT INTO fts_changes (revision_id, change)
        SELECT id, 'remove' FROM revisions WHERE article_id = new.article_id AND revision = new.revision - 1
        AND NOT EXISTS (SELECT 1 FROM fts_changes c WHERE c.revision_id = revisions.id);
    DELETE FROM fts_changes WHERE change = 'add'
        AND revision_id = (SELECT id FROM revisions WHERE article_id = new.article_id AND revision = new.revision - 1);
    INSERT INTO fts_changes (revision_id, change) VALUES (new.id, 'add');
END;
DROP TRIGGER articles_fts_delete;
CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN
    -- What the index holds of the article: its current revision unless that is still to be
    -- added, and a replaced one still to be removed.
    INSERT INTO revisions_fts (revisions_fts, rowid, title, body)
        SELECT 'delete', r.id, r.title, r.body FROM revisions r LEFT JOIN fts_changes c ON c.revision_id = r.id
        WHERE r.article_id = old.id AND ((r.revision = old.revision_count AND c.revision_id IS NULL) OR c.change = 'remove');
    DELETE FROM fts_changes WHERE revision_id IN (SELECT id FROM revisions WHERE article_id = old.id);
END;
)sql";

// Append new migrations here; never edit a released one.
constexpr std::array<std::string_view, 6> migrations = { migration_1, migration_2, migration_3, migration_4, migration_5, migration_6 };

// The host of a URL, as core/url.hpp reads it (register_functions).
void url_host_function(sqlite3_context* context, int, sqlite3_value** values)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(values[0]));
    const std::string host = text ? url_host(text) : std::string();
    sqlite3_result_text(context, host.c_str(), static_cast<int>(host.size()), SQLITE_TRANSIENT);
}

} // namespace

int schema_version() { return static_cast<int>(migrations.size()); }

MigrationCheck check_schema(SQLite::Database& db)
{
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    const std::int64_t application = db.execAndGet("PRAGMA application_id").getInt64();
    if (version > schema_version())
        return { MigrationCheck::Verdict::newer, version };
    if (version == 0) {
        // A fresh file has no tables; any other SQLite database is not ours to add tables to.
        const bool empty = db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() == 0;
        return { empty ? MigrationCheck::Verdict::needs_migration : MigrationCheck::Verdict::foreign, version };
    }
    if (application != application_id)
        return { MigrationCheck::Verdict::foreign, version };
    return { version == schema_version() ? MigrationCheck::Verdict::current : MigrationCheck::Verdict::needs_migration, version };
}

void register_functions(SQLite::Database& db)
{
    sqlite3_create_function_v2(db.getHandle(), "feedkeeper_url_host", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, url_host_function, nullptr, nullptr, nullptr);
}

void migrate(SQLite::Database& db)
{
    register_functions(db);
    const int current = db.execAndGet("PRAGMA user_version").getInt();
    for (int version = current; version < schema_version(); ++version) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Re-check under the write lock: another process may have migrated meanwhile.
        if (db.execAndGet("PRAGMA user_version").getInt() > version)
            continue;
        db.exec(std::string(migrations[static_cast<std::size_t>(version)]));
        // PRAGMAs take no parameters; both values are integers of ours, not user input.
        db.exec(fmt::format("PRAGMA application_id = {}", application_id));
        db.exec(fmt::format("PRAGMA user_version = {}", version + 1));
        transaction.commit();
    }
}

} // namespace feedkeeper::store

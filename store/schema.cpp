// store/schema.cpp — the archive's schema and its versioned migrations.
// Threading: called once per connection, inside Archive::open(), before the object is shared.
//
// Invariants (the design notes of the archive):
// - Nothing is deleted by the crawler: articles that vanish get `gone_at`, feeds that are gone get
//   health 'retired'. Only `remove` (a user's command) and an explicit retention policy delete.
// - An article is identified by its normalised URL; each change of its cleaned text is a new row
//   in `revisions` (1, 2, …); an unchanged re-fetch only moves `last_seen`.
// - Every fetched response is kept in `captures` (zstd body, SHA-256 of the decoded body).
// - `jobs` is the crash-safe work queue: a job is 'pending' until the transaction that stores its
//   result marks it 'done', so a kill at any moment leaves it to be redone, never half-done.
// - All times are UTC seconds since the epoch.
#include "store/schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

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
    remote_ip TEXT,
    created_at INTEGER NOT NULL
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
    article_id INTEGER
);
CREATE INDEX captures_url ON captures(url);
CREATE INDEX captures_article ON captures(article_id) WHERE article_id IS NOT NULL;

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    normalized_url TEXT NOT NULL UNIQUE,
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
CREATE INDEX articles_content ON articles(content_sha256);
CREATE INDEX articles_host ON articles(host, id);
CREATE INDEX articles_next_check ON articles(next_check) WHERE next_check IS NOT NULL;
CREATE INDEX articles_story ON articles(story_id) WHERE story_id IS NOT NULL;

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
CREATE INDEX revisions_fetched ON revisions(fetched_at);
CREATE INDEX revisions_published ON revisions(published);

-- SimHash split in four 16-bit bands: a near-duplicate (<= 3 bits apart) shares at least one.
CREATE TABLE simhash_bands (
    band INTEGER NOT NULL,
    value INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, value, article_id)
) WITHOUT ROWID;

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_key TEXT NOT NULL,
    guid TEXT,
    url TEXT,
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
CREATE INDEX entries_article ON entries(article_id);
CREATE INDEX entries_url ON entries(url);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'recheck', 'manual')),
    url TEXT NOT NULL,
    entry_id INTEGER REFERENCES entries(id) ON DELETE CASCADE,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX jobs_pending_url ON jobs(kind, url) WHERE state = 'pending';
CREATE INDEX jobs_due ON jobs(state, not_before);

CREATE TABLE site_pages (
    host TEXT NOT NULL,
    page_key TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (host, page_key)
) WITHOUT ROWID;

CREATE TABLE site_blocks (
    host TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    PRIMARY KEY (host, fingerprint)
) WITHOUT ROWID;

CREATE TABLE hosts (
    host TEXT PRIMARY KEY,
    robots_txt TEXT,
    robots_status INTEGER,
    robots_fetched_at INTEGER,
    paused_until INTEGER
) WITHOUT ROWID;

CREATE VIRTUAL TABLE revisions_fts USING fts5(
    title, body, content='revisions', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER revisions_fts_insert AFTER INSERT ON revisions BEGIN
    INSERT INTO revisions_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER revisions_fts_delete AFTER DELETE ON revisions BEGIN
    INSERT INTO revisions_fts(revisions_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
)sql";

// Append new migrations here; never edit a released one.
constexpr std::array<std::string_view, 1> migrations = { migration_1 };

} // namespace

int schema_version() { return static_cast<int>(migrations.size()); }

void migrate(SQLite::Database& db)
{
    const int current = db.execAndGet("PRAGMA user_version").getInt();
    if (current > schema_version())
        throw SQLite::Exception("the archive was written by a newer feedkeeper (schema " + std::to_string(current) + ")");
    for (int version = current; version < schema_version(); ++version) {
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Re-check under the write lock: another process may have migrated meanwhile.
        if (db.execAndGet("PRAGMA user_version").getInt() > version)
            continue;
        db.exec(std::string(migrations[static_cast<std::size_t>(version)]));
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        transaction.commit();
    }
}

} // namespace feedkeeper::store

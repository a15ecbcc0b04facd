// store/records.hpp — the rows the archive hands out and takes in.
// Threading: plain values.
#pragma once

#include "core/article.hpp"
#include "core/feed.hpp"
#include "core/http.hpp"
#include "core/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace feedkeeper::store {

enum class FeedHealth { ok, backing_off, failing, retired };
std::string_view to_string(FeedHealth);
FeedHealth feed_health_from_string(std::string_view);

enum class FeedSource { cli, config, opml };
std::string_view to_string(FeedSource);

struct FeedRecord {
    std::int64_t id = 0;
    std::string url;
    std::string added_url;
    std::string name;
    std::string title;
    std::string site_url;
    FeedSource source = FeedSource::cli;
    std::optional<std::int64_t> interval_seconds; // user's fixed interval; none: adaptive
    HttpHeaders headers;  // extra request headers
    std::string cookies;  // Cookie header value
    std::string etag;
    std::string last_modified;
    FeedHealth health = FeedHealth::ok;
    std::string last_error;
    std::optional<Timestamp> last_error_at;
    std::optional<Timestamp> failing_since;
    std::int64_t consecutive_failures = 0;
    std::optional<Timestamp> last_fetch;
    std::optional<Timestamp> last_success;
    std::optional<Timestamp> last_new_entry;
    std::optional<Timestamp> next_fetch;
    std::optional<std::int64_t> publisher_interval; // ttl / sy:updatePeriod, seconds
    std::optional<Timestamp> cache_until;           // Cache-Control max-age / Expires
    std::optional<std::int64_t> publishing_gap;     // seconds between items, as last measured
    std::string remote_ip;                          // address the feed was last fetched from
    Timestamp created_at {};
    std::int64_t articles = 0; // filled by list queries
};

struct NewFeed {
    std::string url;
    std::string name;
    FeedSource source = FeedSource::cli;
    std::optional<std::int64_t> interval_seconds;
    std::string title;
    std::string site_url;
};

// What one poll of a feed ended with; the scheduler decides health and next_fetch.
struct FeedPollOutcome {
    std::int64_t feed_id = 0;
    Timestamp fetched_at {};
    bool success = false;
    std::string error; // readable, when !success
    std::string new_url; // set when a permanent redirect moved the feed
    std::string etag;          // validators to send next time (the response's, else the old ones)
    std::string last_modified;
    std::string title;
    std::string site_url;
    FeedHealth health = FeedHealth::ok;
    std::optional<Timestamp> next_fetch;
    std::optional<std::int64_t> publisher_interval;
    std::optional<Timestamp> cache_until;
    std::optional<std::int64_t> publishing_gap; // kept when the poll could not measure it (304)
    std::int64_t consecutive_failures = 0;
    std::string remote_ip;
};

// One feed item as stored, with the key the crawler chose for its identity.
struct EntryInput {
    std::string key;
    FeedEntry entry;
    // The link names this entry alone in its document: an unknown key whose link this feed already
    // stored is then the same item under a changed guid (CMSs that regenerate ids), not a new one.
    bool link_is_unique = false;
    // The item's own text (content, else summary), cleaned: the record's body until its page is
    // stored, and after that when the page has none (a consent wall).
    FeedBody body;
};

// Why a page is fetched; decides its place in its host's queue and how failures count.
enum class JobKind {
    article,  // a new feed item's page
    recheck,  // a revision check of an archived article
    manual,   // a URL a user asked for (recrawl --url)
    backfill, // a page of the site's past
};
std::string_view to_string(JobKind);
std::optional<JobKind> job_kind_from_string(std::string_view);

// A pending article fetch from the job queue.
struct Job {
    std::int64_t id = 0;
    JobKind kind = JobKind::article;
    std::string url;
    std::string host; // url's host: the queue's per-host lane
    std::optional<std::int64_t> entry_id;
    std::optional<std::int64_t> feed_id;
    std::int64_t attempts = 0;
    Timestamp not_before {}; // retry or back-off time; the epoch: at once
};

// Work a process takes from the queue: due jobs of hosts no other live process holds. The hosts and
// jobs are leased to the process (`worker`, a core/process token) until `lease_until`, renewed while
// it works; a process that dies loses them at once (a dead process of this machine) or at expiry.
struct WorkClaim {
    std::string worker;
    Timestamp now {};
    Timestamp horizon {};       // jobs due by then
    Timestamp lease_until {};
    std::size_t per_host = 32;  // at most this many jobs of one host (fairness; the rest stay queued)
    std::size_t total = 4096;
    std::optional<std::int64_t> feed_id; // only this feed's jobs
    std::optional<std::string> host;     // only this host's jobs
    std::optional<std::int64_t> job_id;  // only this job
};

// A host's shared state, as the process that holds it sees it when it takes it.
struct HostLease {
    std::string host;
    std::optional<Timestamp> free_at;      // not asked again before (the last holder's spacing)
    std::optional<Timestamp> paused_until; // a Retry-After pause (429/503) that outlives a run
    std::string pause_reason;
};

// What `migrate --to` copied: rows per table, in copy order, and the digests both sides agreed on.
struct MigrationSummary {
    std::vector<std::pair<std::string, std::int64_t>> tables;
    std::vector<std::string> digests;
};

// A process registered to take work (a daemon or a crawl; on PostgreSQL, on any machine).
struct WorkerRecord {
    std::string token;  // core/process.hpp's: boot id, pid, start time
    std::string role;   // "daemon on HOSTNAME", "crawl on HOSTNAME"
    Timestamp started_at {};
    Timestamp heartbeat_at {};
    std::int64_t jobs = 0;  // jobs it has leased now
    std::int64_t hosts = 0; // hosts it owns now
};

// A host held by another live process, for messages and `status`.
struct HostHolder {
    std::string host;
    std::string worker; // its process token
    std::int64_t due_jobs = 0; // jobs of the claim's scope waiting for it
};

struct ClaimedWork {
    std::vector<Job> jobs;
    std::vector<HostLease> hosts;           // the hosts of `jobs`, held by the worker now
    std::vector<std::string> more;          // hosts with more due jobs than `per_host`
    std::vector<HostHolder> held_elsewhere; // hosts with due jobs of the scope that other live processes hold
};

// A host with work waiting past now: paused, or with jobs backing off (for `status`).
struct HostBacklog {
    std::string host;
    std::optional<Timestamp> paused_until;
    std::string pause_reason;
    std::int64_t deferred_jobs = 0;
    std::optional<Timestamp> next_attempt; // the earliest deferred job's time
};

// Feed-side metadata that fills gaps the page itself leaves.
struct EntryHints : ArticleMetadata {
    std::string guid;
};

struct ArticleInput {
    std::string requested_url; // the entry's link
    HttpResponse response;     // capture (decoded body)
    ExtractedPage page;        // extraction result
    std::optional<std::int64_t> capture_id; // re-extraction: the stored capture, not stored again
    std::optional<std::int64_t> job_id;   // marked done in the same transaction
    std::optional<std::int64_t> entry_id; // linked to the article in the same transaction
    // An article's next revision check, set in the same transaction: the first of first_seen + these
    // ages still ahead (none: no further check). Empty on re-extraction: the schedule stays as it is.
    std::vector<std::chrono::seconds> recheck_ages;
};

// A capture ready to insert: everything costly (JSON, SHA-256, zstd) done before the write lock.
struct PreparedCapture {
    std::string kind;
    std::string request_headers;
    std::string response_headers;
    std::string sha256;
    std::size_t body_size = 0; // of the decoded body, which the writer no longer needs
    std::string body_zstd;
};

// An article ready to store (Archive::Articles::prepare): everything costly — compressing the
// capture, hashing and fingerprinting the text, normalising its addresses — done on the caller's
// thread, so that the one writer only writes.
struct PreparedArticle {
    ArticleInput input;
    std::optional<PreparedCapture> capture; // none when re-extracting a stored capture
    std::string fetched_url;
    std::string host;
    std::vector<std::string> keys; // identity, the preferred first
    bool is_article = false;
    std::string sha256;            // of the body, when an article
    std::uint64_t simhash = 0;
    Timestamp fetched_at {};
};

enum class ArticleChange { created, revised, unchanged };

struct ArticleSaveResult {
    std::int64_t article_id = 0;
    std::int64_t revision = 0;
    ArticleChange change = ArticleChange::unchanged;
    std::optional<std::int64_t> duplicate_of; // same cleaned text already archived under this article
};

// An archived article's latest raw capture, for re-extraction.
struct StoredCapture {
    std::int64_t article_id = 0;
    std::string url;
    std::int64_t capture_id = 0;
};

// One raw capture as the WARC export writes it: the exchange, and the body unless the retention
// policy dropped it (its size and SHA-256 stay).
struct CaptureRecord {
    std::int64_t id = 0;
    std::string kind;          // "feed", "article" or "robots"
    HttpResponse response;     // body empty when body_dropped
    std::int64_t body_size = 0;
    std::string body_sha256;   // hex, of the decoded body
    bool body_dropped = false;
};

// One row of the JSONL export (one article revision).
struct RevisionRecord : ArticleMetadata {
    std::int64_t id = 0;
    std::int64_t article_id = 0;
    std::string feed_url;
    std::string url;
    std::string guid;
    Timestamp first_seen {};
    Timestamp fetched_at {};
    std::int64_t revision = 0;
    std::string body;
    std::string content_sha256;
    std::optional<std::int64_t> capture_id;
    RecordStatus status = RecordStatus::article;
    BodySource body_source = BodySource::page;
    std::string discovered_by = "feed";
    // A record of an item whose page was never stored (pending, failed, gone) is its feed entry:
    // no article (article_id 0, id 0), revision 0, fetched_at the epoch.
    bool from_entry() const { return revision == 0; }
};

// An archived article as the archive knows it (for `recrawl --url`, tests, tools).
struct ArticleRecord {
    std::int64_t id = 0;
    std::string url;            // last fetched from
    std::string normalized_url; // preferred identity
    std::string canonical_url;
    std::string status;         // PageStatus of the last fetch
    std::optional<std::int64_t> http_status;
    Timestamp first_seen {};
    Timestamp last_seen {};
    std::optional<Timestamp> gone_at; // a recheck found it 404/410
    std::int64_t revisions = 0;
    std::int64_t story_id = 0;  // the article whose story this is (itself when original)
    std::string content_sha256;
};

enum class PruneMode { apply, dry_run };

struct PruneSummary {
    std::int64_t captures = 0; // bodies dropped (or that would be, in a dry run)
    std::int64_t bytes = 0;    // compressed bytes they held
};

struct SearchHit {
    std::int64_t article_id = 0;
    std::int64_t revision = 0;
    std::string url;
    std::string title;
    std::string snippet;
    std::optional<Timestamp> published;
    double rank = 0;
};

struct ArchiveStats {
    std::int64_t feeds = 0;
    std::int64_t articles = 0;
    std::int64_t revisions = 0;
    std::int64_t captures = 0;
    std::int64_t pending_jobs = 0;
    std::int64_t failed_jobs = 0;
    std::int64_t database_bytes = 0;
    std::vector<std::pair<RecordStatus, std::int64_t>> records; // per status, none left out (zeros too)
};

} // namespace feedkeeper::store

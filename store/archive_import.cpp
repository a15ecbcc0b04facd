// store/archive_import.cpp — records of a JSONL export stored back: the feed (by its URL), the
// article (by any of its normalised addresses, as articles().save finds it), the revision with the
// record's own times, and the feed entry that links them (so exports name the feed and guid
// again). Idempotent: a revision the archive holds already is skipped.
// Threading: as Archive. One IMMEDIATE transaction per batch, one savepoint per record: a record
// that fails is undone alone; a failing archive (full disk) fails the batch.
#include "store/archive_impl.hpp"

#include "core/url.hpp"
#include "store/import.hpp"
#include "store/simhash.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

struct ImportedArticle {
    std::int64_t id = 0;
    std::int64_t revisions = 0;
    std::string content_sha256;
};

// The record's addresses, the preferred first: its canonical URL when it is on the same site
// with a path of its own (as identity_keys in archive_revisions.cpp), then the URL.
std::vector<std::string> record_keys(const ImportRecord& record)
{
    std::vector<std::string> keys;
    if (record.status == "article" && is_http_url(record.canonical_url) && same_site(record.canonical_url, record.url)) {
        std::string canonical = normalize_url(record.canonical_url);
        const auto path_start = canonical.find('/', canonical.find("//") + 2);
        if (path_start != std::string::npos && path_start + 1 < canonical.size())
            keys.push_back(std::move(canonical));
    }
    std::string key = normalize_url(record.url);
    if (keys.empty() || keys.front() != key)
        keys.push_back(std::move(key));
    return keys;
}

std::optional<std::int64_t> import_feed(Archive::Impl& impl, const std::string& url)
{
    if (url.empty())
        return std::nullopt;
    {
        auto find = impl.statement("SELECT id FROM feeds WHERE url = :url");
        find->bind(":url", url);
        if (find->executeStep())
            return find->getColumn(0).getInt64();
    }
    // A restored subscription: polled again like any other (next_fetch unset: due now).
    auto insert = impl.statement("INSERT INTO feeds (url, added_url, source, created_at) VALUES (:url, :url, 'cli', :now)");
    insert->bind(":url", url);
    insert->bind(":now", static_cast<std::int64_t>(seconds(now_utc())));
    insert->exec();
    return impl.db.getLastInsertRowid();
}

ImportedArticle import_article(Archive::Impl& impl, const ImportRecord& record, const std::vector<std::string>& keys)
{
    for (const std::string& key : keys) {
        auto query = impl.statement(
            "SELECT a.id, a.revision_count, a.content_sha256 FROM article_keys k JOIN articles a ON a.id = k.article_id WHERE k.key = :key");
        query->bind(":key", key);
        if (query->executeStep())
            return { query->getColumn(0).getInt64(), query->getColumn(1).getInt64(), column_text(query->getColumn(2)) };
    }
    auto insert = impl.statement(
        "INSERT INTO articles (normalized_url, url, canonical_url, host, status, first_seen, last_seen, last_fetched)"
        " VALUES (:key, :url, :canonical, :host, :status, :first_seen, :fetched, :fetched)");
    insert->bind(":key", keys.front());
    insert->bind(":url", record.url);
    bind_text_or_null(insert, ":canonical", record.canonical_url);
    insert->bind(":host", url_host(record.url));
    insert->bind(":status", record.status);
    insert->bind(":first_seen", static_cast<std::int64_t>(seconds(record.first_seen)));
    insert->bind(":fetched", static_cast<std::int64_t>(seconds(record.fetched_at)));
    insert->exec();
    return { impl.db.getLastInsertRowid(), 0, {} };
}

bool holds_revision(Archive::Impl& impl, const ImportedArticle& article, const ImportRecord& record)
{
    if (article.revisions > 0 && article.content_sha256 == record.content_sha256)
        return true; // the latest text: an unchanged re-fetch, as the crawl counts it
    auto query = impl.statement("SELECT 1 FROM revisions WHERE article_id = :article AND content_sha256 = :sha AND fetched_at = :fetched");
    query->bind(":article", static_cast<std::int64_t>(article.id));
    query->bind(":sha", record.content_sha256);
    query->bind(":fetched", static_cast<std::int64_t>(seconds(record.fetched_at)));
    return query->executeStep();
}

void insert_revision(Archive::Impl& impl, const ImportRecord& record, std::int64_t article_id, std::int64_t revision)
{
    const std::string html = paragraphs_html(record.body);
    auto insert = impl.statement(
        "INSERT INTO revisions (article_id, revision, fetched_at, title, author, published, modified, language,"
        " site_name, canonical_url, categories, lead_image, body, body_html, content_sha256, status, body_source)"
        " VALUES (:article, :revision, :fetched, :title, :author, :published, :modified, :language,"
        " :site_name, :canonical_url, :categories, :lead_image, :body, :html, :sha, :status, :source)");
    insert->bind(":article", static_cast<std::int64_t>(article_id));
    insert->bind(":revision", static_cast<std::int64_t>(revision));
    insert->bind(":fetched", static_cast<std::int64_t>(seconds(record.fetched_at)));
    bind_metadata(insert, record);
    insert->bindNoCopy(":body", record.body);
    insert->bindNoCopy(":html", html);
    insert->bind(":sha", record.content_sha256);
    insert->bind(":status", record.status);
    insert->bind(":source", record.body_source);
    insert->exec();
}

// The feed item that brought the article: exports take the feed URL and guid from it.
void import_entry(Archive::Impl& impl, const ImportRecord& record, std::int64_t feed_id, std::int64_t article_id)
{
    auto insert = impl.statement(
        "INSERT INTO entries (feed_id, entry_key, guid, url, link_key, title, author, published, categories, first_seen, last_seen, article_id)"
        " VALUES (:feed, :key, :guid, :url, :link_key, :title, :author, :published, :categories, :first_seen, :fetched, :article)"
        " ON CONFLICT (feed_id, entry_key) DO UPDATE SET article_id = coalesce(entries.article_id, excluded.article_id), last_seen = max(entries.last_seen, excluded.last_seen)");
    insert->bind(":feed", static_cast<std::int64_t>(feed_id));
    // The keys of parse/feed/entry_identity: a changed form is adopted by the next poll (entries().save).
    insert->bind(":key", record.guid.empty() ? "link:" + record.url : "id:" + record.guid);
    bind_text_or_null(insert, ":guid", record.guid);
    insert->bind(":url", record.url);
    insert->bind(":link_key", normalize_url(record.url));
    bind_text_or_null(insert, ":title", record.title);
    bind_text_or_null(insert, ":author", record.author);
    bind_time(insert, ":published", record.published);
    insert->bind(":categories", strings_to_json(record.categories));
    insert->bind(":first_seen", static_cast<std::int64_t>(seconds(record.first_seen)));
    insert->bind(":fetched", static_cast<std::int64_t>(seconds(record.fetched_at)));
    insert->bind(":article", static_cast<std::int64_t>(article_id));
    insert->exec();
}

// A feed item whose page was never stored (revision 0): the item itself, with its outcome and
// the feed's text; a pending one is queued to be fetched. Linked instead when the archive holds
// its page already. Skipped when the feed holds the item already.
ImportChange write_entry_record(Archive::Impl& impl, const ImportRecord& record, std::int64_t feed_id)
{
    const std::string link_key = normalize_url(record.url);
    auto insert = impl.statement(
        "INSERT INTO entries (feed_id, entry_key, guid, url, link_key, title, author, published, updated, categories, first_seen, last_seen,"
        " article_id, body, body_html, body_source, fetch_status, discovered_by)"
        " VALUES (:feed, :key, :guid, :url, :link_key, :title, :author, :published, :modified, :categories, :first_seen, :first_seen,"
        " (SELECT article_id FROM article_keys WHERE key = :link_key), :body, :html, :source, :fetch_status, :discovered_by)"
        " ON CONFLICT (feed_id, entry_key) DO NOTHING");
    insert->bind(":feed", static_cast<std::int64_t>(feed_id));
    insert->bind(":key", record.guid.empty() ? "link:" + record.url : "id:" + record.guid);
    bind_text_or_null(insert, ":guid", record.guid);
    insert->bind(":url", record.url);
    insert->bind(":link_key", link_key);
    bind_text_or_null(insert, ":title", record.title);
    bind_text_or_null(insert, ":author", record.author);
    bind_time(insert, ":published", record.published);
    bind_time(insert, ":modified", record.modified);
    insert->bind(":categories", strings_to_json(record.categories));
    insert->bind(":first_seen", static_cast<std::int64_t>(seconds(record.first_seen)));
    bind_text_or_null(insert, ":body", record.body);
    const std::string html = paragraphs_html(record.body);
    bind_text_or_null(insert, ":html", html);
    insert->bind(":source", record.body.empty() ? std::string("none") : record.body_source);
    bind_text_or_null(insert, ":fetch_status", record.status == "pending" ? std::string() : record.status);
    insert->bind(":discovered_by", record.discovered_by);
    if (insert->exec() == 0)
        return ImportChange::skipped;
    if (record.status == "pending") {
        auto enqueue = impl.statement(
            "INSERT INTO jobs (kind, url, host, entry_id, feed_id, created_at, updated_at)"
            " SELECT 'article', :url, :host, :entry, :feed, :now, :now WHERE NOT EXISTS (SELECT 1 FROM article_keys WHERE key = :link_key)"
            " ON CONFLICT DO NOTHING");
        enqueue->bind(":url", record.url);
        enqueue->bind(":host", url_host(record.url));
        enqueue->bind(":entry", static_cast<std::int64_t>(impl.db.getLastInsertRowid()));
        enqueue->bind(":feed", static_cast<std::int64_t>(feed_id));
        enqueue->bind(":now", static_cast<std::int64_t>(seconds(now_utc())));
        enqueue->bind(":link_key", link_key);
        enqueue->exec();
    }
    return ImportChange::imported;
}

// Writes one record inside the caller's transaction. Throws db::Error.
ImportChange write_record(Archive::Impl& impl, const ImportRecord& record)
{
    if (record.revision == 0) {
        const std::optional<std::int64_t> feed_id = import_feed(impl, record.feed_url);
        if (!feed_id)
            throw db::Error(db::Error::Kind::constraint, "", fmt::format("line {}: a record without a stored page names no feed", record.line));
        return write_entry_record(impl, record, *feed_id);
    }
    const std::vector<std::string> keys = record_keys(record);
    const std::optional<std::int64_t> feed_id = import_feed(impl, record.feed_url);
    ImportedArticle article = import_article(impl, record, keys);
    for (const std::string& key : keys) {
        auto map = impl.statement("INSERT INTO article_keys (key, article_id) VALUES (:key, :article) ON CONFLICT DO NOTHING");
        map->bind(":key", key);
        map->bind(":article", static_cast<std::int64_t>(article.id));
        map->exec();
        auto link = impl.statement("UPDATE entries SET article_id = :article WHERE link_key = :key AND article_id IS NULL");
        link->bind(":article", static_cast<std::int64_t>(article.id));
        link->bind(":key", key);
        link->exec();
    }
    if (feed_id)
        import_entry(impl, record, *feed_id, article.id);
    if (holds_revision(impl, article, record))
        return ImportChange::skipped;

    const std::int64_t revision = article.revisions + 1;
    insert_revision(impl, record, article.id, revision);
    // The article's current state follows the newest record; times only move outwards.
    auto update = impl.statement(
        "UPDATE articles SET revision_count = :revision, content_sha256 = coalesce(:sha, content_sha256), simhash = :simhash, status = :status,"
        " last_changed = max(coalesce(last_changed, 0), :fetched), last_seen = max(last_seen, :fetched),"
        " last_fetched = max(coalesce(last_fetched, 0), :fetched), first_seen = min(first_seen, :first_seen),"
        " url = CASE WHEN :fetched >= coalesce(last_fetched, 0) THEN :url ELSE url END,"
        " canonical_url = coalesce(:canonical, canonical_url)"
        " WHERE id = :id");
    update->bind(":revision", static_cast<std::int64_t>(revision));
    // Only an article's text identifies a story (a wall's or an empty body would join unrelated records).
    const bool article_text = record.status == "article" && !record.body.empty();
    if (article_text)
        update->bind(":sha", record.content_sha256);
    else
        update->bind_null(":sha");
    update->bind(":simhash", static_cast<std::int64_t>(article_text ? simhash(record.body) : 0));
    update->bind(":status", record.status);
    update->bind(":fetched", static_cast<std::int64_t>(seconds(record.fetched_at)));
    update->bind(":first_seen", static_cast<std::int64_t>(seconds(record.first_seen)));
    update->bind(":url", record.url);
    bind_text_or_null(update, ":canonical", record.canonical_url);
    update->bind(":id", static_cast<std::int64_t>(article.id));
    update->exec();
    return ImportChange::imported;
}

} // namespace

Result<std::vector<Result<ImportChange>>> Archive::import_records(const std::vector<ImportRecord>& records)
{
    std::vector<Result<ImportChange>> results;
    results.reserve(records.size());
    try {
        Archive::Impl& impl = *m_impl;
        db::Transaction transaction(impl.db);
        for (const ImportRecord& record : records) {
            results.push_back(write_in_savepoint(
                impl.db, [&] { return write_record(impl, record); },
                [&] { return fmt::format("line {}: storing the record of {}", record.line, record.url); }));
        }
        index_revisions(impl);
        transaction.commit();
        return results;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("importing {} records", records.size()));
    }
}

Result<ReplayTarget> Archive::Entries::replay_target(const std::string& url)
{
    try {
        ReplayTarget target;
        {
            auto entry = m_impl->statement("SELECT id FROM entries WHERE link_key = :key AND article_id IS NULL ORDER BY id LIMIT 1");
            entry->bind(":key", normalize_url(url));
            if (entry->executeStep())
                target.entry_id = entry->getColumn(0).getInt64();
        }
        auto job = m_impl->statement(
            "SELECT id, entry_id FROM jobs WHERE state = 'pending' AND kind = 'article' AND (url = :url OR entry_id = :entry) ORDER BY id LIMIT 1");
        job->bind(":url", url);
        bind_int_or_null(job, ":entry", target.entry_id);
        if (job->executeStep()) {
            target.job_id = job->getColumn(0).getInt64();
            if (!target.entry_id)
                target.entry_id = column_int(job->getColumn(1));
        }
        return target;
    } catch (const db::Error& exception) {
        return to_error(exception, "looking up the job of " + url);
    }
}

} // namespace feedkeeper::store

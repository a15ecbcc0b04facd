// store/archive_entries.cpp — feed items: stored as a poll finds them (queueing their pages'
// article jobs), and read back as the hints a page's extraction lacks.
// Threading: as Archive. Each write is one short IMMEDIATE transaction (or one statement), so
// SQLITE_BUSY can only arise at its start (where busy_timeout waits), never half-way.
#include "store/archive_impl.hpp"

#include "core/url.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

std::optional<std::int64_t> article_for_key(Archive::Impl& impl, const std::string& key)
{
    auto query = impl.statement("SELECT article_id FROM article_keys WHERE key = :key");
    query->bind(":key", key);
    if (query->executeStep())
        return query->getColumn(0).getInt64();
    return std::nullopt;
}

std::int64_t insert_entry(Archive::Impl& impl, std::int64_t feed_id, const EntryInput& input, const std::string& link_key, std::int64_t seen,
    std::optional<std::int64_t> article_id, std::string_view discovered_by)
{
    const FeedEntry& entry = input.entry;
    auto insert = impl.statement(
        "INSERT INTO entries (feed_id, entry_key, guid, url, link_key, title, author, published, updated, summary, categories,"
        " first_seen, last_seen, article_id, body, body_html, body_source, discovered_by)"
        " VALUES (:feed, :key, :guid, :url, :link_key, :title, :author, :published, :updated, :summary, :categories, :seen, :seen, :article,"
        " :body, :body_html, :body_source, :discovered_by)");
    insert->bind(":feed", feed_id);
    insert->bind(":key", input.key);
    bind_text_or_null(insert, ":guid", entry.id);
    bind_text_or_null(insert, ":url", entry.link);
    bind_text_or_null(insert, ":link_key", link_key);
    bind_text_or_null(insert, ":title", entry.title);
    bind_text_or_null(insert, ":author", entry.author);
    bind_time(insert, ":published", entry.published);
    bind_time(insert, ":updated", entry.updated);
    bind_text_or_null(insert, ":summary", entry.summary.empty() ? entry.content : entry.summary);
    insert->bind(":categories", strings_to_json(entry.categories));
    insert->bind(":seen", seen);
    bind_int_or_null(insert, ":article", article_id);
    bind_text_or_null(insert, ":body", input.body.body);
    bind_text_or_null(insert, ":body_html", input.body.body_html);
    insert->bind(":body_source", std::string(to_string(input.body.body.empty() ? BodySource::none : input.body.source)));
    insert->bind(":discovered_by", std::string(discovered_by));
    insert->exec();
    return impl.db.getLastInsertRowid();
}

namespace {

// A page a backfill queued that a feed now announces is today's news: its one job takes the
// article kind (and priority), so the page is fetched once and not behind the site's past.
// `url` as the feed gives it, and the one the entry was stored with (a backfill's, when the entry
// is the backfill's record of the item) if it differs.
bool promote_backfill_page(Archive::Impl& impl, const std::string& url, std::int64_t entry_id, std::int64_t now)
{
    auto promote = impl.statement("UPDATE jobs SET kind = 'article', updated_at = :now WHERE state = 'pending' AND kind = 'backfill'"
                                  " AND url IN (:url, (SELECT url FROM entries WHERE id = :entry))");
    promote->bind(":now", now);
    promote->bind(":url", url);
    promote->bind(":entry", entry_id);
    return promote->exec() > 0;
}

} // namespace

void enqueue_entry_page(Archive::Impl& impl, JobKind kind, const std::string& url, std::int64_t entry_id, std::int64_t feed_id, std::int64_t now)
{
    if (kind == JobKind::article && promote_backfill_page(impl, url, entry_id, now))
        return;
    auto enqueue = impl.statement(
        "INSERT INTO jobs (kind, url, host, entry_id, feed_id, created_at, updated_at)"
        " VALUES (:kind, :url, :host, :entry, :feed, :now, :now) ON CONFLICT DO NOTHING");
    enqueue->bind(":kind", std::string(to_string(kind)));
    enqueue->bind(":url", url);
    enqueue->bind(":host", url_host(url));
    enqueue->bind(":entry", entry_id);
    enqueue->bind(":feed", feed_id);
    enqueue->bind(":now", now);
    enqueue->exec();
}

Result<std::int64_t> Archive::Entries::save(std::int64_t feed_id, const std::vector<EntryInput>& entries, Timestamp seen_at)
{
    // Normalising URLs is pure work: done before the write lock is taken.
    std::vector<std::string> link_keys;
    std::vector<std::string> hosts;
    std::vector<bool> fetchable;
    link_keys.reserve(entries.size());
    hosts.reserve(entries.size());
    fetchable.reserve(entries.size());
    for (const EntryInput& input : entries) {
        link_keys.push_back(input.entry.link.empty() ? std::string() : normalize_url(input.entry.link));
        hosts.push_back(url_host(input.entry.link));
        fetchable.push_back(is_http_url(input.entry.link));
    }
    const auto seen = static_cast<std::int64_t>(seconds(seen_at));
    try {
        Archive::Impl& impl = *m_impl;
        db::Transaction transaction(impl.db);
        std::int64_t new_entries = 0;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const EntryInput& input = entries[i];
            const FeedEntry& entry = input.entry;
            std::optional<std::int64_t> known_id;
            {
                auto existing = impl.statement("SELECT id FROM entries WHERE feed_id = :feed AND entry_key = :key");
                existing->bind(":feed", static_cast<std::int64_t>(feed_id));
                existing->bind(":key", input.key);
                if (existing->executeStep())
                    known_id = existing->getColumn(0).getInt64();
            }
            if (!known_id && input.link_is_unique && !link_keys[i].empty()) {
                // Same link, new key: the feed changed the item's guid. Adopt the new key so the
                // next poll matches it directly; never fetch the article a second time.
                auto same_link = impl.statement("SELECT id FROM entries WHERE feed_id = :feed AND link_key = :link ORDER BY id DESC LIMIT 1");
                same_link->bind(":feed", static_cast<std::int64_t>(feed_id));
                same_link->bind(":link", link_keys[i]);
                if (same_link->executeStep())
                    known_id = same_link->getColumn(0).getInt64();
                if (known_id) {
                    auto rekey = impl.statement("UPDATE entries SET entry_key = :key WHERE id = :id");
                    rekey->bind(":key", input.key);
                    rekey->bind(":id", static_cast<std::int64_t>(*known_id));
                    rekey->exec();
                }
            }
            if (known_id) {
                auto touch = impl.statement("UPDATE entries SET last_seen = :seen, updated = coalesce(:updated, updated) WHERE id = :id");
                touch->bind(":seen", seen);
                bind_time(touch, ":updated", entry.updated);
                touch->bind(":id", static_cast<std::int64_t>(*known_id));
                touch->exec();
                // An item still in its feed whose article could not be fetched (the job gave up
                // after its attempts: an outage, a robots.txt that was unreachable) is tried again
                // once a day, so a long outage does not lose it for good.
                auto retry = impl.statement(
                    "INSERT INTO jobs (kind, url, host, entry_id, feed_id, created_at, updated_at)"
                    " SELECT 'article', e.url, :host, e.id, e.feed_id, :now, :now FROM entries e"
                    " WHERE e.id = :id AND e.article_id IS NULL AND e.url IS NOT NULL"
                    " AND (SELECT max(j.updated_at) FROM jobs j WHERE j.state = 'failed' AND j.url = e.url) <= :now - 86400"
                    " AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.state = 'pending' AND j.url = e.url)"
                    " ON CONFLICT DO NOTHING");
                retry->bind(":now", seen);
                retry->bind(":host", hosts[i]);
                retry->bind(":id", static_cast<std::int64_t>(*known_id));
                retry->exec();
                promote_backfill_page(impl, entry.link, *known_id, seen);
                continue;
            }
            // A link some other feed (or entry) already brought in is linked, not fetched again.
            const std::string& link_key = link_keys[i];
            const std::optional<std::int64_t> article_id = link_key.empty() ? std::nullopt : article_for_key(impl, link_key);
            const std::int64_t entry_id = insert_entry(impl, feed_id, input, link_key, seen, article_id, "feed");
            ++new_entries;
            if (article_id || !fetchable[i])
                continue;
            // Another feed may have queued the same link: that job will link this entry too
            // (articles().save links every unlinked entry with the article's addresses).
            enqueue_entry_page(impl, JobKind::article, entry.link, entry_id, feed_id, seen);
        }
        if (new_entries > 0) {
            auto touch = impl.statement("UPDATE feeds SET last_new_entry = :seen WHERE id = :feed");
            touch->bind(":seen", seen);
            touch->bind(":feed", static_cast<std::int64_t>(feed_id));
            touch->exec();
        }
        transaction.commit();
        return new_entries;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("storing the entries of feed {}", feed_id));
    }
}

Result<EntryHints> Archive::Entries::hints(std::int64_t entry_id)
{
    try {
        auto query = m_impl->statement(
            "SELECT guid, title, author, published, updated, NULL, NULL, NULL, categories, NULL FROM entries WHERE id = :id");
        query->bind(":id", static_cast<std::int64_t>(entry_id));
        EntryHints hints;
        if (query->executeStep()) {
            hints.guid = column_text(query->getColumn(0));
            read_metadata(query, 1, hints);
        }
        return hints;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading entry {}", entry_id));
    }
}

} // namespace feedkeeper::store

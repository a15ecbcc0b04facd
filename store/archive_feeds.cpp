// store/archive_feeds.cpp — the feed list: add, find, list, remove, due feeds, poll outcomes.
// Threading: as Archive.
#include "store/archive_impl.hpp"

#include "core/text.hpp"


#include <charconv>
#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

constexpr const char* feed_columns =
    "id, url, added_url, name, title, site_url, source, interval_seconds, headers, cookies, etag, last_modified,"
    " health, last_error, last_error_at, failing_since, consecutive_failures, last_fetch, last_success,"
    " last_new_entry, next_fetch, publisher_interval, cache_until, publishing_gap, remote_ip, created_at, article_count";

FeedSource source_from_string(std::string_view text)
{
    if (text == "config")
        return FeedSource::config;
    if (text == "opml")
        return FeedSource::opml;
    return FeedSource::cli;
}

FeedRecord read_feed(db::Statement& row)
{
    FeedRecord feed;
    int i = 0;
    feed.id = row.getColumn(i++).getInt64();
    feed.url = column_text(row.getColumn(i++));
    feed.added_url = column_text(row.getColumn(i++));
    feed.name = column_text(row.getColumn(i++));
    feed.title = column_text(row.getColumn(i++));
    feed.site_url = column_text(row.getColumn(i++));
    feed.source = source_from_string(column_text(row.getColumn(i++)));
    feed.interval_seconds = column_int(row.getColumn(i++));
    feed.headers = headers_from_json(column_text(row.getColumn(i)).empty() ? "[]" : column_text(row.getColumn(i)));
    ++i;
    feed.cookies = column_text(row.getColumn(i++));
    feed.etag = column_text(row.getColumn(i++));
    feed.last_modified = column_text(row.getColumn(i++));
    feed.health = feed_health_from_string(column_text(row.getColumn(i++)));
    feed.last_error = column_text(row.getColumn(i++));
    feed.last_error_at = column_time(row.getColumn(i++));
    feed.failing_since = column_time(row.getColumn(i++));
    feed.consecutive_failures = row.getColumn(i++).getInt64();
    feed.last_fetch = column_time(row.getColumn(i++));
    feed.last_success = column_time(row.getColumn(i++));
    feed.last_new_entry = column_time(row.getColumn(i++));
    feed.next_fetch = column_time(row.getColumn(i++));
    feed.publisher_interval = column_int(row.getColumn(i++));
    feed.cache_until = column_time(row.getColumn(i++));
    feed.publishing_gap = column_int(row.getColumn(i++));
    feed.remote_ip = column_text(row.getColumn(i++));
    feed.created_at = column_time(row.getColumn(i++)).value_or(Timestamp {});
    feed.articles = row.getColumn(i++).getInt64();
    return feed;
}

} // namespace

std::string_view to_string(FeedHealth health)
{
    switch (health) {
    case FeedHealth::ok: return "ok";
    case FeedHealth::backing_off: return "backing_off";
    case FeedHealth::failing: return "failing";
    case FeedHealth::retired: return "retired";
    }
    return "ok";
}

FeedHealth feed_health_from_string(std::string_view text)
{
    if (text == "backing_off")
        return FeedHealth::backing_off;
    if (text == "failing")
        return FeedHealth::failing;
    if (text == "retired")
        return FeedHealth::retired;
    return FeedHealth::ok;
}

std::string_view to_string(FeedSource source)
{
    switch (source) {
    case FeedSource::cli: return "cli";
    case FeedSource::config: return "config";
    case FeedSource::opml: return "opml";
    }
    return "cli";
}

Result<FeedRecord> Archive::Feeds::add(const NewFeed& feed)
{
    try {
        auto insert = m_impl->statement(
            "INSERT INTO feeds (url, added_url, name, title, site_url, source, interval_seconds, created_at)"
            " VALUES (:url, :url, :name, :title, :site_url, :source, :interval, :now)");
        insert->bind(":url", feed.url);
        bind_text_or_null(insert, ":name", feed.name);
        bind_text_or_null(insert, ":title", feed.title);
        bind_text_or_null(insert, ":site_url", feed.site_url);
        insert->bind(":source", std::string(to_string(feed.source)));
        if (feed.interval_seconds)
            insert->bind(":interval", static_cast<std::int64_t>(*feed.interval_seconds));
        else
            insert->bind_null(":interval");
        insert->bind(":now", static_cast<std::int64_t>(seconds(now_utc())));
        insert->exec();
        const std::int64_t id = m_impl->db.getLastInsertRowid();
        auto found = find(std::to_string(id));
        if (!found)
            return found.error();
        return std::move(**found);
    } catch (const db::Error& exception) {
        if (exception.kind() == db::Error::Kind::constraint)
            return Error(Errc::constraint, fmt::format("feed {} is already in the archive", feed.url));
        return to_error(exception, "adding feed " + feed.url);
    }
}

Result<std::optional<FeedRecord>> Archive::Feeds::find(std::string_view selector)
{
    try {
        std::int64_t id = 0;
        const auto [end, error] = std::from_chars(selector.data(), selector.data() + selector.size(), id);
        const bool numeric = error == std::errc() && end == selector.data() + selector.size();
        static const std::string by_id = fmt::format("SELECT {} FROM feeds WHERE id = :key", feed_columns);
        static const std::string by_url = fmt::format("SELECT {} FROM feeds WHERE url = :key OR added_url = :key OR name = :key ORDER BY id LIMIT 1", feed_columns);
        auto query = m_impl->statement(numeric ? by_id.c_str() : by_url.c_str());
        if (numeric)
            query->bind(":key", static_cast<std::int64_t>(id));
        else
            query->bind(":key", std::string(selector));
        std::optional<FeedRecord> feed;
        if (query->executeStep())
            feed = read_feed(*query);
        return feed;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("looking up feed {}", selector));
    }
}

Result<std::vector<FeedRecord>> Archive::Feeds::list()
{
    try {
        // article_count is kept by triggers (schema.cpp): listing costs O(feeds), not O(entries).
        static const std::string sql = fmt::format("SELECT {} FROM feeds ORDER BY id", feed_columns);
        auto query = m_impl->statement(sql.c_str());
        std::vector<FeedRecord> feeds;
        while (query->executeStep())
            feeds.push_back(read_feed(*query));
        return feeds;
    } catch (const db::Error& exception) {
        return to_error(exception, "listing feeds");
    }
}

Result<void> Archive::Feeds::remove(std::int64_t feed_id)
{
    try {
        // Articles stay: they may belong to other feeds, and removing a subscription is not a purge.
        db::Transaction transaction(m_impl->db);
        // Its entries and jobs go with it (ON DELETE CASCADE); articles stay.
        auto remove = m_impl->statement("DELETE FROM feeds WHERE id = :id");
        remove->bind(":id", static_cast<std::int64_t>(feed_id));
        remove->exec();
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("removing feed {}", feed_id));
    }
}

Result<std::vector<FeedRecord>> Archive::Feeds::due(Timestamp now)
{
    try {
        static const std::string sql = fmt::format(
            "SELECT {} FROM feeds WHERE health != 'retired' AND (next_fetch IS NULL OR next_fetch <= :now) ORDER BY next_fetch, id", feed_columns);
        auto query = m_impl->statement(sql.c_str());
        query->bind(":now", static_cast<std::int64_t>(seconds(now)));
        std::vector<FeedRecord> feeds;
        while (query->executeStep())
            feeds.push_back(read_feed(*query));
        return feeds;
    } catch (const db::Error& exception) {
        return to_error(exception, "selecting due feeds");
    }
}

Result<void> Archive::Feeds::record_poll(const FeedPollOutcome& outcome)
{
    try {
        db::Transaction transaction(m_impl->db);
        if (!outcome.new_url.empty()) {
            auto move = m_impl->statement("UPDATE feeds SET url = :url WHERE id = :id AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = :url)");
            move->bind(":url", outcome.new_url);
            move->bind(":id", static_cast<std::int64_t>(outcome.feed_id));
            move->exec();
        }
        auto update = m_impl->statement(
            "UPDATE feeds SET last_fetch = :fetched, health = :health, next_fetch = :next,"
            " consecutive_failures = :failures,"
            " last_success = CASE WHEN :success = 1 THEN :fetched ELSE last_success END,"
            " last_error = CASE WHEN :success = 1 THEN last_error ELSE :error END,"
            " last_error_at = CASE WHEN :success = 1 THEN last_error_at ELSE :fetched END,"
            " failing_since = CASE WHEN :success = 1 THEN NULL ELSE coalesce(failing_since, :fetched) END,"
            " etag = CASE WHEN :success = 1 THEN :etag ELSE etag END,"
            " last_modified = CASE WHEN :success = 1 THEN :modified ELSE last_modified END,"
            " title = coalesce(:title, title), site_url = coalesce(:site_url, site_url),"
            " publisher_interval = coalesce(:publisher_interval, publisher_interval),"
            " cache_until = :cache_until, remote_ip = coalesce(:remote_ip, remote_ip),"
            " publishing_gap = coalesce(:publishing_gap, publishing_gap)"
            " WHERE id = :id");
        update->bind(":fetched", static_cast<std::int64_t>(seconds(outcome.fetched_at)));
        update->bind(":health", std::string(to_string(outcome.health)));
        bind_time(update, ":next", outcome.next_fetch);
        update->bind(":failures", static_cast<std::int64_t>(outcome.consecutive_failures));
        update->bind(":success", outcome.success ? 1 : 0);
        bind_text_or_null(update, ":error", outcome.error);
        bind_text_or_null(update, ":etag", outcome.etag);
        bind_text_or_null(update, ":modified", outcome.last_modified);
        bind_text_or_null(update, ":title", outcome.title);
        bind_text_or_null(update, ":site_url", outcome.site_url);
        if (outcome.publisher_interval)
            update->bind(":publisher_interval", static_cast<std::int64_t>(*outcome.publisher_interval));
        else
            update->bind_null(":publisher_interval");
        bind_time(update, ":cache_until", outcome.cache_until);
        bind_text_or_null(update, ":remote_ip", outcome.remote_ip);
        bind_int_or_null(update, ":publishing_gap", outcome.publishing_gap);
        update->bind(":id", static_cast<std::int64_t>(outcome.feed_id));
        update->exec();
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("recording the poll of feed {}", outcome.feed_id));
    }
}

Result<void> Archive::Feeds::set_options(std::int64_t feed_id, const HttpHeaders& headers, const std::string& cookies, std::optional<std::int64_t> interval_seconds)
{
    try {
        auto update = m_impl->statement("UPDATE feeds SET headers = :headers, cookies = :cookies, interval_seconds = :interval WHERE id = :id");
        update->bind(":headers", headers_to_json(headers));
        bind_text_or_null(update, ":cookies", cookies);
        if (interval_seconds)
            update->bind(":interval", static_cast<std::int64_t>(*interval_seconds));
        else
            update->bind_null(":interval");
        update->bind(":id", static_cast<std::int64_t>(feed_id));
        update->exec();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("setting options of feed {}", feed_id));
    }
}

Result<void> Archive::Feeds::schedule(std::int64_t feed_id, std::optional<Timestamp> next_fetch)
{
    try {
        auto update = m_impl->statement("UPDATE feeds SET next_fetch = :next WHERE id = :id");
        bind_time(update, ":next", next_fetch);
        update->bind(":id", static_cast<std::int64_t>(feed_id));
        update->exec();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("scheduling feed {}", feed_id));
    }
}

} // namespace feedkeeper::store

// store/archive_articles.cpp — raw captures, feed entries, the job queue and article revisions.
// Threading: as Archive. Each write is one short IMMEDIATE transaction, so SQLITE_BUSY can only
// arise at its start (where busy_timeout waits), never half-way.
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

constexpr std::size_t max_capture_bytes = 256 * 1024 * 1024;

} // namespace

Result<std::int64_t> Archive::save_capture(const HttpResponse& response, std::string_view kind)
{
    try {
        auto& insert = m_impl->statement(
            "INSERT INTO captures (kind, url, final_url, status, http_version, request_headers, response_headers, remote_ip,"
            " fetched_at, body_size, body_sha256, body_zstd)"
            " VALUES (:kind, :url, :final_url, :status, :version, :request, :response, :ip, :fetched, :size, :sha, :body)");
        insert.bind(":kind", std::string(kind));
        insert.bind(":url", response.url);
        bind_text_or_null(insert, ":final_url", response.final_url);
        insert.bind(":status", static_cast<std::int64_t>(response.status));
        bind_text_or_null(insert, ":version", response.http_version);
        insert.bind(":request", headers_to_json(response.request_headers));
        insert.bind(":response", headers_to_json(response.headers));
        bind_text_or_null(insert, ":ip", response.remote_ip);
        insert.bind(":fetched", static_cast<std::int64_t>(seconds(response.fetched_at)));
        insert.bind(":size", static_cast<std::int64_t>(response.body.size()));
        insert.bind(":sha", sha256_hex(response.body));
        const std::string compressed = compress(response.body);
        insert.bind(":body", compressed.data(), static_cast<int>(compressed.size()));
        insert.exec();
        insert.reset();
        return m_impl->db.getLastInsertRowid();
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "storing the capture of " + response.url);
    }
}

Result<HttpResponse> Archive::load_capture(std::int64_t capture_id)
{
    try {
        auto& query = m_impl->statement(
            "SELECT url, final_url, status, http_version, request_headers, response_headers, remote_ip, fetched_at, body_zstd"
            " FROM captures WHERE id = :id");
        query.bind(":id", static_cast<std::int64_t>(capture_id));
        if (!query.executeStep()) {
            query.reset();
            return Error(Errc::not_found, fmt::format("no capture {}", capture_id));
        }
        HttpResponse response;
        response.url = column_text(query.getColumn(0));
        response.final_url = column_text(query.getColumn(1));
        response.status = query.getColumn(2).getInt();
        response.http_version = column_text(query.getColumn(3));
        response.request_headers = headers_from_json(column_text(query.getColumn(4)));
        response.headers = headers_from_json(column_text(query.getColumn(5)));
        response.remote_ip = column_text(query.getColumn(6));
        response.fetched_at = column_time(query.getColumn(7)).value_or(Timestamp {});
        const SQLite::Column blob = query.getColumn(8);
        auto body = decompress(std::string_view(static_cast<const char*>(blob.getBlob()), static_cast<std::size_t>(blob.getBytes())), max_capture_bytes);
        query.reset();
        if (!body)
            return Error(body.error().code, fmt::format("capture {}: {}", capture_id, body.error().message));
        response.body = std::move(*body);
        return response;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("loading capture {}", capture_id));
    }
}

Result<std::int64_t> Archive::save_entries(std::int64_t feed_id, const std::vector<EntryInput>& entries, Timestamp seen_at)
{
    try {
        SQLite::Transaction transaction(m_impl->db, SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t new_entries = 0;
        for (const EntryInput& input : entries) {
            const FeedEntry& entry = input.entry;
            auto& existing = m_impl->statement("SELECT id FROM entries WHERE feed_id = :feed AND entry_key = :key");
            existing.bind(":feed", static_cast<std::int64_t>(feed_id));
            existing.bind(":key", input.key);
            const bool known = existing.executeStep();
            const std::int64_t known_id = known ? existing.getColumn(0).getInt64() : 0;
            existing.reset();
            if (known) {
                auto& touch = m_impl->statement("UPDATE entries SET last_seen = :seen, updated = coalesce(:updated, updated) WHERE id = :id");
                touch.bind(":seen", static_cast<std::int64_t>(seconds(seen_at)));
                bind_time(touch, ":updated", entry.updated);
                touch.bind(":id", static_cast<std::int64_t>(known_id));
                touch.exec();
                touch.reset();
                continue;
            }
            // A link some other feed (or entry) already brought in is linked, not fetched again.
            std::optional<std::int64_t> article_id;
            if (!entry.link.empty()) {
                auto& article = m_impl->statement("SELECT id FROM articles WHERE normalized_url = :url");
                article.bind(":url", normalize_url(entry.link));
                if (article.executeStep())
                    article_id = article.getColumn(0).getInt64();
                article.reset();
            }
            auto& insert = m_impl->statement(
                "INSERT INTO entries (feed_id, entry_key, guid, url, title, author, published, updated, summary, categories,"
                " first_seen, last_seen, article_id)"
                " VALUES (:feed, :key, :guid, :url, :title, :author, :published, :updated, :summary, :categories, :seen, :seen, :article)");
            insert.bind(":feed", static_cast<std::int64_t>(feed_id));
            insert.bind(":key", input.key);
            bind_text_or_null(insert, ":guid", entry.id);
            bind_text_or_null(insert, ":url", entry.link);
            bind_text_or_null(insert, ":title", entry.title);
            bind_text_or_null(insert, ":author", entry.author);
            bind_time(insert, ":published", entry.published);
            bind_time(insert, ":updated", entry.updated);
            bind_text_or_null(insert, ":summary", entry.summary.empty() ? entry.content : entry.summary);
            insert.bind(":categories", strings_to_json(entry.categories));
            insert.bind(":seen", static_cast<std::int64_t>(seconds(seen_at)));
            if (article_id)
                insert.bind(":article", static_cast<std::int64_t>(*article_id));
            else
                insert.bind(":article");
            insert.exec();
            insert.reset();
            const std::int64_t entry_id = m_impl->db.getLastInsertRowid();
            ++new_entries;
            if (article_id || !is_http_url(entry.link))
                continue;
            auto& enqueue = m_impl->statement(
                "INSERT OR IGNORE INTO jobs (kind, url, entry_id, feed_id, created_at, updated_at)"
                " VALUES ('article', :url, :entry, :feed, :now, :now)");
            enqueue.bind(":url", entry.link);
            enqueue.bind(":entry", static_cast<std::int64_t>(entry_id));
            enqueue.bind(":feed", static_cast<std::int64_t>(feed_id));
            enqueue.bind(":now", static_cast<std::int64_t>(seconds(seen_at)));
            enqueue.exec();
            enqueue.reset();
        }
        if (new_entries > 0) {
            auto& touch = m_impl->statement("UPDATE feeds SET last_new_entry = :seen WHERE id = :feed");
            touch.bind(":seen", static_cast<std::int64_t>(seconds(seen_at)));
            touch.bind(":feed", static_cast<std::int64_t>(feed_id));
            touch.exec();
            touch.reset();
        }
        transaction.commit();
        return new_entries;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("storing the entries of feed {}", feed_id));
    }
}

Result<std::vector<Job>> Archive::due_jobs(Timestamp now, std::size_t limit, std::optional<std::int64_t> feed_id)
{
    try {
        auto& query = m_impl->statement(
            "SELECT id, kind, url, entry_id, feed_id, attempts FROM jobs"
            " WHERE state = 'pending' AND not_before <= :now AND (:feed IS NULL OR feed_id = :feed) ORDER BY id LIMIT :limit");
        query.bind(":now", static_cast<std::int64_t>(seconds(now)));
        if (feed_id)
            query.bind(":feed", static_cast<std::int64_t>(*feed_id));
        else
            query.bind(":feed");
        query.bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<Job> jobs;
        while (query.executeStep()) {
            Job job;
            job.id = query.getColumn(0).getInt64();
            job.kind = column_text(query.getColumn(1));
            job.url = column_text(query.getColumn(2));
            job.entry_id = column_int(query.getColumn(3));
            job.feed_id = column_int(query.getColumn(4));
            job.attempts = query.getColumn(5).getInt64();
            jobs.push_back(std::move(job));
        }
        query.reset();
        return jobs;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "reading the job queue");
    }
}

Result<std::int64_t> Archive::enqueue_job(std::string_view kind, const std::string& url, std::optional<std::int64_t> feed_id)
{
    try {
        const auto now = static_cast<std::int64_t>(seconds(now_utc()));
        auto& insert = m_impl->statement(
            "INSERT OR IGNORE INTO jobs (kind, url, feed_id, created_at, updated_at) VALUES (:kind, :url, :feed, :now, :now)");
        insert.bind(":kind", std::string(kind));
        insert.bind(":url", url);
        if (feed_id)
            insert.bind(":feed", static_cast<std::int64_t>(*feed_id));
        else
            insert.bind(":feed");
        insert.bind(":now", now);
        const int inserted = insert.exec();
        insert.reset();
        auto& find = m_impl->statement("SELECT id FROM jobs WHERE kind = :kind AND url = :url AND state = 'pending'");
        find.bind(":kind", std::string(kind));
        find.bind(":url", url);
        std::int64_t id = 0;
        if (find.executeStep())
            id = find.getColumn(0).getInt64();
        find.reset();
        (void)inserted;
        return id;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "queueing " + url);
    }
}

Result<void> Archive::defer_job(std::int64_t job_id, const std::string& error, Timestamp retry_at)
{
    try {
        auto& update = m_impl->statement(
            "UPDATE jobs SET attempts = attempts + 1, not_before = :retry, last_error = :error, updated_at = :now WHERE id = :id");
        update.bind(":retry", static_cast<std::int64_t>(seconds(retry_at)));
        update.bind(":error", error);
        update.bind(":now", static_cast<std::int64_t>(seconds(now_utc())));
        update.bind(":id", static_cast<std::int64_t>(job_id));
        update.exec();
        update.reset();
        return {};
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("deferring job {}", job_id));
    }
}

Result<void> Archive::fail_job(std::int64_t job_id, const std::string& error)
{
    try {
        auto& update = m_impl->statement(
            "UPDATE jobs SET state = 'failed', attempts = attempts + 1, last_error = :error, updated_at = :now WHERE id = :id");
        update.bind(":error", error);
        update.bind(":now", static_cast<std::int64_t>(seconds(now_utc())));
        update.bind(":id", static_cast<std::int64_t>(job_id));
        update.exec();
        update.reset();
        return {};
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("failing job {}", job_id));
    }
}

Result<EntryHints> Archive::entry_hints(std::int64_t entry_id)
{
    try {
        auto& query = m_impl->statement("SELECT title, author, published, categories, guid FROM entries WHERE id = :id");
        query.bind(":id", static_cast<std::int64_t>(entry_id));
        EntryHints hints;
        if (query.executeStep()) {
            hints.title = column_text(query.getColumn(0));
            hints.author = column_text(query.getColumn(1));
            hints.published = column_time(query.getColumn(2));
            hints.categories = strings_from_json(column_text(query.getColumn(3)));
            hints.guid = column_text(query.getColumn(4));
        }
        query.reset();
        return hints;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, fmt::format("reading entry {}", entry_id));
    }
}

} // namespace feedkeeper::store

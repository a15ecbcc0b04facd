// store/archive_schedule.cpp — what the daemon's scheduler asks the archive: when is the next
// thing due, and which articles are due for a recheck. Index-backed; nothing scans the archive.
// Threading: as Archive.
#include "store/archive_impl.hpp"

#include "core/url.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

Result<std::size_t> Archive::Jobs::enqueue_due_rechecks(Timestamp now, std::size_t limit)
{
    try {
        db::Transaction transaction(m_impl->db);
        auto due = m_impl->statement(
            "SELECT a.id, a.url, (SELECT e.feed_id FROM entries e WHERE e.article_id = a.id ORDER BY e.id LIMIT 1) FROM articles a"
            " WHERE a.next_check IS NOT NULL AND a.next_check <= :now AND a.gone_at IS NULL ORDER BY a.next_check LIMIT :limit");
        due->bind(":now", static_cast<std::int64_t>(seconds(now)));
        due->bind(":limit", static_cast<std::int64_t>(limit));
        struct Due {
            std::int64_t id;
            std::string url;
            std::optional<std::int64_t> feed_id; // the feed that brought it: its cookies, its address policy
        };
        std::vector<Due> articles;
        while (due->executeStep())
            articles.push_back({ due->getColumn(0).getInt64(), column_text(due->getColumn(1)), column_int(due->getColumn(2)) });
        for (const auto& [id, url, feed_id] : articles) {
            auto enqueue = m_impl->statement(
                "INSERT INTO jobs (kind, url, host, feed_id, created_at, updated_at) VALUES ('recheck', :url, :host, :feed, :now, :now) ON CONFLICT DO NOTHING");
            enqueue->bind(":url", url);
            enqueue->bind(":host", url_host(url));
            if (feed_id)
                enqueue->bind(":feed", static_cast<std::int64_t>(*feed_id));
            else
                enqueue->bind_null(":feed");
            enqueue->bind(":now", static_cast<std::int64_t>(seconds(now)));
            enqueue->exec();
            // Rescheduled by the recheck itself (articles().save), so it is queued once.
            auto clear = m_impl->statement("UPDATE articles SET next_check = NULL WHERE id = :id");
            clear->bind(":id", static_cast<std::int64_t>(id));
            clear->exec();
        }
        transaction.commit();
        return articles.size();
    } catch (const db::Error& exception) {
        return to_error(exception, "queueing due rechecks");
    }
}

Result<std::optional<Timestamp>> Archive::Jobs::next_due_time()
{
    try {
        // Each min() is answered from an index (feeds_next_fetch, jobs_pending_due, articles_next_check).
        // Jobs leased to a process are that process's to schedule: only free ones count here.
        auto query = m_impl->statement(
            "SELECT (SELECT CASE WHEN EXISTS (SELECT 1 FROM feeds WHERE health != 'retired' AND next_fetch IS NULL) THEN 0"
            "        ELSE (SELECT min(next_fetch) FROM feeds WHERE health != 'retired') END),"
            " (SELECT min(not_before) FROM jobs WHERE state = 'pending' AND claimed_by IS NULL),"
            " (SELECT min(next_check) FROM articles WHERE next_check IS NOT NULL AND gone_at IS NULL)");
        std::optional<Timestamp> earliest;
        if (query->executeStep()) {
            for (int column = 0; column < 3; ++column) {
                auto time = column_time(query->getColumn(column));
                if (time && (!earliest || *time < *earliest))
                    earliest = time;
            }
        }
        return earliest;
    } catch (const db::Error& exception) {
        return to_error(exception, "finding the next due time");
    }
}

} // namespace feedkeeper::store

// store/archive_backfills.cpp — backfill rows and the page-and-cursor transaction (see
// backfills.hpp and schema.cpp, migration 5). Invariant: an item is stored, its page queued and the
// cursor moved past it in one IMMEDIATE transaction, so no kill can lose an item or store it twice.
// Threading: as Archive.
#include "store/archive_impl.hpp"

#include "core/url.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

namespace {

constexpr const char* select_columns =
    "SELECT b.id, b.feed_id, f.url, b.requested_source, coalesce(b.source, ''), b.since, b.until, b.max_items, b.state, b.cursor,"
    " b.pages, b.found, b.queued, coalesce(b.message, ''), b.started_at, b.updated_at, b.finished_at,"
    " (SELECT count(*) FROM jobs j WHERE j.feed_id = b.feed_id AND j.kind = 'backfill' AND j.state = 'pending'),"
    " (SELECT count(*) FROM jobs j WHERE j.feed_id = b.feed_id AND j.kind = 'backfill' AND j.state = 'failed' AND j.created_at >= b.started_at)"
    " FROM backfills b JOIN feeds f ON f.id = b.feed_id";

BackfillState state_from_string(std::string_view text)
{
    for (BackfillState state : { BackfillState::running, BackfillState::done, BackfillState::failed, BackfillState::stopped })
        if (to_string(state) == text)
            return state;
    return BackfillState::failed;
}

BackfillRecord read_record(db::Statement& query)
{
    BackfillRecord record;
    record.id = query.getColumn(0).getInt64();
    record.feed_id = query.getColumn(1).getInt64();
    record.feed_url = column_text(query.getColumn(2));
    record.requested_source = column_text(query.getColumn(3));
    record.source = column_text(query.getColumn(4));
    record.since = column_time(query.getColumn(5));
    record.until = column_time(query.getColumn(6));
    record.max_items = column_int(query.getColumn(7));
    record.state = state_from_string(column_text(query.getColumn(8)));
    record.cursor = column_text(query.getColumn(9));
    record.pages = query.getColumn(10).getInt64();
    record.found = query.getColumn(11).getInt64();
    record.queued = query.getColumn(12).getInt64();
    record.message = column_text(query.getColumn(13));
    record.started_at = column_time(query.getColumn(14)).value_or(Timestamp {});
    record.updated_at = column_time(query.getColumn(15)).value_or(Timestamp {});
    record.finished_at = column_time(query.getColumn(16));
    record.pending = query.getColumn(17).getInt64();
    record.failed = query.getColumn(18).getInt64();
    return record;
}

bool same_time(const std::optional<Timestamp>& a, const std::optional<Timestamp>& b)
{
    return a.has_value() == b.has_value() && (!a || seconds(*a) == seconds(*b));
}

} // namespace

std::string_view to_string(BackfillState state)
{
    switch (state) {
    case BackfillState::running: return "running";
    case BackfillState::done: return "done";
    case BackfillState::failed: return "failed";
    case BackfillState::stopped: return "stopped";
    }
    return "failed";
}

Result<BackfillRecord> Archive::Backfills::start_or_resume(const BackfillRequest& request, Timestamp now)
{
    try {
        db::Connection& db = m_impl->db;
        db::Transaction transaction(db);
        std::optional<std::int64_t> resume;
        {
            auto open = db.prepare(std::string(select_columns) + " WHERE b.feed_id = :feed AND b.state IN ('running', 'stopped') ORDER BY b.id DESC");
            open->bind(":feed", request.feed_id);
            std::vector<std::int64_t> superseded;
            while (open->executeStep()) {
                const BackfillRecord record = read_record(*open);
                if (!resume && record.requested_source == request.source && same_time(record.since, request.since)
                    && same_time(record.until, request.until) && record.max_items == request.max_items)
                    resume = record.id;
                else
                    superseded.push_back(record.id);
            }
            open->reset();
            for (std::int64_t id : superseded) {
                auto stop = db.prepare("UPDATE backfills SET state = 'stopped', message = 'superseded by a backfill with other options',"
                                       " finished_at = :now, updated_at = :now WHERE id = :id");
                stop->bind(":now", seconds(now));
                stop->bind(":id", id);
                stop->exec();
            }
        }
        if (resume) {
            auto wake = db.prepare("UPDATE backfills SET state = 'running', updated_at = :now, finished_at = NULL WHERE id = :id");
            wake->bind(":now", seconds(now));
            wake->bind(":id", *resume);
            wake->exec();
        } else {
            auto insert = db.prepare("INSERT INTO backfills (feed_id, requested_source, since, until, max_items, started_at, updated_at)"
                                     " VALUES (:feed, :source, :since, :until, :max, :now, :now)");
            insert->bind(":feed", request.feed_id);
            insert->bind(":source", request.source);
            bind_time(*insert, ":since", request.since);
            bind_time(*insert, ":until", request.until);
            bind_int_or_null(*insert, ":max", request.max_items);
            insert->bind(":now", seconds(now));
            insert->exec();
            resume = db.getLastInsertRowid();
        }
        transaction.commit();
        auto record = find(*resume);
        if (!record)
            return record.error();
        if (!*record)
            return Error(Errc::not_found, fmt::format("backfill {} vanished", *resume));
        return std::move(**record);
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("starting a backfill of feed {}", request.feed_id));
    }
}

Result<BackfillPageResult> Archive::Backfills::save_page(const BackfillRecord& backfill, const std::vector<EntryInput>& entries,
    const std::string& discovered_by, std::int64_t found, const std::string& source, const std::string& cursor, Timestamp now, std::int64_t max_new)
{
    // Pure work before the write lock.
    std::vector<std::string> link_keys;
    for (const EntryInput& input : entries)
        link_keys.push_back(input.entry.link.empty() ? std::string() : normalize_url(input.entry.link));
    const std::int64_t seen = seconds(now);
    try {
        Archive::Impl& impl = *m_impl;
        db::Connection& db = impl.db;
        db::Transaction transaction(db);
        BackfillPageResult result;
        for (std::size_t i = 0; i < entries.size() && result.new_items < max_new; ++i) {
            const EntryInput& input = entries[i];
            const FeedEntry& entry = input.entry;
            {
                auto known = impl.statement("SELECT 1 FROM entries WHERE feed_id = :feed AND entry_key = :key"
                                            " UNION ALL SELECT 1 FROM entries WHERE feed_id = :feed AND link_key = :link AND :link != '' LIMIT 1");
                known->bind(":feed", backfill.feed_id);
                known->bind(":key", input.key);
                known->bind(":link", link_keys[i]);
                if (known->executeStep()) {
                    ++result.known;
                    continue;
                }
            }
            const std::optional<std::int64_t> article_id = link_keys[i].empty() ? std::nullopt : article_for_key(impl, link_keys[i]);
            const std::int64_t entry_id = insert_entry(impl, backfill.feed_id, input, link_keys[i], seen, article_id, discovered_by);
            ++result.new_items;
            if (article_id || !is_http_url(entry.link))
                continue;
            // A page already queued (a feed poll found it meanwhile) links this entry when stored.
            auto queued = impl.statement("SELECT 1 FROM jobs WHERE url = :url AND state = 'pending' LIMIT 1");
            queued->bind(":url", entry.link);
            if (!queued->executeStep())
                enqueue_entry_page(impl, JobKind::backfill, entry.link, entry_id, backfill.feed_id, seen);
        }
        auto advance = db.prepare("UPDATE backfills SET source = :source, cursor = :cursor, pages = pages + 1, found = found + :found,"
                                  " queued = queued + :new, updated_at = :now WHERE id = :id");
        advance->bind(":source", source);
        advance->bind(":cursor", cursor);
        advance->bind(":found", found);
        advance->bind(":new", result.new_items);
        advance->bind(":now", seen);
        advance->bind(":id", backfill.id);
        advance->exec();
        transaction.commit();
        return result;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("storing a page of backfill {} (feed {})", backfill.id, backfill.feed_id));
    }
}

Result<void> Archive::Backfills::set_cursor(std::int64_t backfill_id, const std::string& source, const std::string& cursor, const std::string& message, Timestamp now)
{
    try {
        auto update = m_impl->db.prepare("UPDATE backfills SET source = :source, cursor = :cursor, message = :message, updated_at = :now WHERE id = :id");
        update->bind(":source", source);
        update->bind(":cursor", cursor);
        update->bind(":message", message);
        update->bind(":now", seconds(now));
        update->bind(":id", backfill_id);
        update->exec();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("moving the cursor of backfill {}", backfill_id));
    }
}

Result<void> Archive::Backfills::finish(std::int64_t backfill_id, BackfillState state, const std::string& message, Timestamp now)
{
    try {
        auto update = m_impl->db.prepare(
            "UPDATE backfills SET state = :state, message = :message, updated_at = :now,"
            " finished_at = CASE WHEN :state = 'running' THEN NULL ELSE :now END WHERE id = :id");
        update->bind(":state", std::string(to_string(state)));
        update->bind(":message", message);
        update->bind(":now", seconds(now));
        update->bind(":id", backfill_id);
        update->exec();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("ending backfill {}", backfill_id));
    }
}

Result<std::vector<BackfillRecord>> Archive::Backfills::list(std::size_t limit, std::optional<std::int64_t> feed_id)
{
    try {
        auto query = m_impl->db.prepare(std::string(select_columns) +
            " WHERE (CAST(:feed AS BIGINT) IS NULL OR b.feed_id = :feed) ORDER BY b.state = 'running' DESC, b.id DESC LIMIT :limit");
        bind_int_or_null(*query, ":feed", feed_id);
        query->bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<BackfillRecord> records;
        while (query->executeStep())
            records.push_back(read_record(*query));
        return records;
    } catch (const db::Error& exception) {
        return to_error(exception, "listing backfills");
    }
}

Result<std::optional<BackfillRecord>> Archive::Backfills::find(std::int64_t backfill_id)
{
    try {
        auto query = m_impl->db.prepare(std::string(select_columns) + " WHERE b.id = :id");
        query->bind(":id", backfill_id);
        if (!query->executeStep())
            return std::optional<BackfillRecord> {};
        return std::optional<BackfillRecord>(read_record(*query));
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("reading backfill {}", backfill_id));
    }
}

} // namespace feedkeeper::store

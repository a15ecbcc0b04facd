// store/archive_prune.cpp — the optional retention policy: dropping old raw capture bodies.
// Nothing calls this unless the user asked (`feedkeeper prune`, or `[store] keep_captures`).
// Threading: as Archive. Short transactions of `batch` captures, so a crawl writing at the same
// time waits at most one batch, and a kill keeps every batch already committed.
#include "store/archive_impl.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

// Captures fetched before the cutoff whose body is still there, in id order after `after`,
// except the ones reextract and export rely on: each article's latest capture, and the capture
// any article's current revision was extracted from.
constexpr const char* candidates_sql =
    "SELECT c.id, length(c.body_zstd) FROM captures c"
    " WHERE c.id > :after AND c.body_dropped_at IS NULL AND c.fetched_at < :cutoff"
    " AND (c.article_id IS NULL OR c.id != (SELECT max(x.id) FROM captures x WHERE x.article_id = c.article_id))"
    " AND NOT EXISTS (SELECT 1 FROM revisions r JOIN articles a ON a.id = r.article_id"
    "                 WHERE r.capture_id = c.id AND r.revision = a.revision_count)"
    " ORDER BY c.id LIMIT :batch";

} // namespace

Result<PruneSummary> Archive::Maintenance::prune_captures(Timestamp cutoff, PruneMode mode, std::size_t batch)
{
    PruneSummary summary;
    std::int64_t after = 0;
    const auto now = static_cast<std::int64_t>(seconds(now_utc()));
    try {
        for (;;) {
            std::vector<std::int64_t> ids;
            db::Transaction transaction(m_impl->db);
            {
                auto select = m_impl->statement(candidates_sql);
                select->bind(":after", static_cast<std::int64_t>(after));
                select->bind(":cutoff", static_cast<std::int64_t>(seconds(cutoff)));
                select->bind(":batch", static_cast<std::int64_t>(batch));
                while (select->executeStep()) {
                    ids.push_back(select->getColumn(0).getInt64());
                    summary.bytes += select->getColumn(1).getInt64();
                }
            }
            if (ids.empty())
                break;
            after = ids.back();
            summary.captures += static_cast<std::int64_t>(ids.size());
            if (mode == PruneMode::dry_run)
                continue; // the transaction rolls back: nothing was written
            for (std::int64_t id : ids) {
                auto drop = m_impl->statement("UPDATE captures SET body_zstd = :empty, body_dropped_at = :now WHERE id = :id");
                drop->bind_blob(":empty", std::string_view());
                drop->bind(":now", now);
                drop->bind(":id", static_cast<std::int64_t>(id));
                drop->exec();
            }
            transaction.commit();
        }
        // SQLite: free pages back to the file system (auto_vacuum = INCREMENTAL).
        if (mode == PruneMode::apply && summary.captures > 0 && m_impl->db.backend() == db::Backend::sqlite)
            m_impl->db.exec("PRAGMA incremental_vacuum");
        return summary;
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("dropping capture bodies fetched before {}", format_rfc3339(cutoff)));
    }
}

} // namespace feedkeeper::store

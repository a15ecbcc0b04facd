// store/archive_migrate.cpp — `feedkeeper migrate --to postgresql://...` (issue 17): an archive
// copied whole into an empty PostgreSQL one, in one transaction there (a failure leaves the target
// as empty as it was), from one read snapshot of the source (a crawl may go on writing it). Then
// checked: every table's row count, the kept counts (which the target's triggers rebuilt from the
// copied rows, so they agree only if the rows do) and digests over the revisions' and captures'
// contents. Threading: as Archive (two archives, each on the calling thread).
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::store {
namespace {

// In the order their foreign keys need. The source's `workers` are its own processes and are not
// copied; `totals` and feeds.article_count are the target's triggers' to keep; the full-text index
// is the target's own (revisions.search, filled by its trigger).
constexpr const char* copied_tables[] = { "feeds", "articles", "captures", "article_keys", "revisions", "simhash_bands", "entries", "jobs",
    "hosts", "site_pages", "site_hosts", "site_blocks", "backfills" };

struct TargetColumn {
    std::string name;
    std::string type; // PostgreSQL's data_type: bigint, text, bytea, double precision
};

std::vector<TargetColumn> target_columns(Archive::Impl& target, const std::string& table)
{
    auto query = target.db.prepare(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = :table"
        " ORDER BY ordinal_position");
    query->bind(":table", table);
    std::vector<TargetColumn> columns;
    while (query->executeStep()) {
        TargetColumn column { column_text(query->getColumn(0)), column_text(query->getColumn(1)) };
        if (column.type != "tsvector") // revisions.search: the target's trigger computes it
            columns.push_back(std::move(column));
    }
    return columns;
}

// What the source's row holds that the target must not take over: leases of the source's
// processes, and the counts the target's triggers keep.
bool reset_on_copy(const std::string& table, const std::string& column)
{
    return (table == "jobs" && (column == "claimed_by" || column == "lease_until")) || (table == "hosts" && (column == "owner" || column == "lease_until"))
        || (table == "feeds" && column == "article_count");
}

std::int64_t copy_table(Archive::Impl& source, Archive::Impl& target, const std::string& table)
{
    const std::vector<TargetColumn> columns = target_columns(target, table);
    if (columns.empty())
        throw db::Error(db::Error::Kind::other, "", fmt::format("the PostgreSQL archive has no table {}", table));
    std::string select = "SELECT ";
    std::string insert = fmt::format("INSERT INTO {} (", table);
    std::string values = ") VALUES (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        select += (i ? ", " : "") + columns[i].name;
        insert += (i ? ", " : "") + columns[i].name;
        values += fmt::format("{}:c{}", i ? ", " : "", i);
    }
    select += " FROM " + table;
    auto rows = source.db.prepare(select);
    auto write = target.db.prepare(insert + values + ")");
    std::vector<std::string> names;
    for (std::size_t i = 0; i < columns.size(); ++i)
        names.push_back(fmt::format(":c{}", i));
    std::int64_t copied = 0;
    while (rows->executeStep()) {
        write->reset();
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const char* name = names[i].c_str();
            const db::Column value = rows->getColumn(static_cast<int>(i));
            if (reset_on_copy(table, columns[i].name) && columns[i].name == "article_count")
                write->bind(name, std::int64_t { 0 });
            else if (reset_on_copy(table, columns[i].name))
                write->bind_null(name);
            else if (value.isNull())
                write->bind_null(name);
            else if (columns[i].type == "bigint")
                write->bind(name, value.getInt64());
            else if (columns[i].type == "double precision")
                write->bind(name, value.getDouble());
            else if (columns[i].type == "bytea")
                write->bind_blob(name, value.getString());
            else
                write->bind(name, value.getString());
        }
        write->exec();
        ++copied;
    }
    // Identity columns continue after the copied ids.
    const bool has_id = std::any_of(columns.begin(), columns.end(), [](const TargetColumn& column) { return column.name == "id"; });
    if (has_id)
        target.db.exec(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', 'id'), coalesce((SELECT max(id) FROM {0}), 0) + 1, false)", table));
    return copied;
}

std::int64_t count_rows(Archive::Impl& impl, const std::string& sql)
{
    auto query = impl.db.prepare(sql);
    return query->executeStep() ? query->getColumn(0).getInt64() : 0;
}

// A digest of one text column per row in id order ("id:value\n" each), chained over 1 MiB chunks
// so that neither side holds a whole table's text.
std::string digest(Archive::Impl& impl, const std::string& sql)
{
    auto query = impl.db.prepare(sql);
    std::string chain;
    std::string chunk;
    while (query->executeStep()) {
        chunk += fmt::format("{}:{}\n", query->getColumn(0).getInt64(), column_text(query->getColumn(1)));
        if (chunk.size() >= (1u << 20)) {
            chain = sha256_hex(chain + chunk);
            chunk.clear();
        }
    }
    return sha256_hex(chain + chunk);
}

} // namespace

Result<MigrationSummary> Archive::Maintenance::copy_into(Archive& target_archive, const std::function<void(std::string_view, std::int64_t)>& progress)
{
    Archive::Impl& source = *m_impl;
    Archive::Impl& target = *target_archive.m_impl;
    if (target.db.backend() != db::Backend::postgresql || source.db.backend() != db::Backend::sqlite)
        return Error(Errc::unsupported, "an archive is copied from an SQLite file into PostgreSQL");
    try {
        if (count_rows(target, "SELECT count(*) FROM feeds") > 0 || count_rows(target, "SELECT count(*) FROM captures") > 0)
            return Error(Errc::invalid_argument, fmt::format("{} already holds an archive; migrate into an empty database", redacted_location(target.path.string())));
        MigrationSummary summary;
        source.db.exec("BEGIN"); // one read snapshot of the source for the copy and its checks
        struct EndRead {
            db::Connection& db;
            ~EndRead()
            {
                try {
                    db.exec("COMMIT");
                } catch (const db::Error&) {
                    // Nothing was written: ending the read cannot lose anything.
                }
            }
        } end_read { source.db };
        db::Transaction transaction(target.db);
        for (const char* table : copied_tables) {
            const std::int64_t rows = copy_table(source, target, table);
            summary.tables.emplace_back(table, rows);
            if (progress)
                progress(table, rows);
        }
        // The checks, inside the target's transaction: a mismatch copies nothing.
        for (const auto& [table, rows] : summary.tables) {
            const std::int64_t there = count_rows(target, "SELECT count(*) FROM " + table);
            const std::int64_t here = count_rows(source, "SELECT count(*) FROM " + table);
            if (there != here || rows != here)
                return Error(Errc::corrupt, fmt::format("{}: {} rows in the SQLite archive, {} copied, {} in PostgreSQL; nothing was kept", table, here, rows, there));
        }
        {
            auto totals = source.db.prepare("SELECT name, value FROM totals ORDER BY name");
            while (totals->executeStep()) {
                const std::string name = column_text(totals->getColumn(0));
                auto there = target.db.prepare("SELECT value FROM totals WHERE name = :name");
                there->bind(":name", name);
                const std::int64_t kept = there->executeStep() ? there->getColumn(0).getInt64() : 0;
                if (kept != totals->getColumn(1).getInt64())
                    return Error(Errc::corrupt, fmt::format("the count {} is {} in the SQLite archive but {} as PostgreSQL's triggers keep it; nothing was kept", name,
                        totals->getColumn(1).getInt64(), kept));
            }
            const char* article_counts = "SELECT coalesce(sum(article_count * id), 0) FROM feeds";
            if (count_rows(source, article_counts) != count_rows(target, article_counts))
                return Error(Errc::corrupt, "the feeds' article counts differ after the copy; nothing was kept");
        }
        for (const char* sql : { "SELECT id, content_sha256 FROM revisions ORDER BY id", "SELECT id, body_sha256 FROM captures ORDER BY id",
                 "SELECT id, url FROM articles ORDER BY id", "SELECT id, entry_key FROM entries ORDER BY id" }) {
            summary.digests.push_back(digest(source, sql));
            if (digest(target, sql) != summary.digests.back())
                return Error(Errc::corrupt, fmt::format("the digest of `{}` differs after the copy; nothing was kept", sql));
        }
        transaction.commit();
        return summary;
    } catch (const db::Error& exception) {
        return to_error(exception, "copying the archive into PostgreSQL");
    }
}

} // namespace feedkeeper::store

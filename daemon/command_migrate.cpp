// daemon/command_migrate.cpp — `migrate --to postgresql://...`: the archive (an SQLite file) copied
// into an empty PostgreSQL database and checked there (store/archive_migrate.cpp); the file is
// left as it was. Refused while a daemon writes the file: what it stored after the copy's
// snapshot would be in the file only. Threading: main thread.
#include "daemon/commands.hpp"

#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"

#include <fmt/format.h>

namespace feedkeeper::daemon {

int run_migrate(const GlobalOptions& global, const MigrateArguments& arguments)
{
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
    const std::string target_location = store::archive_location(arguments.to);
    if (!store::is_postgresql_location(target_location))
        return report(Error(Errc::invalid_argument, fmt::format("--to '{}' is not a PostgreSQL URL (postgresql://...)", store::redacted_location(arguments.to))), "migrate");
    if (store::is_postgresql_location(context->db_path))
        return report(Error(Errc::invalid_argument, "the archive is in PostgreSQL already; migrate copies an SQLite file (pass it with --db)"), "migrate");
    // The lock keeps a daemon (or an import) from writing the file while it is copied.
    auto lock = ArchiveLock::acquire(context->db_path, "migration");
    if (!lock)
        return report(lock.error(), context->db_path);
    auto opened = open_for_command(global, store::OpenMode::read_only);
    if (!opened)
        return report(opened.error(), "");
    auto target = store::Archive::open(target_location, store::OpenMode::read_write, context->config.store);
    if (!target)
        return report(target.error(), store::redacted_location(target_location));
    const bool quiet = global.verbosity == Verbosity::quiet;
    auto copied = opened->archive->maintenance().copy_into(**target, [&](std::string_view table, std::int64_t rows) {
        if (!quiet)
            fmt::print("{:>14}: {} rows\n", table, rows);
    });
    if (!copied)
        return report(copied.error(), store::redacted_location(target_location));
    if (!quiet)
        fmt::print("copied {} into {} and checked it: row counts, the kept counts, digests of revisions, captures, articles and entries\n",
            context->db_path, store::redacted_location(target_location));
    return exit_ok;
}

} // namespace feedkeeper::daemon

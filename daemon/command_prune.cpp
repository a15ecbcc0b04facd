// daemon/command_prune.cpp — `prune`: the archive's only, explicit retention policy. Drops raw
// capture bodies older than --captures-older-than (or [store] keep_captures); never articles,
// revisions or capture metadata, and never the captures reextract and export still need.
// Threading: main thread.
#include "daemon/commands.hpp"

#include "daemon/context.hpp"

#include <fmt/format.h>

namespace feedkeeper::daemon {

int run_prune(const GlobalOptions& global, const PruneArguments& arguments)
{
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
    std::chrono::seconds keep { 0 };
    if (!arguments.older_than.empty()) {
        auto parsed = parse_duration(arguments.older_than);
        if (!parsed || parsed->count() < 86400)
            return report(Error(Errc::invalid_argument, fmt::format("--captures-older-than '{}' is not a duration of at least 1d (e.g. 365d)", arguments.older_than)), "prune");
        keep = *parsed;
    } else if (context->config.keep_captures) {
        keep = *context->config.keep_captures;
    } else {
        return report(Error(Errc::invalid_argument, "no retention policy: nothing is purged by default; pass --captures-older-than 365d or set [store] keep_captures"), "prune");
    }
    auto opened = open_for_command(global, store::OpenMode::read_write);
    if (!opened)
        return report(opened.error(), "");
    auto& archive = opened->archive;
    const Timestamp cutoff = now_utc() - keep;
    auto pruned = archive->maintenance().prune_captures(cutoff, arguments.dry_run ? store::PruneMode::dry_run : store::PruneMode::apply);
    if (!pruned)
        return report(pruned.error(), context->db_path);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("{} the bodies of {} captures fetched before {} ({:.1f} MiB compressed); articles, revisions and capture metadata are kept\n",
            arguments.dry_run ? "would drop" : "dropped", pruned->captures, format_rfc3339(cutoff), static_cast<double>(pruned->bytes) / (1024.0 * 1024.0));
    return exit_ok;
}

} // namespace feedkeeper::daemon

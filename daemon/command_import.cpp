// daemon/command_import.cpp — `import FILE`: a JSONL or WARC export read back into the archive (a
// new one or an existing one). It writes, so it holds the archive's lock for its whole run: a
// daemon on the archive refuses it, and no daemon starts on the archive while it runs.
// Threading: main thread; a WARC import runs a Runtime (io = this thread, cpu and store pools).
#include "daemon/commands.hpp"

#include "crawl/import.hpp"
#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"
#include "daemon/progress.hpp"

#include <fmt/format.h>

namespace feedkeeper::daemon {

int run_import(const GlobalOptions& global, const ImportArguments& arguments)
{
    const auto format = crawl::detect_import_format(arguments.file);
    if (!format)
        return report(format.error(), "import");
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
    if (const auto holder = ArchiveLock::holder(context->db_path); holder && holder->is_daemon())
        return report(Error(Errc::busy, fmt::format("a {} runs on this archive; import writes only while none does: stop it, "
                                                    "import, start it again (nothing was imported)",
                                                    holder->describe())),
            context->db_path);
    auto opened = open_for_command(global, store::OpenMode::read_write);
    if (!opened)
        return report(opened.error(), "");
    auto lock = ArchiveLock::acquire(opened->context.db_path, "import");
    if (!lock)
        return report(lock.error(), opened->context.db_path);

    ProgressLine progress;
    auto show = [&progress](std::uint64_t done, std::uint64_t total) {
        progress.update(static_cast<std::size_t>(done / 1024), static_cast<std::size_t>(std::max<std::uint64_t>(total, done) / 1024), "KiB read");
    };
    crawl::ImportReport outcome;
    if (*format == crawl::ImportFormat::jsonl) {
        outcome = crawl::import_jsonl(*opened->archive, arguments.file, show);
    } else {
        crawl::Runtime runtime(opened->context.config, std::move(opened->archive));
        std::exception_ptr failure;
        boost::asio::co_spawn(runtime.io, crawl::import_warc(runtime, arguments.file, show), [&](std::exception_ptr error, crawl::ImportReport result) {
            failure = error;
            outcome = std::move(result);
        });
        runtime.io.run();
        if (failure)
            std::rethrow_exception(failure);
    }
    progress.finish();
    for (const crawl::CrawlReport::Failure& failure : outcome.failures)
        print_error(failure.what, failure.where);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("{}\n", outcome.summary());
    return outcome.exit_code();
}

} // namespace feedkeeper::daemon

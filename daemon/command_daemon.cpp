// daemon/command_daemon.cpp — `feedkeeper daemon`: load, open, then hand over to Service.
// Threading: main thread becomes the io thread.
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"
#include "daemon/service.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <sys/stat.h>

namespace feedkeeper::daemon {
namespace {

bool same_path(const std::string& a, const std::string& b)
{
    std::error_code ec;
    const auto normal = [&](const std::string& path) { return std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec); };
    if (normal(a) == normal(b))
        return true;
    struct stat first {}, second {};
    return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 && first.st_dev == second.st_dev && first.st_ino == second.st_ino;
}

Result<void> refuse_socket_on_own_files(const CommandContext& context)
{
    for (const char* suffix : { "", "-wal", "-shm", "-journal", ".lock" })
        if (same_path(context.socket_path, context.db_path + suffix))
            return Error(Errc::invalid_argument, fmt::format("the control socket {} would be the archive's own {}; choose another --socket", context.socket_path,
                *suffix ? std::string(suffix) + " file" : std::string("file")));
    if (!context.config.source.empty() && same_path(context.socket_path, context.config.source))
        return Error(Errc::invalid_argument, fmt::format("the control socket {} would be the configuration file; choose another --socket", context.socket_path));
    return {};
}

} // namespace

int run_daemon(const GlobalOptions& global, const DaemonArguments&)
{
    // One daemon per archive, decided before the archive is even opened (and migrated).
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
    // `--socket a.db` once unlinked the archive as a "stale socket": refused before anything is touched.
    if (auto refused = refuse_socket_on_own_files(*context); !refused)
        return report(refused.error(), "--socket");
    auto lock = ArchiveLock::acquire(context->db_path);
    if (!lock)
        return report(lock.error(), context->db_path);
    auto opened = open_for_command(global, store::OpenMode::read_write, LogLevel::info);
    if (!opened)
        return report(opened.error(), "");
    Service service(std::move(opened->context), std::move(opened->archive));
    return service.run(); // the lock is released when the process ends, however it ends
}

} // namespace feedkeeper::daemon

// daemon/command_daemon.cpp — `feedkeeper daemon`: load, open, then hand over to Service.
// Threading: main thread becomes the io thread.
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"
#include "daemon/service.hpp"

namespace feedkeeper::daemon {

int run_daemon(const GlobalOptions& global, const DaemonArguments&)
{
    // One daemon per archive, decided before the archive is even opened (and migrated).
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
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

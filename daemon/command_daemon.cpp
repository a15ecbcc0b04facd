// daemon/command_daemon.cpp — `feedkeeper daemon`: load, open, then hand over to Service.
// Threading: main thread becomes the io thread.
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "daemon/service.hpp"

namespace feedkeeper::daemon {

int run_daemon(const GlobalOptions& global, const DaemonArguments&)
{
    auto opened = open_for_command(global, store::OpenMode::read_write, LogLevel::info);
    if (!opened)
        return report(opened.error(), "");
    Service service(std::move(opened->context), std::move(opened->archive));
    return service.run();
}

} // namespace feedkeeper::daemon

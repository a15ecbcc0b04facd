// daemon/command_daemon.cpp — `feedkeeper daemon`: load, open, then hand over to Service.
// Threading: main thread becomes the io thread.
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "daemon/service.hpp"

namespace feedkeeper::daemon {

int run_daemon(const GlobalOptions& global, const DaemonArguments&)
{
    auto context = load_context(global);
    if (!context)
        return report(context.error(), "");
    setup_logging(global, LogLevel::info);
    auto archive = open_archive(*context, store::OpenMode::read_write);
    if (!archive)
        return report(archive.error(), context->db_path);
    if (auto synced = sync_config_feeds(**archive, context->config); !synced)
        return report(synced.error(), context->config.source);
    Service service(std::move(*context), std::move(*archive));
    return service.run();
}

} // namespace feedkeeper::daemon

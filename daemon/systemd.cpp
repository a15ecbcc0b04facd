// daemon/systemd.cpp — thin wrappers over libsystemd's sd_notify. Threading: any thread.
#include "daemon/systemd.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace feedkeeper::daemon {

void notify_ready() { sd_notify(0, "READY=1"); }
void notify_reloading() { sd_notify(0, "RELOADING=1"); }
void notify_stopping() { sd_notify(0, "STOPPING=1"); }
void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }

void notify_status(std::string_view status)
{
    std::string message = "STATUS=";
    for (char c : status)
        message += c == '\n' ? ' ' : c;
    sd_notify(0, message.c_str());
}

std::optional<std::chrono::microseconds> watchdog_interval()
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

} // namespace feedkeeper::daemon

// daemon/systemd.hpp — the sd_notify(3) protocol: READY, STATUS, WATCHDOG, RELOADING, STOPPING.
// All calls are no-ops when $NOTIFY_SOCKET is unset (not under systemd).
// Threading: any thread (sd_notify is thread-safe); the daemon calls it from the io thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace feedkeeper::daemon {

void notify_ready();
void notify_reloading();
void notify_stopping();
void notify_status(std::string_view status);
void notify_watchdog();

// Half of WatchdogSec= when the service manager expects keep-alives from us, else nullopt.
std::optional<std::chrono::microseconds> watchdog_interval();

} // namespace feedkeeper::daemon

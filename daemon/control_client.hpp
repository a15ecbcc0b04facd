// daemon/control_client.hpp — the CLI side of the control socket: hand a command to the running
// daemon. Threading: main thread; blocking I/O that waits as long as the daemon works on the
// command (a recrawl may take minutes) and ends when the daemon answers or goes away.
#pragma once

#include "daemon/cli.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace feedkeeper::daemon {

// Sends `command` to the daemon listening on the control socket and prints its output.
// Returns the exit code when a daemon handled it; nullopt when no daemon listens (the caller
// then does the work itself).
std::optional<int> forward_to_daemon(const GlobalOptions&, std::string_view command, const nlohmann::json& arguments);

} // namespace feedkeeper::daemon

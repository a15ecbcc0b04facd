// daemon/control_protocol.hpp — the control socket's protocol: one JSON request line from the
// CLI, then JSON reply lines from the daemon: {"progress": "..."} and {"error": "...", "where":
// "..."} lines, then {"exit": N, "output": "..."}.
// Threading: plain values.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>

namespace feedkeeper::daemon {

// {"command": "recrawl" | "reextract" | "status" | "reload", "arguments": {...}, "db": "/abs/path"}
// A daemon whose archive is not "db" answers {"other_archive": true} and does nothing.
inline constexpr std::size_t max_control_line_bytes = 1024 * 1024;

// While a command runs the daemon sends {"progress": "..."} at least this often; the client's
// timeout (per line, [daemon] control_timeout) must be longer.
inline constexpr std::chrono::seconds keepalive_interval { 5 };
// Connections the daemon serves at once; a further one gets {"error": ..., "exit": 1} at once.
inline constexpr std::size_t max_control_connections = 64;
// After a failed accept() (out of file descriptors), the pause before the next.
inline constexpr std::chrono::milliseconds accept_retry_pause { 200 };

} // namespace feedkeeper::daemon

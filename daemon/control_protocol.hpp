// daemon/control_protocol.hpp — the control socket's protocol: one JSON request line from the
// CLI, then JSON reply lines from the daemon: {"log": "..."}* then {"exit": N, "output": "..."}.
// Threading: plain values.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>

namespace feedkeeper::daemon {

// {"command": "recrawl" | "reextract" | "status" | "reload", "arguments": {...}, "db": "/abs/path"}
// A daemon whose archive is not "db" answers {"other_archive": true} and does nothing.
inline constexpr std::size_t max_control_line_bytes = 1024 * 1024;

} // namespace feedkeeper::daemon

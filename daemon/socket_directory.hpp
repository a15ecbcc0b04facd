// daemon/socket_directory.hpp — the rules for where the control socket may live, so that no other
// local user can put a socket of theirs where the CLI looks for the daemon:
//  - every directory on the way to the socket is a real directory owned by us or root, writable by
//    nobody else (root's sticky directories such as /tmp excepted, where nobody may replace an
//    entry of ours);
//  - a directory the daemon creates for its socket is created 0700;
//  - the CLI talks to a daemon of another user only when that user's directory was given to it by
//    root (systemd's RuntimeDirectory: /run/feedkeeper, owned by the service user, in root's /run),
//    and checks who answers with SO_PEERCRED.
// Threading: any thread; file-system calls only.
#pragma once

#include "core/error.hpp"

#include <string>
#include <sys/types.h>

namespace feedkeeper::daemon {

// Daemon side: creates the socket's directory if missing (each new component 0700) and checks the
// directories leading to it. Errors are Errc::invalid_argument and say which directory and why.
Result<void> prepare_socket_directory(const std::string& socket_path);

// CLI side: whether the process with uid `peer` that answers on `socket_path` may be trusted: it
// is us or root, or it owns the socket's directory and root made that directory (see above).
Result<void> check_socket_peer(const std::string& socket_path, uid_t peer);

} // namespace feedkeeper::daemon

// daemon/archive_lock.hpp — one daemon per archive: an exclusive flock(2) on ARCHIVE.lock, held for
// the daemon's whole life, with its pid and role written inside. A second daemon is refused; `crawl`
// and `recrawl` see the daemon there and hand their work to it instead of crawling beside it. An
// `import` and a reading command's migration of an old archive hold it too, for their duration,
// under their own role, so that others can tell them from a daemon.
// The lock is advisory and per open file description: it dies with the process (kill -9 included),
// so a stale file never blocks a start.
// An archive in PostgreSQL has no lock file: several daemons share one by design (issue 17), kept
// apart by the leases on jobs and hosts in the database; acquire() succeeds without a lock there.
// Threading: main thread.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace feedkeeper::daemon {

// Who holds the lock, for messages: "daemon", "import" or "migration".
struct LockHolder {
    long pid = 0; // 0: not known
    std::string role = "daemon";
    bool is_daemon() const { return role == "daemon"; }
    std::string describe() const; // "feedkeeper daemon (pid 42)", "feedkeeper import (pid 7)"
};

class ArchiveLock {
public:
    // Takes the lock on `archive_path` + ".lock" (created 0640 if missing) for `role`, or fails
    // with Errc::busy naming who holds it; a lock path that is not a regular file (a symlink, a
    // directory, a FIFO) is refused.
    static Result<ArchiveLock> acquire(const std::string& archive_path, std::string_view role = "daemon");
    // Who holds the lock on `archive_path`, if anyone does.
    static std::optional<LockHolder> holder(const std::string& archive_path);

    ArchiveLock(ArchiveLock&&) noexcept;
    ArchiveLock& operator=(ArchiveLock&&) noexcept;
    ArchiveLock(const ArchiveLock&) = delete;
    ArchiveLock& operator=(const ArchiveLock&) = delete;
    ~ArchiveLock(); // releases the lock (closing the file does)

private:
    explicit ArchiveLock(int fd) : m_fd(fd) { }
    int m_fd = -1;
};

} // namespace feedkeeper::daemon

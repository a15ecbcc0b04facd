// daemon/archive_lock.hpp — one daemon per archive: an exclusive flock(2) on ARCHIVE.lock, held for
// the daemon's whole life, with its pid written inside. A second daemon is refused; `crawl` and
// `recrawl` see the daemon there and hand their work to it instead of crawling beside it.
// The lock is advisory and per open file description: it dies with the process (kill -9 included),
// so a stale file never blocks a start.
// Threading: main thread.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>

namespace feedkeeper::daemon {

class ArchiveLock {
public:
    // Takes the lock on `archive_path` + ".lock" (created 0640 if missing), or fails with
    // Errc::busy naming the daemon that holds it; a lock path that is not a regular file (a
    // symlink, a directory, a FIFO) is refused.
    static Result<ArchiveLock> acquire(const std::string& archive_path);
    // The pid of the daemon holding the lock on `archive_path`, if one does.
    static std::optional<long> holder(const std::string& archive_path);

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

// daemon/archive_lock.cpp — flock on ARCHIVE.lock. Threading: main thread.
#include "daemon/archive_lock.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

namespace feedkeeper::daemon {
namespace {

std::string lock_path(const std::string& archive_path) { return archive_path + ".lock"; }

// Opens the lock file without following a symlink, and only if it is a regular file.
Result<int> open_lock_file(const std::string& path, int flags)
{
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0640);
    if (fd < 0) {
        if (errno == ELOOP)
            return Error(Errc::invalid_argument, fmt::format("{} is a symbolic link, not feedkeeper's lock file; remove it", path));
        return Error(errno == ENOENT ? Errc::not_found : Errc::io, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        return Error(Errc::invalid_argument, fmt::format("{} is not a regular file, so it is not feedkeeper's lock file; remove it", path));
    }
    return fd;
}

std::optional<long> read_pid(int fd)
{
    char buffer[32] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return std::nullopt;
    long pid = 0;
    const auto [end, error] = std::from_chars(buffer, buffer + n, pid);
    return error == std::errc() && pid > 0 ? std::optional<long>(pid) : std::nullopt;
}

} // namespace

Result<ArchiveLock> ArchiveLock::acquire(const std::string& archive_path)
{
    const std::string path = lock_path(archive_path);
    auto fd = open_lock_file(path, O_RDWR | O_CREAT);
    if (!fd)
        return fd.error();
    if (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const std::optional<long> pid = read_pid(*fd);
        ::close(*fd);
        if (error == EWOULDBLOCK)
            return Error(Errc::busy, fmt::format("another feedkeeper daemon{} runs on the archive {}; one daemon per archive (stop it first, or pass another --db)",
                pid ? fmt::format(" (pid {})", *pid) : std::string(), archive_path));
        return Error(Errc::io, fmt::format("cannot lock {}: {}", path, std::strerror(error)));
    }
    // The pid is for messages only: the lock holds without it.
    const std::string pid = std::to_string(static_cast<long>(::getpid()));
    if (::ftruncate(*fd, 0) == 0)
        (void)!::pwrite(*fd, pid.data(), pid.size(), 0);
    return ArchiveLock(*fd);
}

std::optional<long> ArchiveLock::holder(const std::string& archive_path)
{
    auto fd = open_lock_file(lock_path(archive_path), O_RDONLY);
    if (!fd)
        return std::nullopt;
    std::optional<long> pid;
    if (::flock(*fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        pid = read_pid(*fd).value_or(0);
    ::close(*fd);
    return pid;
}

ArchiveLock::ArchiveLock(ArchiveLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) { }

ArchiveLock& ArchiveLock::operator=(ArchiveLock&& other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

ArchiveLock::~ArchiveLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace feedkeeper::daemon

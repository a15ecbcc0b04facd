// daemon/archive_lock.cpp — flock on ARCHIVE.lock. Threading: main thread.
#include "daemon/archive_lock.hpp"

#include "store/archive.hpp"

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

// "PID ROLE" (a release before roles wrote the pid alone: a daemon).
LockHolder read_holder(int fd)
{
    LockHolder holder;
    char buffer[64] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return holder;
    const char* end = buffer + n;
    long pid = 0;
    const auto [rest, error] = std::from_chars(buffer, end, pid);
    if (error != std::errc() || pid <= 0)
        return holder;
    holder.pid = pid;
    if (rest < end && *rest == ' ') {
        std::string role(rest + 1, end);
        while (!role.empty() && (role.back() == '\n' || role.back() == ' '))
            role.pop_back();
        if (role == "daemon" || role == "import" || role == "migration")
            holder.role = std::move(role);
    }
    return holder;
}

} // namespace

std::string LockHolder::describe() const
{
    return pid > 0 ? fmt::format("feedkeeper {} (pid {})", role, pid) : "feedkeeper " + role;
}

Result<ArchiveLock> ArchiveLock::acquire(const std::string& archive_path, std::string_view role)
{
    if (store::is_postgresql_location(archive_path))
        return ArchiveLock(-1); // shared by design: leases in the database keep the processes apart
    const std::string path = lock_path(archive_path);
    auto fd = open_lock_file(path, O_RDWR | O_CREAT);
    if (!fd)
        return fd.error();
    if (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const LockHolder holder = read_holder(*fd);
        ::close(*fd);
        if (error == EWOULDBLOCK && holder.is_daemon())
            return Error(Errc::busy, fmt::format("another {} runs on the archive {}; one daemon per archive (stop it first, or pass another --db)",
                holder.describe(), archive_path));
        if (error == EWOULDBLOCK)
            return Error(Errc::busy, fmt::format("a {} is writing the archive {}; try again when it has finished", holder.describe(), archive_path));
        return Error(Errc::io, fmt::format("cannot lock {}: {}", path, std::strerror(error)));
    }
    // The pid and role are for messages only: the lock holds without them.
    const std::string content = fmt::format("{} {}\n", static_cast<long>(::getpid()), role);
    if (::ftruncate(*fd, 0) == 0)
        (void)!::pwrite(*fd, content.data(), content.size(), 0);
    return ArchiveLock(*fd);
}

std::optional<LockHolder> ArchiveLock::holder(const std::string& archive_path)
{
    if (store::is_postgresql_location(archive_path))
        return std::nullopt;
    auto fd = open_lock_file(lock_path(archive_path), O_RDONLY);
    if (!fd)
        return std::nullopt;
    std::optional<LockHolder> holder;
    if (::flock(*fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        holder = read_holder(*fd);
    ::close(*fd);
    return holder;
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

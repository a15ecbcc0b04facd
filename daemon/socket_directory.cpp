// daemon/socket_directory.cpp — lstat-based checks of the control socket's directories.
// Threading: any thread.
#include "daemon/socket_directory.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace feedkeeper::daemon {
namespace {

namespace fs = std::filesystem;

fs::path socket_directory(const std::string& socket_path)
{
    std::error_code ec;
    const fs::path absolute = fs::absolute(socket_path, ec);
    return (ec ? fs::path(socket_path) : absolute).parent_path();
}

Result<fs::path> real_directory(const fs::path& directory)
{
    char resolved[PATH_MAX];
    if (!::realpath(directory.c_str(), resolved))
        return Error(Errc::invalid_argument, fmt::format("socket directory {}: {}", directory.string(), std::strerror(errno)));
    return fs::path(resolved);
}

bool writable_by_others(const struct stat& status) { return (status.st_mode & (S_IWGRP | S_IWOTH)) != 0; }

// Root made `directory` for its owner when it sits in a directory only root may write to.
bool given_by_root(const fs::path& directory)
{
    struct stat parent {};
    return ::lstat(directory.parent_path().c_str(), &parent) == 0 && S_ISDIR(parent.st_mode) && parent.st_uid == 0 && !writable_by_others(parent);
}

// Every directory from `directory` up to "/" must be a directory owned by us or root (or, for the
// socket's own directory, by `other` when root gave it to them), writable by nobody else unless
// it is root's and sticky.
Result<void> check_chain(const fs::path& directory, std::optional<uid_t> other)
{
    auto real = real_directory(directory);
    if (!real)
        return real.error();
    const uid_t self = ::geteuid();
    for (fs::path current = *real;; current = current.parent_path()) {
        struct stat status {};
        if (::lstat(current.c_str(), &status) != 0)
            return Error(Errc::invalid_argument, fmt::format("socket directory {}: {}", current.string(), std::strerror(errno)));
        if (!S_ISDIR(status.st_mode))
            return Error(Errc::invalid_argument, fmt::format("socket directory {} is not a directory", current.string()));
        const bool owner_trusted = status.st_uid == self || status.st_uid == 0
            || (other && status.st_uid == *other && current == *real && given_by_root(current));
        if (!owner_trusted)
            return Error(Errc::invalid_argument, fmt::format("socket directory {} belongs to uid {}, not to you (uid {}) or root: another user could answer in the daemon's place; remove it or choose --socket in a directory of yours",
                current.string(), status.st_uid, self));
        const bool sticky_root = status.st_uid == 0 && (status.st_mode & S_ISVTX) != 0;
        if (writable_by_others(status) && !sticky_root)
            return Error(Errc::invalid_argument, fmt::format("socket directory {} is writable by others (mode {:04o}): another user could replace the socket; chmod go-w it or choose another --socket",
                current.string(), status.st_mode & 07777));
        if (current == current.root_path() || current.parent_path() == current)
            return {};
    }
}

} // namespace

Result<void> prepare_socket_directory(const std::string& socket_path)
{
    const fs::path directory = socket_directory(socket_path);
    // Create what is missing, each new directory 0700 (create_directories would use 0777 & umask).
    fs::path partial;
    for (const fs::path& part : directory) {
        partial /= part;
        struct stat status {};
        if (::lstat(partial.c_str(), &status) == 0)
            continue; // checked below, with the rest of the way
        if (errno != ENOENT || (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST))
            return Error(Errc::invalid_argument, fmt::format("cannot create the socket directory {}: {}", partial.string(), std::strerror(errno)));
    }
    return check_chain(directory, std::nullopt);
}

Result<void> check_socket_peer(const std::string& socket_path, uid_t peer)
{
    if (peer == ::geteuid() || peer == 0)
        return {};
    if (auto checked = check_chain(socket_directory(socket_path), peer); !checked)
        return Error(Errc::invalid_argument, fmt::format("the control socket {} is answered by uid {}, not by you or root: {}", socket_path, peer, checked.error().message));
    struct stat directory {};
    if (auto real = real_directory(socket_directory(socket_path)); !real || ::lstat(real->c_str(), &directory) != 0 || directory.st_uid != peer)
        return Error(Errc::invalid_argument, fmt::format("the control socket {} is answered by uid {}, who does not own its directory; not talking to it", socket_path, peer));
    return {};
}

} // namespace feedkeeper::daemon

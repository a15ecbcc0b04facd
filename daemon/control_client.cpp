// daemon/control_client.cpp — connect, check who answers, send one request line, relay the reply
// lines. Every wait has a limit: the connect, and each line (the daemon sends a progress line every
// few seconds while it works, so a long recrawl never trips the per-line timeout, a hung or fake
// daemon does). Threading: main thread.
#include "daemon/control_client.hpp"

#include "core/text.hpp"
#include "daemon/context.hpp"
#include "daemon/control_protocol.hpp"
#include "daemon/socket_directory.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace feedkeeper::daemon {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds connect_timeout { 5 };

class Socket {
public:
    Socket() : m_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) { }
    ~Socket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return m_fd; }

private:
    int m_fd;
};

// Waits until `fd` is ready for `events` or `deadline` passes; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline)
{
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            return false;
        pollfd entry { fd, events, 0 };
        const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 1'000'000)));
        if (ready > 0)
            return true;
        if (ready < 0 && errno != EINTR)
            return true; // let the following call report the error
    }
}

enum class Connected { yes, nobody, timed_out };

// A Unix socket's connect does not return EINPROGRESS: with a full backlog it says EAGAIN, and
// is retried until the deadline.
Connected connect_until(int fd, const std::string& path, Clock::time_point deadline)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        return Connected::nobody;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    for (;;) {
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
            return Connected::yes;
        if (errno == EINPROGRESS) {
            if (!wait_for(fd, POLLOUT, deadline))
                return Connected::timed_out;
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            return error == 0 ? Connected::yes : Connected::nobody;
        }
        if (errno != EAGAIN && errno != EINTR)
            return Connected::nobody; // ECONNREFUSED: a stale socket file, no daemon behind it
        if (Clock::now() >= deadline)
            return Connected::timed_out;
        ::usleep(20'000);
    }
}

bool send_all(int fd, std::string_view data, Clock::time_point deadline)
{
    while (!data.empty()) {
        const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EINTR)
            return false;
        if (!wait_for(fd, POLLOUT, deadline))
            return false;
    }
    return true;
}

enum class LineResult { line, closed, timed_out, too_long };

// The next '\n'-terminated line into `line`, reading at most until `deadline`.
LineResult read_line(int fd, std::string& buffer, std::string& line, Clock::time_point deadline)
{
    for (;;) {
        if (const auto end = buffer.find('\n'); end != std::string::npos) {
            line = buffer.substr(0, end);
            buffer.erase(0, end + 1);
            return LineResult::line;
        }
        if (buffer.size() > max_control_line_bytes)
            return LineResult::too_long;
        char chunk[65536];
        const ssize_t received = ::recv(fd, chunk, sizeof chunk, 0);
        if (received > 0) {
            buffer.append(chunk, static_cast<std::size_t>(received));
            continue;
        }
        if (received == 0 || (errno != EAGAIN && errno != EINTR))
            return LineResult::closed;
        if (!wait_for(fd, POLLIN, deadline))
            return LineResult::timed_out;
    }
}

std::string relayed(const nlohmann::json& reply, const char* key)
{
    // What the daemon says is printed on our terminal: no escape sequences get through.
    return strip_control_characters(reply[key].get<std::string>());
}

} // namespace

std::optional<int> forward_to_daemon(const GlobalOptions& global, std::string_view command, const nlohmann::json& arguments)
{
    auto context = load_context(global);
    if (!context)
        return std::nullopt; // the direct path reports the configuration error
    const std::string& path = context->socket_path;
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0 || !S_ISSOCK(status.st_mode))
        return std::nullopt;
    const std::chrono::seconds line_timeout = context->config.daemon.control_timeout;
    Socket socket;
    if (socket.fd() < 0) {
        print_error(fmt::format("cannot create a socket: {}", std::strerror(errno)), path);
        return exit_failure;
    }
    switch (connect_until(socket.fd(), path, Clock::now() + connect_timeout)) {
    case Connected::nobody: return std::nullopt; // a stale socket file: no daemon behind it
    case Connected::timed_out:
        print_error(fmt::format("the daemon did not accept the connection within {}s", connect_timeout.count()), path);
        return exit_failure;
    case Connected::yes: break;
    }
    // Who answers: a process of ours, root, or the service user whose directory root made.
    ucred peer {};
    socklen_t peer_length = sizeof peer;
    if (::getsockopt(socket.fd(), SOL_SOCKET, SO_PEERCRED, &peer, &peer_length) != 0) {
        print_error(fmt::format("cannot tell who listens on the control socket: {}", std::strerror(errno)), path);
        return exit_failure;
    }
    if (auto trusted = check_socket_peer(path, peer.uid); !trusted) {
        print_error(trusted.error().message, path);
        return exit_failure;
    }
    // The archive this command means: a daemon serving another archive declines, and the command
    // then runs directly on the one asked for.
    std::error_code absolute_error;
    const std::string db = std::filesystem::absolute(context->db_path, absolute_error).string();
    const std::string request = nlohmann::json { { "command", command }, { "arguments", arguments }, { "db", db } }.dump() + "\n";
    // A daemon that refuses the connection (too many open) says why and closes before reading:
    // its line is still there to read when the send fails.
    const bool sent = send_all(socket.fd(), request, Clock::now() + line_timeout);
    const std::string send_error = sent ? std::string() : (errno ? std::strerror(errno) : "timed out");
    std::string buffer;
    std::string line;
    for (;;) {
        switch (read_line(socket.fd(), buffer, line, Clock::now() + line_timeout)) {
        case LineResult::line: break;
        case LineResult::closed:
            print_error(sent ? std::string("the daemon closed the connection before answering") : "cannot talk to the daemon: " + send_error, path);
            return exit_failure;
        case LineResult::timed_out:
            print_error(fmt::format("the daemon sent nothing for {}s ([daemon] control_timeout); it may be stuck", line_timeout.count()), path);
            return exit_failure;
        case LineResult::too_long:
            print_error("the daemon's reply line is too long", path);
            return exit_failure;
        }
        auto reply = nlohmann::json::parse(line, nullptr, false);
        if (!reply.is_object())
            continue;
        if (reply.value("other_archive", false))
            return std::nullopt;
        if (reply.contains("error") && reply["error"].is_string())
            print_error(relayed(reply, "error"), reply.contains("where") && reply["where"].is_string() ? relayed(reply, "where") : std::string());
        if (reply.contains("output") && reply["output"].is_string())
            std::cout << relayed(reply, "output");
        if (reply.contains("exit") && reply["exit"].is_number_integer()) {
            const int exit = reply["exit"].get<int>();
            return exit >= 0 && exit <= 2 ? exit : exit_failure;
        }
    }
}

} // namespace feedkeeper::daemon

// daemon/control_server.hpp — the daemon side of the control socket: a Unix stream socket
// (mode 0660, in a directory checked by socket_directory.hpp) taking one JSON request line per
// connection and answering with JSON lines, with a progress line every keepalive_interval while
// the command runs. At most max_control_connections are served at once (more are told so and
// closed); a failed accept (EMFILE, ENFILE, ECONNABORTED) is logged and retried after a pause.
// Threading: the io_context's one thread.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace feedkeeper::daemon {

namespace asio = boost::asio;

class ControlServer {
public:
    using Handler = std::function<asio::awaitable<std::vector<nlohmann::json>>(const nlohmann::json& request)>;

    // Binds `path` (a stale socket file from a dead daemon is replaced; a live one is an error).
    static Result<std::unique_ptr<ControlServer>> listen(asio::io_context&, const std::string& path, Handler);
    ~ControlServer();

    void close(); // stops accepting and removes the socket file

private:
    // The progress lines sent while a command runs; stop() returns once no write is under way.
    struct Keepalive {
        explicit Keepalive(const asio::any_io_executor& executor) : timer(executor), done(executor, asio::steady_timer::time_point::max()) { }
        asio::awaitable<void> stop();
        asio::steady_timer timer;
        asio::steady_timer done; // cancelled when send_keepalives has returned
        bool stopping = false;
        bool finished = false;
    };

    ControlServer(asio::io_context&, std::string path, Handler);
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(asio::local::stream_protocol::socket);
    asio::awaitable<void> send_keepalives(asio::local::stream_protocol::socket&, std::shared_ptr<Keepalive>);

    asio::local::stream_protocol::acceptor m_acceptor;
    std::string m_path;
    Handler m_handler;
    std::size_t m_connections = 0; // being served now; at most max_control_connections
};

} // namespace feedkeeper::daemon

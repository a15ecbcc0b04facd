// daemon/control_server.hpp — the daemon side of the control socket: a Unix stream socket
// (mode 0660) taking one JSON request line per connection and answering with JSON lines.
// Threading: the io_context's one thread.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include <functional>
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
    ControlServer(asio::io_context&, std::string path, Handler);
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(asio::local::stream_protocol::socket);

    asio::local::stream_protocol::acceptor m_acceptor;
    std::string m_path;
    Handler m_handler;
};

} // namespace feedkeeper::daemon

// daemon/control_server.cpp — accept loop and one coroutine per connection.
// Threading: the io_context's one thread.
#include "daemon/control_server.hpp"

#include "core/log.hpp"
#include "daemon/control_protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <sys/stat.h>

namespace feedkeeper::daemon {

ControlServer::ControlServer(asio::io_context& io, std::string path, Handler handler)
    : m_acceptor(io)
    , m_path(std::move(path))
    , m_handler(std::move(handler))
{
}

ControlServer::~ControlServer() { close(); }

Result<std::unique_ptr<ControlServer>> ControlServer::listen(asio::io_context& io, const std::string& path, Handler handler)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path socket_path(path);
    if (socket_path.has_parent_path())
        fs::create_directories(socket_path.parent_path(), ec);
    if (fs::exists(socket_path, ec)) {
        // A live daemon answers; a stale file (crash, kill -9) is ours to replace.
        asio::local::stream_protocol::socket probe(io);
        boost::system::error_code connect_error;
        probe.connect(asio::local::stream_protocol::endpoint(path), connect_error);
        if (!connect_error)
            return Error(Errc::busy, fmt::format("another feedkeeper daemon is already listening on {}", path));
        fs::remove(socket_path, ec);
    }
    std::unique_ptr<ControlServer> server(new ControlServer(io, path, std::move(handler)));
    boost::system::error_code error;
    server->m_acceptor.open(asio::local::stream_protocol(), error);
    if (!error)
        server->m_acceptor.bind(asio::local::stream_protocol::endpoint(path), error);
    if (!error)
        server->m_acceptor.listen(16, error);
    if (error)
        return Error(Errc::io, fmt::format("cannot listen on control socket {}: {}", path, error.message()));
    chmod(path.c_str(), 0660); // the service's group may control it; nobody else
    asio::co_spawn(io, server->accept_loop(), asio::detached);
    return server;
}

void ControlServer::close()
{
    if (!m_acceptor.is_open())
        return;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    std::error_code removed;
    std::filesystem::remove(m_path, removed);
}

asio::awaitable<void> ControlServer::accept_loop()
{
    while (m_acceptor.is_open()) {
        auto [ec, socket] = co_await m_acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return;
        asio::co_spawn(m_acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> ControlServer::serve(asio::local::stream_protocol::socket socket)
{
    using namespace asio::experimental::awaitable_operators;
    std::string buffer;
    // A client has a few seconds to say what it wants: a silent connection holds nothing for long.
    asio::steady_timer deadline(socket.get_executor(), std::chrono::seconds(10));
    auto read = co_await (asio::async_read_until(socket, asio::dynamic_buffer(buffer, max_control_line_bytes), '\n', asio::as_tuple(asio::use_awaitable))
        || deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (read.index() != 0)
        co_return;
    auto [ec, length] = std::get<0>(read);
    if (ec)
        co_return;
    std::vector<nlohmann::json> replies;
    auto request = nlohmann::json::parse(buffer.substr(0, length), nullptr, false);
    if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
        replies.push_back({ { "error", "malformed control request" }, { "where", "control socket" }, { "exit", 2 } });
    } else {
        log_event(LogLevel::info, "control.request", { { "command", request["command"].get<std::string>() } });
        try {
            replies = co_await m_handler(request);
        } catch (const std::exception& error) {
            replies = { { { "error", error.what() }, { "where", "daemon" }, { "exit", 1 } } };
        }
    }
    std::string out;
    for (const auto& reply : replies)
        out += reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    co_await asio::async_write(socket, asio::buffer(out), asio::as_tuple(asio::use_awaitable));
}

} // namespace feedkeeper::daemon

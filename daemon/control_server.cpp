// daemon/control_server.cpp — accept loop and one coroutine per connection.
// Threading: the io_context's one thread.
#include "daemon/control_server.hpp"

#include "core/log.hpp"
#include "daemon/control_protocol.hpp"
#include "daemon/socket_directory.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

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
    if (auto prepared = prepare_socket_directory(path); !prepared)
        return prepared.error();
    struct stat status {};
    if (::lstat(path.c_str(), &status) == 0) {
        // Only a socket is ever ours to replace: anything else at this path (the archive given as
        // --socket by mistake, a config, a symlink) is left alone and the start refused.
        if (!S_ISSOCK(status.st_mode))
            return Error(Errc::invalid_argument, fmt::format("{} exists and is not a socket; refusing to replace it (is --socket pointing at the wrong file?)", path));
        // A live daemon answers; a stale socket (crash, kill -9) is ours to replace.
        asio::local::stream_protocol::socket probe(io);
        boost::system::error_code connect_error;
        probe.connect(asio::local::stream_protocol::endpoint(path), connect_error);
        if (!connect_error)
            return Error(Errc::busy, fmt::format("another feedkeeper daemon is already listening on {}", path));
        if (::lstat(path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode))
            ::unlink(path.c_str());
    }
    std::unique_ptr<ControlServer> server(new ControlServer(io, path, std::move(handler)));
    boost::system::error_code error;
    server->m_acceptor.open(asio::local::stream_protocol(), error);
    if (!error)
        server->m_acceptor.bind(asio::local::stream_protocol::endpoint(path), error);
    if (!error)
        server->m_acceptor.listen(max_control_connections, error);
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
    // Our socket only: if something else took the path meanwhile, it stays.
    struct stat status {};
    if (::lstat(m_path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode))
        ::unlink(m_path.c_str());
}

asio::awaitable<void> ControlServer::accept_loop()
{
    asio::steady_timer pause(m_acceptor.get_executor());
    while (m_acceptor.is_open()) {
        auto [ec, socket] = co_await m_acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !m_acceptor.is_open())
            co_return; // closed
        if (ec) {
            // Out of file descriptors (EMFILE, ENFILE), a client gone before we took it
            // (ECONNABORTED), no memory: none of it ends the control socket. The pending
            // connection stays in the backlog; pause so a full table does not spin the loop.
            log_event(LogLevel::warning, "control.accept_failed", { { "error", ec.message() }, { "retry_in_ms", accept_retry_pause.count() } });
            pause.expires_after(accept_retry_pause);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        if (m_connections >= max_control_connections) {
            // Refused in one line, at once: a flood of idle clients cannot make the CLI hang.
            log_event(LogLevel::warning, "control.busy", { { "connections", m_connections } });
            static const std::string busy = nlohmann::json { { "error", "the daemon has too many control connections open; try again" }, { "where", "control socket" }, { "exit", 1 } }.dump() + "\n";
            boost::system::error_code ignored;
            socket.non_blocking(true, ignored);
            socket.write_some(asio::buffer(busy), ignored);
            continue;
        }
        ++m_connections;
        asio::co_spawn(m_acceptor.get_executor(), serve(std::move(socket)), [this](std::exception_ptr) { --m_connections; });
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
        // While the command runs (a recrawl may take minutes), a progress line every few seconds
        // tells the client the daemon is alive: its timeout is per line, not per command.
        auto keepalive = std::make_shared<Keepalive>(socket.get_executor());
        asio::co_spawn(socket.get_executor(), send_keepalives(socket, keepalive), asio::detached);
        try {
            replies = co_await m_handler(request);
        } catch (const std::exception& error) {
            replies = { { { "error", error.what() }, { "where", "daemon" }, { "exit", 1 } } };
        }
        co_await keepalive->stop();
    }
    std::string out;
    for (const auto& reply : replies)
        out += reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    asio::steady_timer write_deadline(socket.get_executor(), std::chrono::seconds(30));
    co_await (asio::async_write(socket, asio::buffer(out), asio::as_tuple(asio::use_awaitable)) || write_deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
}

asio::awaitable<void> ControlServer::send_keepalives(asio::local::stream_protocol::socket& socket, std::shared_ptr<Keepalive> keepalive)
{
    static const std::string line = nlohmann::json { { "progress", "working" } }.dump() + "\n";
    while (!keepalive->stopping) {
        keepalive->timer.expires_after(keepalive_interval);
        co_await keepalive->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (keepalive->stopping)
            break;
        auto [ec, written] = co_await asio::async_write(socket, asio::buffer(line), asio::as_tuple(asio::use_awaitable));
        if (ec)
            break; // the client went away; the command still finishes
    }
    keepalive->finished = true;
    keepalive->done.cancel();
}

asio::awaitable<void> ControlServer::Keepalive::stop()
{
    stopping = true;
    timer.cancel();
    while (!finished)
        co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
}

} // namespace feedkeeper::daemon

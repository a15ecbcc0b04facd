// daemon/metrics.cpp — a minimal HTTP/1.0 responder for GET /metrics. Requests are capped at
// 8 KiB and served one response per connection. Threading: the io_context's one thread.
#include "daemon/metrics.hpp"

#include "daemon/web/server.hpp" // parse_listen_address

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

namespace feedkeeper::daemon {

MetricsServer::MetricsServer(asio::io_context& io, Render render) : m_acceptor(io), m_render(std::move(render)) { }

Result<std::unique_ptr<MetricsServer>> MetricsServer::listen(asio::io_context& io, const std::string& listen, Render render)
{
    auto parsed = web::parse_listen_address(listen);
    if (!parsed || parsed->port() == 0)
        return Error(Errc::invalid_argument, fmt::format("metrics_listen '{}' is not address:port", listen));
    if (!parsed->address().is_loopback())
        return Error(Errc::invalid_argument, fmt::format("metrics_listen '{}' must be a loopback address", listen));
    std::unique_ptr<MetricsServer> server(new MetricsServer(io, std::move(render)));
    const asio::ip::tcp::endpoint endpoint = *parsed;
    boost::system::error_code error;
    server->m_acceptor.open(endpoint.protocol(), error);
    if (!error)
        server->m_acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error)
        server->m_acceptor.bind(endpoint, error);
    if (!error)
        server->m_acceptor.listen(16, error);
    if (error)
        return Error(Errc::io, fmt::format("cannot listen for metrics on {}: {}", listen, error.message()));
    asio::co_spawn(io, server->accept_loop(), asio::detached);
    return server;
}

void MetricsServer::close()
{
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
}

asio::awaitable<void> MetricsServer::accept_loop()
{
    while (m_acceptor.is_open()) {
        auto [ec, socket] = co_await m_acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return;
        asio::co_spawn(m_acceptor.get_executor(), serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> MetricsServer::serve(asio::ip::tcp::socket socket)
{
    std::string request;
    auto [ec, length] = co_await asio::async_read_until(socket, asio::dynamic_buffer(request, 8192), "\r\n\r\n", asio::as_tuple(asio::use_awaitable));
    if (ec)
        co_return;
    std::string response;
    if (request.starts_with("GET /metrics ") || request.starts_with("GET / ")) {
        const std::string body = m_render();
        response = fmt::format("HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\n\r\n{}", body.size(), body);
    } else {
        response = "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    }
    co_await asio::async_write(socket, asio::buffer(response), asio::as_tuple(asio::use_awaitable));
}

} // namespace feedkeeper::daemon

// daemon/metrics.hpp — optional Prometheus text exposition on a loopback address (off unless
// `[daemon] metrics_listen` is set). Threading: the io_context's one thread.
#pragma once

#include "core/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

namespace feedkeeper::daemon {

namespace asio = boost::asio;

class MetricsServer {
public:
    using Render = std::function<std::string()>; // the exposition text, rendered per scrape

    // `listen` is "127.0.0.1:9464" or "[::1]:9464"; only loopback addresses are accepted.
    static Result<std::unique_ptr<MetricsServer>> listen(asio::io_context&, const std::string& listen, Render);
    void close();

private:
    MetricsServer(asio::io_context&, Render);
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(asio::ip::tcp::socket);

    asio::ip::tcp::acceptor m_acceptor;
    Render m_render;
};

} // namespace feedkeeper::daemon

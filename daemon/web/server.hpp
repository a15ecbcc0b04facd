// daemon/web/server.hpp — the web view's HTTP/1.1 server (Boost.Beast): GET and HEAD only, capped
// requests (target, headers, no body), a cap on connections, read timeouts, a bearer/basic token
// compared in constant time, the security headers on every response, ETag revalidation.
// Threading: accepts and speaks HTTP on the caller's io_context (the daemon's io thread, which
// also runs the crawler); every archive read runs on the server's own small thread pool, each
// worker with its own read-only connection, and the response is posted back. So a slow query
// never blocks the io thread, and the crawler's writer is never touched.
#pragma once

#include "core/error.hpp"
#include "daemon/status.hpp"
#include "store/archive.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace feedkeeper::daemon::web {

namespace asio = boost::asio;

struct WebRequest {
    bool head = false;
    std::string path;                         // as sent (still percent-encoded), without the query
    std::map<std::string, std::string> query; // decoded
    std::optional<DaemonInfo> daemon;         // the running daemon's counters (none for `serve`)
};

struct WebResponse {
    unsigned status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    // Served inside the capture page's sandboxed frame: CSP `sandbox` and same-origin framing only.
    bool sandboxed_capture = false;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct WebServerOptions {
    std::string listen = "127.0.0.1:8080";   // "ADDR:PORT", "[::1]:PORT"; port 0: any free port
    std::string token;                       // required for every request when set; required to listen off loopback
    std::size_t max_connections = 64;        // more are closed at once
    std::size_t max_header_bytes = 8 * 1024; // request line and headers (431 beyond)
    std::size_t max_target_bytes = 2048;     // 414 beyond
    std::size_t max_requests_per_connection = 1000;
    std::chrono::seconds read_timeout { 15 }; // for each request, from its first byte to its last
    std::size_t threads = 2;                  // archive readers
    std::size_t max_queued = 256;             // requests waiting for a reader (503 beyond)
};

// The "ADDR:PORT" of [web] listen / --listen; invalid_argument when it is not one.
Result<asio::ip::tcp::endpoint> parse_listen_address(const std::string& listen);

class WebServer {
public:
    // Runs on a worker thread with that worker's read-only archive.
    using Handler = std::function<WebResponse(const WebRequest&, store::Archive&)>;
    // Called on the io thread for each request that reads the archive (the daemon's counters).
    using DaemonSnapshot = std::function<std::optional<DaemonInfo>()>;

    // Binds and starts accepting. Refuses (invalid_argument) a non-loopback address without a token.
    static Result<std::unique_ptr<WebServer>> listen(asio::io_context&, WebServerOptions, std::filesystem::path archive, Handler, DaemonSnapshot = {});
    ~WebServer(); // stops accepting, waits for the readers
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const;
    void close();

    struct Shared;

private:
    explicit WebServer(std::shared_ptr<Shared>);
    std::shared_ptr<Shared> m_shared;
};

} // namespace feedkeeper::daemon::web

// daemon/web/server.cpp — see server.hpp. One coroutine per connection on the io_context; the
// archive work of a request is co_spawned onto the reader pool and awaited, which resumes the
// connection on the io_context. Connection coroutines hold the shared state (not the WebServer),
// so a server closed while requests are in flight never leaves them pointing at freed memory.
// Threading: io thread for sockets; reader threads only run Handler and borrow an archive from
// the mutex-guarded pool.
#include "daemon/web/server.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "daemon/web/html.hpp"
#include "daemon/web/style.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <mutex>

namespace feedkeeper::daemon::web {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// What every page may do: styles and images of its own origin, frames of its own origin (the
// capture page's sandboxed frame), nothing else — no script at all, archived or ours.
constexpr std::string_view page_policy
    = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// A raw capture: a unique opaque origin (sandbox without allow-*), no scripts, no subresources
// from anywhere, shown only inside our own frame.
constexpr std::string_view capture_policy = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

// Read-only connections, one per reader at most, opened when first needed.
class ArchivePool {
public:
    explicit ArchivePool(std::filesystem::path path) : m_path(std::move(path)) { }

    Result<std::unique_ptr<store::Archive>> acquire()
    {
        {
            std::lock_guard lock(m_mutex);
            if (!m_idle.empty()) {
                auto archive = std::move(m_idle.back());
                m_idle.pop_back();
                return archive;
            }
        }
        return store::Archive::open(m_path, store::OpenMode::read_only);
    }
    void release(std::unique_ptr<store::Archive> archive)
    {
        std::lock_guard lock(m_mutex);
        m_idle.push_back(std::move(archive));
    }

private:
    std::filesystem::path m_path;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<store::Archive>> m_idle;
};

// Equal in time independent of where they differ: both sides are hashed, then every byte of the
// digests is compared.
bool token_matches(std::string_view presented, std::string_view expected)
{
    const auto a = sha256(presented);
    const auto b = sha256(expected);
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

// The token of "Bearer T" or of "Basic base64(user:T)" (what a browser's login prompt sends).
std::optional<std::string> presented_token(std::string_view authorization)
{
    if (istarts_with(authorization, "Bearer "))
        return trim(authorization.substr(7));
    if (istarts_with(authorization, "Basic ")) {
        const std::string encoded = trim(authorization.substr(6));
        if (encoded.size() > 1024)
            return std::nullopt;
        // RFC 4648 base64, padding optional; any other character refuses the header.
        std::string decoded;
        std::uint32_t bits = 0;
        int count = 0;
        for (char c : encoded) {
            int value = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
            if (c == '=')
                break;
            if (value < 0)
                return std::nullopt;
            bits = (bits << 6) | static_cast<std::uint32_t>(value);
            if (++count == 4) {
                decoded.push_back(static_cast<char>(bits >> 16));
                decoded.push_back(static_cast<char>(bits >> 8));
                decoded.push_back(static_cast<char>(bits));
                bits = 0;
                count = 0;
            }
        }
        if (count == 2)
            decoded.push_back(static_cast<char>(bits >> 4));
        else if (count == 3) {
            decoded.push_back(static_cast<char>(bits >> 10));
            decoded.push_back(static_cast<char>(bits >> 2));
        } else if (count == 1)
            return std::nullopt;
        const auto colon = decoded.find(':');
        return colon == std::string::npos ? decoded : decoded.substr(colon + 1);
    }
    return std::nullopt;
}

// Without a token the view answers only requests addressed to a loopback name: a web page that
// rebinds its own domain to 127.0.0.1 (DNS rebinding) cannot read the archive.
bool loopback_host(std::string_view host)
{
    std::string name(host);
    if (name.starts_with('[')) {
        const auto close = name.find(']');
        name = close == std::string::npos ? name : name.substr(1, close - 1);
    } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
        name = name.substr(0, colon);
    }
    name = ascii_lower(name);
    if (name == "localhost")
        return true;
    boost::system::error_code error;
    const auto address = asio::ip::make_address(name, error);
    return !error && address.is_loopback();
}

WebResponse plain(unsigned status, std::string message)
{
    WebResponse response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(message) + "\n";
    return response;
}

} // namespace

struct WebServer::Shared {
    Shared(asio::io_context& io, WebServerOptions options_, std::filesystem::path path, Handler handler_, DaemonSnapshot snapshot_)
        : acceptor(io), options(std::move(options_)), archives(std::move(path)), handler(std::move(handler_)), snapshot(std::move(snapshot_)),
          readers(options.threads)
    {
    }

    tcp::acceptor acceptor;
    WebServerOptions options;
    ArchivePool archives;
    Handler handler;
    DaemonSnapshot snapshot;
    asio::thread_pool readers;
    std::size_t connections = 0;      // io thread only
    std::atomic<std::size_t> queued = 0; // requests handed to the readers and not yet answered
};

namespace {

using Shared = WebServer::Shared;

asio::awaitable<WebResponse> run_handler(std::shared_ptr<Shared> shared, WebRequest request)
{
    // On a reader thread: borrow a connection, answer, give it back (also when the handler throws).
    struct Done {
        Shared& shared;
        ~Done() { --shared.queued; }
    } done { *shared };
    auto archive = shared->archives.acquire();
    if (!archive)
        co_return plain(503, "the archive cannot be read: " + archive.error().message);
    WebResponse response;
    try {
        response = shared->handler(request, **archive);
    } catch (const std::exception& exception) {
        response = plain(500, std::string("internal error: ") + exception.what());
    }
    shared->archives.release(std::move(*archive));
    co_return response;
}

asio::awaitable<WebResponse> answer(std::shared_ptr<Shared> shared, const http::request<http::string_body>& request)
{
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        WebResponse response = plain(405, "only GET and HEAD: this view changes nothing");
        response.headers.emplace_back("Allow", "GET, HEAD");
        co_return response;
    }
    const std::string_view target(request.target().data(), request.target().size());
    if (target.size() > shared->options.max_target_bytes)
        co_return plain(414, "the address is too long");
    if (!target.starts_with('/'))
        co_return plain(400, "the request target must be a path");
    const std::string& token = shared->options.token;
    if (token.empty()) {
        if (!loopback_host(std::string_view(request[http::field::host].data(), request[http::field::host].size())))
            co_return plain(403, "this view answers only to localhost, 127.0.0.1 or [::1] (set [web] token to serve other names)");
    } else {
        const auto presented = presented_token(std::string_view(request[http::field::authorization].data(), request[http::field::authorization].size()));
        if (!presented) {
            WebResponse response = plain(401, "a token is required (Authorization: Bearer TOKEN, or any user name with the token as password)");
            response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"feedkeeper\", charset=\"UTF-8\"");
            co_return response;
        }
        if (!token_matches(*presented, token))
            co_return plain(403, "wrong token");
    }
    WebRequest web;
    web.head = request.method() == http::verb::head;
    const auto question = target.find('?');
    web.path = std::string(target.substr(0, question));
    auto query = parse_query(question == std::string_view::npos ? std::string_view() : target.substr(question + 1));
    if (!query)
        co_return plain(400, fmt::format("malformed query string (at most {} parameters of {} bytes)", max_query_parameters, max_query_value));
    web.query = std::move(*query);
    if (web.path == "/static/style.css") {
        WebResponse css;
        css.content_type = "text/css; charset=utf-8";
        css.body = std::string(style_sheet);
        co_return css;
    }
    if (shared->queued.load() >= shared->options.max_queued) {
        WebResponse busy = plain(503, "busy: too many requests waiting for the archive; try again");
        busy.headers.emplace_back("Retry-After", "1");
        co_return busy;
    }
    if (shared->snapshot)
        web.daemon = shared->snapshot();
    ++shared->queued;
    co_return co_await asio::co_spawn(shared->readers.get_executor(), run_handler(shared, std::move(web)), asio::use_awaitable);
}

http::response<http::string_body> to_http(WebResponse response, const http::request<http::string_body>& request)
{
    http::response<http::string_body> out { static_cast<http::status>(response.status), request.version() };
    out.set(http::field::server, "feedkeeper");
    out.set(http::field::content_type, response.content_type);
    out.set("Content-Security-Policy", response.sandboxed_capture ? capture_policy : page_policy);
    out.set(http::field::x_frame_options, response.sandboxed_capture ? "SAMEORIGIN" : "DENY");
    out.set("X-Content-Type-Options", "nosniff");
    out.set("Referrer-Policy", "no-referrer");
    out.set("Cross-Origin-Opener-Policy", "same-origin");
    out.set("Cross-Origin-Resource-Policy", "same-origin");
    out.set(http::field::cache_control, "no-cache");
    for (const auto& [name, value] : response.headers)
        out.set(name, value);
    if (response.status == 200) {
        // Revalidation: the same bytes have the same tag, so an unchanged page costs a 304.
        const std::string etag = "\"" + sha256_hex(response.body).substr(0, 32) + "\"";
        out.set(http::field::etag, etag);
        const auto match = request[http::field::if_none_match];
        if (std::string_view(match.data(), match.size()) == etag) {
            out.result(http::status::not_modified);
            out.erase(http::field::content_type);
            out.keep_alive(request.keep_alive());
            return out;
        }
    }
    const std::size_t length = response.body.size();
    if (request.method() != http::verb::head)
        out.body() = std::move(response.body);
    out.content_length(length);
    out.keep_alive(request.keep_alive());
    return out;
}

// An answer to a request that could not be read; the connection closes after it.
asio::awaitable<void> refuse(beast::tcp_stream& stream, unsigned status, std::string_view message)
{
    WebResponse response = plain(status, std::string(message));
    http::request<http::string_body> none { http::verb::get, "/", 11 };
    none.keep_alive(false);
    auto out = to_http(std::move(response), none);
    out.keep_alive(false);
    co_await http::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> serve_connection(std::shared_ptr<Shared> shared, tcp::socket socket)
{
    struct Counted {
        Shared& shared;
        ~Counted() { --shared.connections; }
    } counted { *shared };
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (std::size_t served = 0; served < shared->options.max_requests_per_connection; ++served) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(shared->options.max_header_bytes));
        parser.body_limit(0); // GET and HEAD carry no body; any is refused before it is read
        stream.expires_after(shared->options.read_timeout);
        auto [read_error, read] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        if (read_error == http::error::header_limit) {
            co_await refuse(stream, 431, "request headers too large");
            break;
        }
        if (read_error == http::error::body_limit) {
            co_await refuse(stream, 413, "a request body is not accepted");
            break;
        }
        if (read_error == http::error::end_of_stream || read_error == beast::error::timeout || read_error == asio::error::eof
            || read_error == asio::error::connection_reset || read_error == asio::error::operation_aborted)
            break;
        if (read_error) {
            co_await refuse(stream, 400, "malformed request: " + read_error.message());
            break;
        }
        stream.expires_never(); // the archive may take its time; the reader pool bounds the work
        const http::request<http::string_body> request = parser.release();
        WebResponse response = co_await answer(shared, request);
        auto out = to_http(std::move(response), request);
        const bool keep_alive = out.keep_alive();
        stream.expires_after(shared->options.read_timeout); // a client that does not read its answer is dropped
        auto [write_error, written] = co_await http::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
        if (write_error || !keep_alive)
            break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<Shared> shared)
{
    while (shared->acceptor.is_open()) {
        auto [error, socket] = co_await shared->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (error == asio::error::operation_aborted || !shared->acceptor.is_open())
            co_return;
        if (error)
            continue; // EMFILE and the like: this connection is lost, the next may succeed
        if (shared->connections >= shared->options.max_connections) {
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        ++shared->connections;
        asio::co_spawn(shared->acceptor.get_executor(), serve_connection(shared, std::move(socket)), asio::detached);
    }
}

} // namespace

Result<tcp::endpoint> parse_listen_address(const std::string& listen)
{
    const auto colon = listen.rfind(':');
    const auto invalid = [&] { return Error(Errc::invalid_argument, fmt::format("'{}' is not ADDR:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)", listen)); };
    if (colon == std::string::npos || colon == 0)
        return invalid();
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    boost::system::error_code error;
    const auto address = asio::ip::make_address(host, error);
    const std::string port_text = listen.substr(colon + 1);
    unsigned port = 0;
    const auto [end, parse_error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error || parse_error != std::errc() || end != port_text.data() + port_text.size() || port_text.empty() || port > 65535)
        return invalid();
    return tcp::endpoint(address, static_cast<unsigned short>(port));
}

WebServer::WebServer(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) { }

WebServer::~WebServer()
{
    close();
    m_shared->readers.join();
}

Result<std::unique_ptr<WebServer>> WebServer::listen(asio::io_context& io, WebServerOptions options, std::filesystem::path archive, Handler handler, DaemonSnapshot snapshot)
{
    auto endpoint = parse_listen_address(options.listen);
    if (!endpoint)
        return endpoint.error();
    if (!endpoint->address().is_loopback() && options.token.empty())
        return Error(Errc::invalid_argument,
            fmt::format("refusing to serve the archive on {}, which is not a loopback address, without a token: set [web] token, --token or $FEEDKEEPER_WEB_TOKEN", options.listen));
    auto shared = std::make_shared<Shared>(io, std::move(options), std::move(archive), std::move(handler), std::move(snapshot));
    boost::system::error_code error;
    shared->acceptor.open(endpoint->protocol(), error);
    if (!error)
        shared->acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error)
        shared->acceptor.bind(*endpoint, error);
    if (!error)
        shared->acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error)
        return Error(Errc::io, fmt::format("cannot listen on {}: {}", shared->options.listen, error.message()));
    asio::co_spawn(io, accept_loop(shared), asio::detached);
    return std::unique_ptr<WebServer>(new WebServer(std::move(shared)));
}

tcp::endpoint WebServer::local_endpoint() const
{
    boost::system::error_code ignored;
    return m_shared->acceptor.local_endpoint(ignored);
}

void WebServer::close()
{
    boost::system::error_code ignored;
    m_shared->acceptor.close(ignored);
}

} // namespace feedkeeper::daemon::web

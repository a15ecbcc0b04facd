// tests/support/http_server.cpp — a small keep-alive HTTP/1.1 server on Asio coroutines, with the
// faults hostile servers produce. Threading: one background thread runs the io_context; the
// route table and request log are shared with the test thread under m_mutex.
#include "tests/support/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace feedkeeper::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

struct HttpTestServer::Impl {
    asio::io_context io;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::thread thread;
    mutable std::mutex mutex;
    std::map<std::string, Handler> routes;
    std::vector<RecordedRequest> log;
    std::string base_url;

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor);
    asio::awaitable<void> serve(tcp::socket socket);
    asio::awaitable<void> respond(tcp::socket& socket, const TestResponse& response, bool& keep_alive);
    Handler find(const std::string& path);
};

namespace {

std::string reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

std::string lower(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string trim_copy(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

} // namespace

std::string replace_base(std::string text, const std::string& base)
{
    const std::string token = "__BASE__";
    for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + base.size()))
        text.replace(at, token.size(), base);
    return text;
}

std::string gzip(const std::string& data)
{
    z_stream stream {};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, data.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

HttpTestServer::HttpTestServer(std::vector<std::string> addresses, unsigned short port)
    : m_impl(std::make_unique<Impl>())
    , m_addresses(std::move(addresses))
{
    for (const std::string& address : m_addresses) {
        auto acceptor = std::make_unique<tcp::acceptor>(m_impl->io);
        tcp::endpoint endpoint(asio::ip::make_address(address), port);
        acceptor->open(endpoint.protocol());
        acceptor->set_option(asio::socket_base::reuse_address(true));
        acceptor->bind(endpoint);
        acceptor->listen(1024);
        port = acceptor->local_endpoint().port(); // every further address shares the first one's port
        m_impl->acceptors.push_back(std::move(acceptor));
    }
    m_port = port;
    m_impl->base_url = base_url(0);
    for (auto& acceptor : m_impl->acceptors)
        asio::co_spawn(m_impl->io, m_impl->accept_loop(*acceptor), asio::detached);
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->io.run(); });
}

HttpTestServer::~HttpTestServer()
{
    m_impl->io.stop();
    if (m_impl->thread.joinable())
        m_impl->thread.join();
}

std::string HttpTestServer::base_url(std::size_t index) const
{
    return "http://" + m_addresses.at(index) + ":" + std::to_string(m_port);
}

void HttpTestServer::route(const std::string& path, Handler handler)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->routes[path] = std::move(handler);
}

void HttpTestServer::route(const std::string& path, TestResponse response)
{
    route(path, [response](const RecordedRequest&) { return response; });
}

void HttpTestServer::serve_directory(const std::string& directory, const std::string& prefix)
{
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        const std::string relative = std::filesystem::relative(entry.path(), directory).generic_string();
        std::string type = "application/octet-stream";
        const std::string extension = entry.path().extension().string();
        if (extension == ".html")
            type = "text/html; charset=utf-8";
        else if (extension == ".xml")
            type = "application/rss+xml; charset=utf-8";
        else if (extension == ".txt")
            type = "text/plain; charset=utf-8";
        const std::string body = replace_base(content.str(), base_url(0));
        route(prefix + relative, [body, type](const RecordedRequest&) {
            TestResponse response;
            response.headers.push_back({ "Content-Type", type });
            response.body = body;
            return response;
        });
    }
}

std::vector<RecordedRequest> HttpTestServer::requests() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->log;
}

std::size_t HttpTestServer::request_count(const std::string& target) const
{
    std::lock_guard lock(m_impl->mutex);
    std::size_t count = 0;
    for (const auto& request : m_impl->log)
        count += request.target == target;
    return count;
}

void HttpTestServer::clear_requests()
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->log.clear();
}

HttpTestServer::Handler HttpTestServer::Impl::find(const std::string& path)
{
    std::lock_guard lock(mutex);
    auto it = routes.find(path);
    if (it != routes.end())
        return it->second;
    return [](const RecordedRequest&) {
        TestResponse response;
        response.status = 404;
        response.body = "not found";
        return response;
    };
}

asio::awaitable<void> HttpTestServer::Impl::accept_loop(tcp::acceptor& acceptor)
{
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return;
        asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> HttpTestServer::Impl::serve(tcp::socket socket)
{
    std::string buffer;
    for (;;) {
        auto [ec, bytes] = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer, 64 * 1024), "\r\n\r\n",
            asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return;
        const std::string head = buffer.substr(0, bytes);
        buffer.erase(0, bytes);

        RecordedRequest request;
        request.received_at = std::chrono::steady_clock::now();
        boost::system::error_code local_ec;
        request.host_address = socket.local_endpoint(local_ec).address().to_string();
        std::istringstream lines(head);
        std::string line;
        std::getline(lines, line);
        std::istringstream request_line(line);
        request_line >> request.method >> request.target;
        while (std::getline(lines, line)) {
            const auto colon = line.find(':');
            if (colon != std::string::npos)
                request.headers[lower(trim_copy(line.substr(0, colon)))] = trim_copy(line.substr(colon + 1));
        }
        {
            std::lock_guard lock(mutex);
            log.push_back(request);
        }
        const std::string path = request.target.substr(0, request.target.find('?'));
        const TestResponse response = find(path)(request);
        bool keep_alive = lower(request.headers["connection"]) != "close";
        co_await respond(socket, response, keep_alive);
        if (!keep_alive)
            co_return;
    }
}

asio::awaitable<void> HttpTestServer::Impl::respond(tcp::socket& socket, const TestResponse& response, bool& keep_alive)
{
    asio::steady_timer timer(socket.get_executor());
    if (response.delay.count() > 0) {
        timer.expires_after(response.delay);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (response.fault == Fault::reset) {
        socket.set_option(asio::socket_base::linger(true, 0));
        socket.close();
        keep_alive = false;
        co_return;
    }
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) + "\r\n";
    for (const auto& [name, value] : response.headers)
        head += name + ": " + value + "\r\n";
    const bool chunked = response.chunked || response.fault == Fault::truncated_chunked;
    if (chunked)
        head += "Transfer-Encoding: chunked\r\n";
    else if (response.fault == Fault::lying_length)
        head += "Content-Length: " + std::to_string(response.body.size() * 2 + 10) + "\r\n";
    else if (!response.omit_content_length && response.fault != Fault::endless_headers)
        head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    if (response.fault == Fault::gzip_bomb)
        head += "Content-Encoding: gzip\r\n";
    if (response.omit_content_length && !chunked)
        keep_alive = false; // the body ends when the connection does
    if (response.fault != Fault::none && response.fault != Fault::gzip_bomb)
        keep_alive = false;

    auto write = [&socket](std::string_view data) -> asio::awaitable<bool> {
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
        co_return !ec;
    };

    if (response.fault == Fault::endless_headers) {
        if (!co_await write(head))
            co_return;
        const std::string filler = "X-Filler: " + std::string(1000, 'a') + "\r\n";
        for (;;)
            if (!co_await write(filler))
                co_return;
    }
    if (!keep_alive)
        head += "Connection: close\r\n";
    head += "\r\n";
    if (!co_await write(head))
        co_return;

    const std::string& body = response.body;
    switch (response.fault) {
    case Fault::slow_drip:
        for (char c : body) {
            timer.expires_after(response.drip_interval);
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (!co_await write(std::string_view(&c, 1)))
                co_return;
        }
        break;
    case Fault::stall_mid_body:
        co_await write(std::string_view(body).substr(0, body.size() / 2));
        timer.expires_after(1h);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        break;
    case Fault::truncated_chunked: {
        std::ostringstream chunk;
        chunk << std::hex << body.size() << "\r\n" << body << "\r\n"; // no terminating 0-chunk
        co_await write(chunk.str());
        break;
    }
    default:
        if (chunked) {
            std::ostringstream chunk;
            if (!body.empty())
                chunk << std::hex << body.size() << "\r\n" << body << "\r\n";
            chunk << "0\r\n\r\n";
            co_await write(chunk.str());
        } else if (response.status != 304 && response.status != 204) {
            co_await write(body);
        }
    }
    if (!keep_alive) {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }
}

} // namespace feedkeeper::testing

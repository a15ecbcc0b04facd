// tests/support/http_server.hpp — the project's own HTTP/1.1 test server with fault injection.
// Threading: owns one background thread running its io_context; routes are registered before
// start() or under the internal mutex; request records are read under the same mutex.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace feedkeeper::testing {

enum class Fault {
    none,
    slow_drip,        // body trickles out one byte every `drip_interval`
    stall_mid_body,   // sends half the body, then nothing, connection kept open
    reset,            // closes the socket with RST after reading the request
    truncated_chunked,// chunked body that ends without the terminating chunk
    endless_headers,  // header lines forever
    gzip_bomb,        // `body` is sent as-is with Content-Encoding: gzip (caller supplies the bomb)
    lying_length,     // Content-Length larger than the body, then close
};

struct TestResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    Fault fault = Fault::none;
    std::chrono::milliseconds delay { 0 };        // before the response starts
    std::chrono::milliseconds drip_interval { 50 };
    bool chunked = false;
    bool omit_content_length = false;
};

struct RecordedRequest {
    std::string method;
    std::string target;
    std::string host_address; // the local address the request arrived on
    std::map<std::string, std::string> headers; // lower-case names
    std::chrono::steady_clock::time_point received_at;
};

class HttpTestServer {
public:
    using Handler = std::function<TestResponse(const RecordedRequest&)>;

    // Listens on port 0 of each address (default 127.0.0.1), or on `port` when given.
    explicit HttpTestServer(std::vector<std::string> addresses = { "127.0.0.1" }, unsigned short port = 0);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    void route(const std::string& path, Handler);
    void route(const std::string& path, TestResponse);
    // Serves every file under `directory` at "/<relative path>", with `__BASE__` replaced by base_url().
    void serve_directory(const std::string& directory, const std::string& prefix = "/");
    // Default for unknown paths: 404.

    unsigned short port() const { return m_port; }
    std::string base_url(std::size_t address_index = 0) const;
    std::vector<RecordedRequest> requests() const;
    std::size_t request_count(const std::string& target) const;
    void clear_requests();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    unsigned short m_port = 0;
    std::vector<std::string> m_addresses;
};

// Replaces every "__BASE__" in `text` with `base`.
std::string replace_base(std::string text, const std::string& base);

// gzip-compresses `data` (zlib), for serving compressed bodies and bombs.
std::string gzip(const std::string& data);

} // namespace feedkeeper::testing

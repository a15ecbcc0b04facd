// tests/support/web_client.hpp — requests to the web view as a client sends them: libcurl for
// well-formed ones (proxies off, the path sent as written, "../" included), a plain TCP socket
// for the malformed and oversized ones libcurl would never send.
// Threading: blocks the calling thread; no shared state (libcurl's global init is done once).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace feedkeeper::testing {

struct WebReply {
    long status = 0;                           // 0 when no response arrived (see error)
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    std::string error;
    std::string header(const std::string& name) const
    {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// `method` GET, HEAD or any other verb; `headers` as "Name: value".
WebReply web_request(const std::string& url, const std::vector<std::string>& headers = {}, const std::string& method = "GET",
    std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));

// Sends `request` as is to 127.0.0.1:`port` and returns every byte the server sends until it
// closes the connection or `timeout` passes.
std::string raw_exchange(unsigned short port, const std::string& request, std::chrono::milliseconds timeout = std::chrono::milliseconds(5'000));

// A loopback TCP port free now (bound, read, released), for a server that must be given a number
// ([web] listen); 0 if the system gave none.
unsigned short free_loopback_port();

} // namespace feedkeeper::testing

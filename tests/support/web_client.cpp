// tests/support/web_client.cpp — see web_client.hpp. Threading: the caller's.
#include "tests/support/web_client.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <algorithm>
#include <cctype>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace feedkeeper::testing {
namespace {

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
    auto& headers = *static_cast<std::map<std::string, std::string>*>(user);
    const std::string line(data, size * count);
    if (line.starts_with("HTTP/"))
        headers.clear(); // a new response (after a 100 Continue): its own headers only
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.pop_back();
        headers[name] = value;
    }
    return size * count;
}

} // namespace

WebReply web_request(const std::string& url, const std::vector<std::string>& headers, const std::string& method, std::chrono::milliseconds timeout)
{
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)initialised;
    WebReply reply;
    std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
    std::unique_ptr<curl_slist, SlistDeleter> list;
    for (const std::string& header : headers)
        list.reset(curl_slist_append(list.release(), header.c_str()));
    curl_easy_setopt(handle.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle.get(), CURLOPT_NOPROXY, "*");
    curl_easy_setopt(handle.get(), CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(handle.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(handle.get(), CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(handle.get(), CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle.get(), CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(handle.get(), CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle.get(), CURLOPT_HEADERDATA, &reply.headers);
    if (method == "HEAD")
        curl_easy_setopt(handle.get(), CURLOPT_NOBODY, 1L);
    else if (method != "GET")
        curl_easy_setopt(handle.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    const CURLcode code = curl_easy_perform(handle.get());
    if (code != CURLE_OK)
        reply.error = curl_easy_strerror(code);
    curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

unsigned short free_loopback_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    unsigned short port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

std::string raw_exchange(unsigned short port, const std::string& request, std::chrono::milliseconds timeout)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return {};
    std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* owned) { ::close(*owned); delete owned; });
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return {};
    std::size_t sent = 0;
    while (sent < request.size()) {
        const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; // the server may close early (a refused request): read what it said
        sent += static_cast<std::size_t>(n);
    }
    std::string received;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        pollfd poller { fd, POLLIN, 0 };
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (::poll(&poller, 1, static_cast<int>(std::max<long>(left, 1))) <= 0)
            break;
        char buffer[4096];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
}

} // namespace feedkeeper::testing

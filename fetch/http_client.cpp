// fetch/http_client.cpp — configures one easy handle per request and maps libcurl's outcome to a
// readable Result. Threading: the io_context thread; the callbacks below run inside
// curl_multi_socket_action() on that same thread.
#include "fetch/http_client.hpp"

#include "core/text.hpp"
#include "core/url.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <utility>
#include <vector>

namespace feedkeeper::fetch {
namespace {

struct TransferState {
    const FetchLimits* limits = nullptr;
    const std::vector<std::string>* accepted_content_types = nullptr;
    HttpResponse response;
    std::size_t header_bytes = 0;
    bool body_too_large = false;
    OversizedBody oversized_body = OversizedBody::fail;
    bool headers_too_large = false;
    bool address_blocked = false;
    bool body_started = false;
    bool redirect_body_dropped = false; // a 3xx with Location: its body is not read
    bool header_block_ended = false; // the final response's empty line arrived
    bool content_type_refused = false;
    std::string blocked_address;
    bool private_allowed = false; // by the request's AddressPolicy for this URL's host
    bool guard_addresses = true;  // off through a proxy: the connection is to the proxy the user chose
    std::string request_head; // the last request's header block as sent
    std::array<char, CURL_ERROR_SIZE> error_buffer {};
};

bool final_content_type_refused(const TransferState& state)
{
    const long status = state.response.status;
    if (status < 200 || status >= 300 || state.accepted_content_types->empty())
        return false;
    const auto type = find_header(state.response.headers, "content-type");
    return !content_type_accepted(type.value_or(""), *state.accepted_content_types);
}

// The proxy libcurl would take from the environment for `url`'s scheme, in its order: <scheme>_proxy
// (for http only the lower-case name: HTTP_PROXY can be set by a CGI request), then all_proxy.
std::string environment_proxy_for(std::string_view url)
{
    const std::string scheme = url_scheme(url);
    std::vector<std::string> names { scheme + "_proxy" };
    if (scheme != "http") {
        std::string upper = names.front();
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        names.push_back(std::move(upper));
    }
    names.insert(names.end(), { "all_proxy", "ALL_PROXY" });
    for (const std::string& name : names)
        if (const char* value = std::getenv(name.c_str()); value && *value)
            return value;
    return {};
}

bool is_followed_redirect(const TransferState& state)
{
    return is_redirect_status(state.response.status) && find_header(state.response.headers, "location");
}

// Content-Length over the cap, refused before the body. Not libcurl's CURLOPT_MAXFILESIZE: that
// also refuses a redirect's body, which nobody reads, and a 304's announced size.
bool body_announced_too_large(const TransferState& state)
{
    const long status = state.response.status;
    if (state.oversized_body != OversizedBody::fail || status == 204 || status == 304 || is_followed_redirect(state))
        return false;
    const auto length = find_header(state.response.headers, "content-length");
    std::uint64_t bytes = 0;
    if (!length || std::from_chars(length->data(), length->data() + length->size(), bytes).ec != std::errc())
        return false; // absent or unreadable: on_body counts what arrives
    return bytes > state.limits->max_body_bytes;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
    auto& state = *static_cast<TransferState*>(user);
    const std::size_t bytes = size * count;
    if (is_followed_redirect(state)) {
        // Nobody reads a redirect's body, and it must not count against the body cap or hold the
        // slot: end the transfer here (the connection is then closed, not reused).
        state.redirect_body_dropped = true;
        return 0;
    }
    if (!std::exchange(state.body_started, true)) {
        if (final_content_type_refused(state)) {
            state.content_type_refused = true;
            return 0; // before any byte is kept: libcurl fails with CURLE_WRITE_ERROR
        }
        // One allocation for the announced size (encoded bytes: a lower bound when compressed),
        // never beyond the cap, instead of a string grown and copied chunk by chunk.
        if (const auto length = find_header(state.response.headers, "content-length")) {
            std::uint64_t announced = 0;
            if (std::from_chars(length->data(), length->data() + length->size(), announced).ec == std::errc())
                state.response.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(announced, state.limits->max_body_bytes)));
        }
    }
    if (state.response.body.size() + bytes > state.limits->max_body_bytes) {
        if (state.oversized_body == OversizedBody::truncate) {
            state.response.body.append(data, state.limits->max_body_bytes - state.response.body.size());
            state.response.body_truncated = true; // the CURLE_WRITE_ERROR that follows is this, not a failure
        } else {
            state.body_too_large = true;
        }
        return 0; // libcurl ends the transfer with CURLE_WRITE_ERROR
    }
    state.response.body.append(data, bytes);
    return bytes;
}

// Called once per header line, status lines included (interim 1xx responses too).
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
    auto& state = *static_cast<TransferState*>(user);
    const std::size_t bytes = size * count;
    state.header_bytes += bytes;
    if (state.header_bytes > state.limits->max_header_bytes) {
        state.headers_too_large = true;
        return 0;
    }
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    HttpResponse& response = state.response;
    state.header_block_ended = line.empty() && response.status >= 200;
    if (state.header_block_ended && body_announced_too_large(state)) {
        state.body_too_large = true;
        return 0; // libcurl ends the transfer before the body (CURLE_WRITE_ERROR)
    }
    if (line.starts_with("HTTP/")) {
        const auto space = line.find(' ');
        const long status = space == std::string_view::npos ? 0 : std::atol(std::string(line.substr(space + 1, 3)).c_str());
        if (status >= 100 && status < 200)
            return bytes; // interim response; its headers are not the final ones
        response.status = status;
        response.http_version = std::string(line.substr(0, space));
        response.headers.clear();
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && colon > 0)
        response.headers.push_back({ trim(line.substr(0, colon)), trim(line.substr(colon + 1)) });
    return bytes;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user)
{
    if (type == CURLINFO_HEADER_OUT)
        static_cast<TransferState*>(user)->request_head.assign(data, size);
    return 0;
}

bool refuse_address(TransferState& state, const char* address)
{
    if (!state.guard_addresses || state.private_allowed || !is_private_address(address))
        return false;
    state.address_blocked = true;
    state.blocked_address = address;
    return true;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address)
{
    auto& state = *static_cast<TransferState*>(user);
    if (purpose == CURLSOCKTYPE_IPCXN) {
        char text[INET6_ADDRSTRLEN] = {};
        if (address->family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
        else if (address->family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
        if (refuse_address(state, text))
            return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

// Runs before the request, also on a reused connection, which the open-socket guard never sees
// (another transfer may have opened it with private addresses allowed).
int on_request_ready(void* user, char* remote_ip, char*, int, int)
{
    auto& state = *static_cast<TransferState*>(user);
    return remote_ip && refuse_address(state, remote_ip) ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

HttpHeaders parse_request_head(std::string_view head)
{
    HttpHeaders headers;
    for (std::string_view line : split(head, '\n')) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || line.starts_with("GET "))
            continue;
        headers.push_back({ trim(line.substr(0, colon)), trim(line.substr(colon + 1)) });
    }
    return headers;
}

// libcurl refuses a single header line over CURL_MAX_HTTP_HEADER (100 KiB) before our header
// callback sees it, and reports that as out of memory without a message.
bool header_line_too_long(CURLcode code, const TransferState& state)
{
    return code == CURLE_OUT_OF_MEMORY && !state.header_block_ended;
}

std::string describe_failure(CURLcode code, const TransferState& state, const FetchLimits& limits)
{
    if (state.body_too_large)
        return fmt::format("response body larger than the {} byte limit", limits.max_body_bytes);
    if (state.headers_too_large)
        return fmt::format("response headers larger than the {} byte limit", limits.max_header_bytes);
    if (header_line_too_long(code, state))
        return "response header line longer than libcurl's 100 KiB limit";
    if (state.content_type_refused)
        return fmt::format("Content-Type \"{}\" is not one of the accepted types ({})",
            find_header(state.response.headers, "content-type").value_or(""), fmt::join(*state.accepted_content_types, ", "));
    if (state.address_blocked)
        return fmt::format("refused to connect to private address {} (only a feed's own origin may be internal; see [fetch] allow_private_addresses)", state.blocked_address);
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST: return "could not resolve host";
    case CURLE_COULDNT_CONNECT: return "could not connect (connection refused or host unreachable)";
    case CURLE_OPERATION_TIMEDOUT: return fmt::format("timed out ({})", state.error_buffer[0] ? state.error_buffer.data() : "no progress");
    case CURLE_UNSUPPORTED_PROTOCOL: return "URL to a scheme other than http/https refused";
    case CURLE_RECV_ERROR: return "connection reset while receiving";
    case CURLE_SEND_ERROR: return "connection reset while sending";
    case CURLE_GOT_NOTHING: return "server closed the connection without a response";
    case CURLE_PARTIAL_FILE: return "response body truncated (connection closed early)";
    case CURLE_BAD_CONTENT_ENCODING: return "response body could not be decompressed";
    case CURLE_PEER_FAILED_VERIFICATION: return "TLS certificate not trusted";
    case CURLE_SSL_CONNECT_ERROR: return "TLS handshake failed";
    case CURLE_ABORTED_BY_CALLBACK: return "cancelled";
    default: break;
    }
    const std::string detail = state.error_buffer[0] ? std::string(state.error_buffer.data()) : curl_easy_strerror(code);
    return fmt::format("transfer failed: {}", detail);
}

Errc classify(CURLcode code, const TransferState& state)
{
    if (state.body_too_large || state.headers_too_large || header_line_too_long(code, state))
        return Errc::too_large;
    if (state.address_blocked)
        return Errc::blocked;
    if (state.content_type_refused)
        return Errc::unsupported;
    if (code == CURLE_OPERATION_TIMEDOUT)
        return Errc::timeout;
    if (code == CURLE_ABORTED_BY_CALLBACK)
        return Errc::cancelled;
    if (code == CURLE_UNSUPPORTED_PROTOCOL)
        return Errc::unsupported;
    return Errc::network;
}

} // namespace

std::string default_user_agent() { return "feedkeeper/" FEEDKEEPER_VERSION " (+https://github.com/feedkeeper/feedkeeper)"; }

HttpClient::HttpClient(CurlMulti& multi) : m_multi(multi) { }

boost::asio::awaitable<Result<HttpResponse>> HttpClient::fetch(FetchRequest request)
{
    if (!is_http_url(request.url))
        co_return Error(Errc::invalid_argument, "not an http(s) URL");
    EasyHandle easy(curl_easy_init());
    if (!easy)
        co_return Error(Errc::io, "curl_easy_init failed");
    TransferState state;
    state.limits = &request.limits;
    state.accepted_content_types = &request.accepted_content_types;
    state.oversized_body = request.oversized_body;
    state.private_allowed = request.address_policy == AddressPolicy::allow_private
        || (request.address_policy == AddressPolicy::private_origin
            && (request.private_origin_url.empty() || same_origin_or_https_upgrade(request.private_origin_url, request.url)));
    state.response.url = request.url;
    state.response.fetched_at = now_utc();

    HeaderList headers;
    bool headers_ok = true;
    auto add_header = [&](const std::string& line) { headers_ok = headers_ok && append_header(headers, line.c_str()); };
    if (!request.etag.empty())
        add_header("If-None-Match: " + request.etag);
    if (!request.last_modified.empty())
        add_header("If-Modified-Since: " + request.last_modified);
    // A header with CR or LF would add lines of its own on the wire (header injection): the
    // command line and the config refuse them; one stored before they did is refused here.
    for (const HttpHeader& header : request.headers)
        if (has_line_break_or_nul(header.name) || has_line_break_or_nul(header.value))
            co_return Error(Errc::invalid_argument, fmt::format("request header '{}' holds a line break; fix the feed's headers", sanitize_utf8(header.name.substr(0, header.name.find_first_of("\r\n")))));
    if (has_line_break_or_nul(request.cookies))
        co_return Error(Errc::invalid_argument, "the feed's cookies hold a line break; fix them");
    for (const HttpHeader& header : request.headers)
        add_header(header.name + ": " + header.value);
    // Redirects are the Fetcher's: it drops cookies when a hop leaves the host.
    if (!request.cookies.empty())
        add_header("Cookie: " + request.cookies);
    if (!headers_ok)
        co_return Error(Errc::io, "out of memory building request headers");

    const FetchLimits& limits = request.limits;
    CURL* handle = easy.get();
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L); // libcurl's defaults, stated: TLS is verified
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L); // the Fetcher follows, hop by hop (robots.txt, politeness)
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, ""); // every encoding this libcurl can decode
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, limits.low_speed_bytes_per_second);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_time.count()));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, request.user_agent.empty() ? default_user_agent().c_str() : request.user_agent.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    // The private-address guard sees the address actually connected to (no DNS-rebinding gap).
    // Through a proxy the connection is to the proxy, which the user chose, so the guard stands aside;
    // then every request must go through it. Without one, "" keeps libcurl from reading proxy
    // variables: the guard would judge a proxy nobody configured instead of the site.
    // An opted-in environment without a proxy variable for this scheme (a systemd unit, typically)
    // leaves the guard on.
    const std::string environment_proxy = request.proxy.empty() && request.environment_proxy == EnvironmentProxy::honoured
        ? environment_proxy_for(request.url) : std::string();
    state.guard_addresses = request.proxy.empty() && environment_proxy.empty();
    if (!request.proxy.empty()) {
        curl_easy_setopt(handle, CURLOPT_PROXY, request.proxy.c_str());
        curl_easy_setopt(handle, CURLOPT_NOPROXY, ""); // not the environment's no_proxy
    } else {
        // The environment's no_proxy still applies to an environment proxy (libcurl reads it).
        curl_easy_setopt(handle, CURLOPT_PROXY, environment_proxy.c_str());
    }
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &state);
    curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, &on_debug);
    curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &state);
    curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L); // only feeds on_debug; nothing is printed
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &state);
    curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, &on_request_ready);
    curl_easy_setopt(handle, CURLOPT_PREREQDATA, &state);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, state.error_buffer.data());

    CURLcode code = co_await m_multi.async_perform(handle, boost::asio::use_awaitable);
    if (code == CURLE_WRITE_ERROR && (state.response.body_truncated || state.redirect_body_dropped))
        code = CURLE_OK; // ended by on_body on purpose, with what the request wanted kept

    HttpResponse& response = state.response;
    char* effective = nullptr;
    if (curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective)
        response.final_url = effective;
    char* ip = nullptr;
    if (curl_easy_getinfo(handle, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        response.remote_ip = ip;
    response.first_remote_ip = response.remote_ip; // one hop; the Fetcher keeps its chain's first
    response.via_proxy = !state.guard_addresses;
    curl_easy_getinfo(handle, CURLINFO_TOTAL_TIME, &response.total_seconds);
    response.request_headers = parse_request_head(state.request_head);

    if (code == CURLE_OK && final_content_type_refused(state))
        state.content_type_refused = true; // an empty body never reached on_body
    if (code != CURLE_OK || state.content_type_refused)
        co_return Error(classify(code, state), describe_failure(code, state, limits));
    co_return std::move(response);
}

bool content_type_accepted(std::string_view content_type, const std::vector<std::string>& accepted)
{
    if (accepted.empty())
        return true;
    const std::string mime = content_type_mime(content_type);
    const std::string_view type = std::string_view(mime).substr(0, mime.find('/'));
    for (const std::string& pattern : accepted) {
        if (pattern == mime)
            return true;
        if (pattern.ends_with("/*") && std::string_view(pattern).substr(0, pattern.size() - 2) == type && mime.find('/') != std::string::npos)
            return true;
    }
    return false;
}

namespace {

bool is_private_ipv4(std::uint32_t a)
{
    const auto in = [a](std::uint32_t network, int bits) { return (a >> (32 - bits)) == (network >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) || in(0xAC100000, 12)
        || in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) || in(0xC6120000, 15) || a >= 0xE0000000;
}

std::uint32_t ipv4_at(const unsigned char* bytes)
{
    return std::uint32_t(bytes[0]) << 24 | std::uint32_t(bytes[1]) << 16 | std::uint32_t(bytes[2]) << 8 | bytes[3];
}

bool starts_with_bytes(const unsigned char* address, std::initializer_list<unsigned char> prefix)
{
    return std::equal(prefix.begin(), prefix.end(), address);
}

bool is_private_ipv6(const in6_addr& v6)
{
    const unsigned char* b = v6.s6_addr;
    // Forms that carry an IPv4 address reach it (through the kernel, a NAT64 gateway or a 6to4
    // relay): they are as private as the address they carry.
    if (IN6_IS_ADDR_V4MAPPED(&v6) || starts_with_bytes(b, { 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 })) // ::ffff:0:0/96, 64:ff9b::/96
        return is_private_ipv4(ipv4_at(b + 12));
    if (starts_with_bytes(b, { 0x20, 0x02 })) // 2002::/16, 6to4: the IPv4 address follows the prefix
        return is_private_ipv4(ipv4_at(b + 2));
    return starts_with_bytes(b, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }) // ::/96: ::, ::1, deprecated IPv4-compatible
        || starts_with_bytes(b, { 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01 })   // 64:ff9b:1::/48, local-use NAT64 (RFC 8215)
        || (b[0] & 0xFE) == 0xFC                                         // fc00::/7 unique local
        || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)                       // fe80::/10 link-local
        || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)                       // fec0::/10 deprecated site-local
        || b[0] == 0xFF;                                                 // multicast
}

} // namespace

bool is_redirect_status(long status) { return status == 301 || status == 302 || status == 303 || status == 307 || status == 308; }

bool is_private_address(std::string_view text)
{
    const std::string ip(text);
    in_addr v4 {};
    if (inet_pton(AF_INET, ip.c_str(), &v4) == 1)
        return is_private_ipv4(ntohl(v4.s_addr));
    in6_addr v6 {};
    if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1)
        return is_private_ipv6(v6);
    return true; // not an address we can judge: refuse
}

} // namespace feedkeeper::fetch

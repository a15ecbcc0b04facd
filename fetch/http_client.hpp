// fetch/http_client.hpp — one HTTP GET with every limit applied, as a coroutine over CurlMulti.
// Threading: construct and use on the io_context's one thread.
#pragma once

#include "core/error.hpp"
#include "core/http.hpp"
#include "fetch/curl_multi.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace feedkeeper::fetch {

struct FetchLimits {
    std::chrono::milliseconds connect_timeout { 10'000 };
    std::chrono::milliseconds total_timeout { 60'000 };
    long low_speed_bytes_per_second = 64; // slower than this for `low_speed_time` aborts
    std::chrono::seconds low_speed_time { 15 };
    long max_redirects = 5; // followed by Fetcher
    std::size_t max_body_bytes = 16 * 1024 * 1024; // on decoded bytes too (decompression bombs)
    std::size_t max_header_bytes = 64 * 1024;
};

// Which addresses a request may connect to. The guard judges the address actually connected to
// (no DNS-rebinding gap), on every hop of a redirect chain.
enum class AddressPolicy {
    public_only,    // public addresses only (links found in public feeds)
    allow_private,  // any address, on every hop: explicit configuration or a URL the user typed
    private_origin, // private addresses only for the origin (FetchRequest::private_origin_url: scheme, host
                    // and port), public elsewhere: a feed the user subscribed to may live on the LAN, but
                    // neither a link nor a redirect to another host or port unlocks internal addresses
                    // (302 -> http://169.254.169.254/, a link to http://localhost:6379/)
};

// What a body longer than FetchLimits::max_body_bytes does: fail the fetch (Errc::too_large), or end
// the transfer there and keep what fits (HttpResponse::body_truncated; robots.txt, of which RFC 9309
// reads the first 500 KiB).
enum class OversizedBody { fail, truncate };

// Whether libcurl may take a proxy from http_proxy, https_proxy, all_proxy and no_proxy. Ignored by
// default: the guard cannot tell which connection then goes to a proxy, it would judge the proxy's
// address, not the site's. Honoured (an explicit opt-in) the guard stands aside, as for `proxy`.
enum class EnvironmentProxy { ignored, honoured };

struct FetchRequest {
    std::string url;
    HttpHeaders headers; // extra request headers (per feed); never sent to another origin after a redirect
    std::string etag;           // sent as If-None-Match
    std::string last_modified;  // sent as If-Modified-Since
    std::string cookies;        // "name=value; other=value"; never sent to another origin after a redirect
    std::string user_agent;
    // A proxy URL every request goes through (no_proxy is not consulted: the private-address guard
    // stands aside for proxied requests, so none may go direct unguarded); empty: no proxy.
    std::string proxy;
    EnvironmentProxy environment_proxy = EnvironmentProxy::ignored; // used only when `proxy` is empty
    AddressPolicy address_policy = AddressPolicy::public_only;
    // AddressPolicy::private_origin: a URL whose origin (scheme, host, port, or its https upgrade)
    // may be private; empty: `url`'s. The Fetcher fills it in, so every hop of a redirect chain is
    // judged by the first URL's origin.
    std::string private_origin_url;
    // MIME types (lower case; "text/*" matches a whole type) a 2xx body may have; empty accepts
    // any. A mismatch aborts at the first body byte with Errc::unsupported (no 16 MiB videos).
    std::vector<std::string> accepted_content_types;
    OversizedBody oversized_body = OversizedBody::fail;
    FetchLimits limits;
    // Used by Fetcher: how long the first request of a fetch (its robots.txt included) may wait for
    // its host's delay or Retry-After pause; zero also refuses to queue behind a busy slot. Past it
    // the fetch fails with Errc::deferred and nothing was sent: a frontier that starts only hosts
    // that are ready (crawl/) sets zero and takes the work back. The default waits as long as it
    // takes. Later hops of a redirect chain wait for their hosts within the chain's time budget.
    std::chrono::milliseconds max_host_wait = std::chrono::milliseconds::max();
};

// One request, one hop: a 3xx comes back as it is (Fetcher follows redirects, each hop through
// politeness and robots.txt). Transport failures are errors (with a readable cause); any HTTP
// status is a response.
class HttpClient {
public:
    explicit HttpClient(CurlMulti&);
    boost::asio::awaitable<Result<HttpResponse>> fetch(FetchRequest);
    CurlMulti& multi() { return m_multi; }

private:
    CurlMulti& m_multi;
};

// Whether a Content-Type header value matches one of `accepted` (see FetchRequest).
bool content_type_accepted(std::string_view content_type, const std::vector<std::string>& accepted);

// The statuses whose Location is followed (RFC 9110 15.4); their bodies are not kept.
bool is_redirect_status(long status);

// True for loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified and similar addresses.
bool is_private_address(std::string_view ip);

std::string default_user_agent();

} // namespace feedkeeper::fetch

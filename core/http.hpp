// core/http.hpp — one HTTP exchange as fetch/ returns it and store/ keeps it (raw capture).
// Threading: plain values.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper {

struct HttpHeader {
    std::string name;
    std::string value;
};

using HttpHeaders = std::vector<HttpHeader>;

// First header with this name (case-insensitive), if any.
std::optional<std::string_view> find_header(const HttpHeaders&, std::string_view name);

struct HttpResponse {
    std::string url;           // what was requested
    std::string final_url;     // after redirects
    long status = 0;           // 0 when no response arrived
    std::string http_version;  // "HTTP/1.1"
    HttpHeaders request_headers;
    HttpHeaders headers;       // of the final response
    std::string body;          // decoded (Content-Encoding removed)
    bool body_truncated = false; // cut at the body limit (only when the request asked for that)
    Timestamp fetched_at {};
    double total_seconds = 0;
    std::string remote_ip;       // address of the final response's server
    std::string first_remote_ip; // address of the first hop's server (the requested URL's host)
    bool via_proxy = false;      // then both addresses are the proxy's, not the site's
    int redirects = 0;
    std::vector<long> redirect_statuses; // status of each hop, e.g. {301} for a moved feed
    std::string first_redirect_target;   // where the first hop pointed
};

// Parameters of the Content-Type header: "text/html; charset=ISO-8859-1" -> "iso-8859-1". Lenient:
// spaces around '=', quotes (even unbalanced) and any parameter order; "" when there is none.
std::string content_type_charset(std::string_view content_type);
std::string content_type_mime(std::string_view content_type);

} // namespace feedkeeper

// store/warc_http.hpp — the HTTP exchange inside a WARC `response` or `revisit` record, as the
// capture fetch/ would have stored: status, headers, and the payload decoded.
// Threading: pure functions.
#pragma once

#include "core/http.hpp"
#include "store/warc_reader.hpp"

namespace feedkeeper::store {

// The HTTP exchange of a `response` record (Content-Type application/http): status line, headers,
// and the payload, de-chunked and decoded (gzip, deflate) when the record kept it raw, at most
// `max_body` bytes decoded. url and final_url are WARC-Target-URI, fetched_at is WARC-Date,
// remote_ip WARC-IP-Address. For a `revisit` record, whose block holds the headers only, the body
// is empty. Content-Encoding, Transfer-Encoding and Content-Length are dropped from the headers:
// the body is the decoded one, as fetch/ stores captures.
Result<HttpResponse> warc_http_response(const WarcRecord&, std::size_t max_body = 16 * 1024 * 1024);

} // namespace feedkeeper::store

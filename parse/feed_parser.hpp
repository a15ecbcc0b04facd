// parse/feed_parser.hpp — RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed into one FeedDocument.
// Pure: bytes in, value out; no I/O, no logging, no clocks. Safe on any thread.
#pragma once

#include "core/error.hpp"
#include "core/feed.hpp"
#include "core/http.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct FeedLimits {
    std::size_t max_document_bytes = 32 * 1024 * 1024;
    std::size_t max_entries = 10'000;
    std::size_t max_depth = 256;
    std::size_t max_text_bytes = 4 * 1024 * 1024; // per field
};

struct FeedParseOptions {
    std::string url;          // the document's address: base for relative links
    HttpHeaders headers;      // Content-Type (charset), Content-Location, Content-Language
    FeedLimits limits;
};

// A feed, recovered as far as possible (bozo set when the document was not well-formed).
// Errors: Errc::too_large, or Errc::parse when the bytes hold no feed at all.
Result<FeedDocument> parse_feed(std::string_view bytes, const FeedParseOptions& = {});

} // namespace feedkeeper::parse

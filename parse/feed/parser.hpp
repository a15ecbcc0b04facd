// parse/feed/parser.hpp — RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF and JSON Feed into one FeedDocument.
// Pure: bytes in, value out; no I/O, no logging, no clocks. Safe on any thread.
#pragma once

#include "core/error.hpp"
#include "core/feed.hpp"
#include "core/http.hpp"
#include "parse/text/date.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct FeedLimits {
    std::size_t max_document_bytes = 32 * 1024 * 1024;
    std::size_t max_entries = 10'000;
    std::size_t max_depth = 256;                  // of serialized markup and JSON nesting
    std::size_t max_text_bytes = 4 * 1024 * 1024; // per field
};

struct FeedParseOptions {
    std::string url;          // the document's address: base for relative links
    HttpHeaders headers;      // Content-Type (charset), Content-Location, Content-Language
    FeedLimits limits;
    DateParseOptions dates;   // lends a time-zone database for IANA zone names, if the caller has one
};

// A feed, recovered as far as possible (bozo set when the document was not well-formed, or its
// bytes did not fit the encoding in force). How, in order:
//  1. bytes to UTF-8 (parse/feed/decode.hpp: BOM, HTTP charset, XML declaration, detection);
//  2. JSON Feed when the text is a JSON object;
//  3. a scan for what pugixml would silently accept (control characters, undefined entities, bare
//     '&', text before the root); if clean, pugixml parses the buffer in place (no entity decoding:
//     values are decoded only when read);
//  4. if the scan or pugixml objects, parse/feed/xml_repair.hpp rewrites the document, and bozo is set;
//  5. parse/feed/xml_reader.hpp reads the tree.
// Errors: Errc::too_large, Errc::too_deep, or Errc::parse when the bytes hold no feed at all.
Result<FeedDocument> parse_feed(std::string_view bytes, const FeedParseOptions& = {});

} // namespace feedkeeper::parse

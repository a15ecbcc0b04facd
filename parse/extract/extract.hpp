// parse/extract/extract.hpp — an HTML page to its article: classification, metadata, cleaned body.
// Pure: bytes in, value out; no I/O, no logging, no clocks. Safe on any thread (never the I/O one:
// Gumbo is super-linear on hostile input, so callers run this on the CPU pool).
#pragma once

#include "core/article.hpp"
#include "core/error.hpp"
#include "core/feed.hpp"
#include "core/http.hpp"
#include "parse/text/date.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct ExtractLimits {
    std::size_t max_input_bytes = 8 * 1024 * 1024;
    std::size_t max_depth = 400;      // nesting bound applied before Gumbo sees the bytes
    std::size_t max_nodes = 500'000;  // elements and text runs (with reconstructed formatting), bounded before parsing
};

// Captions between body blocks always appear in body_html (as figure/figcaption); in the plain
// body only when asked: most readers and reference extractions leave them out of the text.
enum class CaptionText { html_only, body_too };

struct ExtractOptions {
    std::string url;                   // the page's address: base for links, a date hint
    HttpHeaders headers;               // Content-Type charset, Content-Language
    const SiteProfile* site = nullptr; // learned boilerplate of this host, if any
    CaptionText captions = CaptionText::html_only;
    ExtractLimits limits;
    DateParseOptions dates;            // lends a time-zone database for IANA zone names, if the caller has one
};

// Errors: Errc::too_large for input over the cap; every other page yields a status.
Result<ExtractedPage> extract_page(std::string_view bytes, const ExtractOptions& = {});

// A fragment of an article (a feed item's content:encoded or summary, already UTF-8) cleaned by the
// page's rules: notices, share bars and related links dropped, text blocks in reading order and
// their sanitized HTML. No classification: the feed says it is the item's text. A fragment whose
// blocks all score as fragments (a one-line summary) keeps its visible blocks. Plain text
// (TextKind::plain) is read as paragraphs separated by blank lines. Over the input cap: empty.
// `options.url` is the base for relative links; the source is left to the caller.
FeedBody extract_fragment(std::string_view fragment, TextKind, const ExtractOptions& = {});

} // namespace feedkeeper::parse

// parse/html/prescan.hpp — a cheap tokenizer pass that makes UTF-8 HTML safe and small for Gumbo.
// Pure function; safe on any thread.
//
// Gumbo is super-linear on deep nesting and slow on script text, so before it sees a page this
// pass (1) drops script, style, template, svg, iframe, textarea and comment content (keeping
// JSON-LD aside), (2) re-emits every tag in a canonical form with only the attributes extraction
// reads, and escapes every '<' it does not treat as a tag, so Gumbo tokenizes exactly what this
// pass modelled, and (3) keeps a model of the open-element stack: start tags beyond the depth
// cap, or beyond a small cap of nested formatting elements (whose reconstruction is quadratic),
// are dropped, and the input is cut once the node estimate reaches the node cap. The estimate counts
// the formatting elements the parser may reconstruct before each node, so it bounds Gumbo's count.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

struct PrescanLimits {
    std::size_t max_depth = 400;
    std::size_t max_formatting_depth = 16; // unclosed <b>, <i>, <a>, <font>, … at once
    std::size_t max_nodes = 500'000;
    std::size_t max_json_ld_bytes = 1024 * 1024; // all JSON-LD blocks together
};

struct PrescannedHtml {
    std::string html;                   // what Gumbo parses
    std::vector<std::string> json_ld;   // bodies of <script type="application/ld+json">
    std::size_t dropped_start_tags = 0; // flattened by the depth or formatting caps
    bool truncated = false;             // cut at the node cap
};

PrescannedHtml prescan_html(std::string_view utf8, const PrescanLimits& = {});

} // namespace feedkeeper::parse

// parse/extract/body_html.hpp — the body's blocks as sanitized HTML: p, h2–h6, ul/ol/li, blockquote, pre,
// table rows, figure with img and figcaption; inline a (http, https, mailto; absolute), em, strong,
// code, sub, sup, br and img (absolute src). No attributes beyond href, src and alt.
// Pure. Safe on any thread.
#pragma once

#include "parse/extract/blocks.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

std::string render_body_html(const HtmlDocument&, const PageBlocks&, const std::vector<std::uint32_t>& blocks,
    std::string_view base_url);

} // namespace feedkeeper::parse

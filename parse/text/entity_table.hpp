// parse/text/entity_table.hpp — the HTML5 named character references as a sorted table (generated
// into entity_table.cpp by scripts/generate-html-entities). Threading: constant data.
#pragma once

#include <cstddef>
#include <string_view>

namespace feedkeeper::parse {

struct HtmlEntity {
    std::string_view name;  // without '&' and ';', e.g. "eacute"
    std::string_view value; // UTF-8, one or two code points
    bool legacy;            // also recognised without the ';' in HTML (e.g. "&copy")
};

// Sorted by name (byte order); 2231 spellings folded into one row per name.
extern const HtmlEntity html_entity_table[];
extern const std::size_t html_entity_count;

} // namespace feedkeeper::parse

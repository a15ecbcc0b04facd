// parse/feed/xml_text.hpp — values out of a pugixml tree parsed without entity decoding (so the tree
// holds raw text): element text, attribute values, and child markup serialized as (X)HTML with
// namespaces made explicit and relative URLs resolved. Pure; safe on any thread.
#pragma once

#include "parse/feed/xml_names.hpp"

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

// The element's own text: character data decoded, CDATA sections as written, in document order.
// Text inside child elements is not included.
std::string element_text(pugi::xml_node element);

// All text inside the element, its descendants' included (markup dropped), as for a category
// whose value came wrapped in HTML. Descends at most 64 levels.
std::string visible_text(pugi::xml_node element);

// An attribute's value with references decoded and surrounding white space trimmed.
std::string attribute_text(pugi::xml_node element, const char* name);

bool has_child_elements(pugi::xml_node element);

struct MarkupOptions {
    std::string_view base;        // for relative URLs in URL attributes ("" = leave them)
    std::size_t max_depth = 256;  // deeper elements are dropped
    bool unwrap_div = false;      // Atom type="xhtml": the one wrapping <div> is not content
};

// The children of `element` as markup: element names without their prefix, SVG and MathML given
// their xmlns, prefixed attributes (xlink:href) their declaration, text escaped, void elements
// self-closed, xml:base honoured for the URL attributes of descendants.
std::string inner_markup(pugi::xml_node element, const NamespaceScope& scope, const MarkupOptions& options);

} // namespace feedkeeper::parse

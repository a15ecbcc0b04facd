// parse/text/entities.hpp — character references: lookup in the HTML5 named-entity table
// (entity_table.hpp) and a reader for "&…;" that the XML repair pass and the text decoder share.
// Threading: pure functions.
#pragma once

#include "parse/text/entity_table.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

// The entity of that name (case-sensitive, without '&' and ';'), or nullptr.
const HtmlEntity* find_html_entity(std::string_view name);

// What a numeric reference means in HTML5: 0x80–0x9F as windows-1252 (the "demoronize" rule that
// also fixes feeds carrying C1 controls), NUL, surrogates and values past U+10FFFF as U+FFFD.
char32_t numeric_reference_character(std::uint32_t code);

enum class ReferenceKind {
    bare_ampersand, // '&' that starts no reference ("Fish & Chips", "&copy=2")
    xml_named,      // &lt; &gt; &amp; &quot; &apos;
    numeric,        // &#38; &#x26; — `character` holds the code point as HTML reads it
    html_named,     // an HTML5 entity XML does not define (&eacute;)
    unknown_named,  // well-formed "&name;" that no table defines
};

struct Reference {
    ReferenceKind kind = ReferenceKind::bare_ampersand;
    std::size_t length = 1;       // bytes from '&' through ';'
    char32_t character = 0;       // numeric and xml_named
    bool valid_in_xml = false;    // legal as written in an XML document
    const HtmlEntity* entity = nullptr;
};

// Reads the reference that starts at text[at] == '&'.
Reference read_reference(std::string_view text, std::size_t at);

// Appends `raw` with its references decoded: XML's five, numeric ones and HTML5 names; a bare
// '&' or an unknown name stays as written.
void append_decoded(std::string& out, std::string_view raw);

// `raw` through append_decoded (JSON-LD and meta values carry references too).
std::string decode_references(std::string_view raw);

} // namespace feedkeeper::parse

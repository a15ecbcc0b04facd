// parse/xml_repair.hpp — the lenient path for documents pugixml (a strict parser) rejects: a quick
// scan that says whether repair is needed, and a tolerant tokenizer that rewrites a broken
// document as well-formed XML. Pure; safe on any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct DocumentScan {
    bool needs_repair = false;     // control characters, references XML does not define, bare '&',
                                   // or text before the first tag: pugixml would accept them silently
    bool has_c1_controls = false;  // U+0080–U+009F: windows-1252 bytes mislabelled, see demoronize()
};

// One pass over UTF-8 text. Cheap: most of it is memchr and word-at-a-time tests.
DocumentScan scan_document(std::string_view utf8);

// Replaces U+0080–U+009F with the windows-1252 characters they almost always stand for (a feed
// whose cp1252 "smart quotes" were decoded as ISO-8859-1 somewhere upstream).
std::string demoronize(std::string_view utf8);

struct RepairedDocument {
    std::string xml;           // well-formed XML (one level of nesting per open tag, all closed)
    std::size_t fixes = 0;     // how many problems were repaired; 0 means the input was fine
    std::string first_problem; // a sentence about the first one
};

// Rewrites `text` so that a strict parser accepts it, keeping as much as it can:
//  - text before the first tag, comments, processing instructions and the DOCTYPE are dropped
//    (no DTD is ever processed, so no entity expands beyond XML's five and HTML's named ones);
//  - HTML named references become their characters, bare '&' and unknown names become "&amp;",
//    control characters and invalid numeric references go;
//  - '<' that starts no tag becomes "&lt;"; unquoted, valueless and duplicate attributes are fixed;
//  - end tags close what is open up to their match (stray ones go), and a truncated document or
//    CDATA section is closed at the end.
RepairedDocument repair_xml(std::string_view text);

} // namespace feedkeeper::parse

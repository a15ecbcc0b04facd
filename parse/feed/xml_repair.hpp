// parse/feed/xml_repair.hpp — the lenient path for documents pugixml (a strict parser) rejects: a
// tolerant tokenizer that rewrites a broken document as well-formed XML (whether one is needed:
// xml_scan.hpp). Pure; safe on any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

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

// parse/feed/xml_scan.hpp — the quick scan that says whether a document needs the lenient path
// (xml_repair.hpp), and the demoronize pass for mislabelled windows-1252. Pure; safe on any thread.
#pragma once

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

} // namespace feedkeeper::parse

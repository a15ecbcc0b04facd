// parse/feed/decode.hpp — a feed's bytes to UTF-8 text: byte-order mark, then the HTTP charset,
// then the XML declaration, then detection (XML 1.0 appendix F, RFC 7303). Pure; safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct DecodedFeed {
    std::string utf8;         // the document as UTF-8, without byte-order mark
    std::string encoding;     // the codec used, as the document (or header) named it
    bool bozo = false;        // bytes that did not fit the encoding in force, or an unusable label
    std::string bozo_message; // why, when bozo
};

// `content_type` is the HTTP Content-Type header value, "" when there was none. Rules:
//  - a byte-order mark decides, whatever the labels say;
//  - UTF-16/32 without a mark and EBCDIC are recognised from how "<?xml" is spelled;
//  - otherwise the header's charset, else the XML declaration's encoding, else UTF-8;
//  - UTF-8 bytes under a legacy label (a feed re-encoded without fixing its declaration) are read
//    as UTF-8; bytes that are not UTF-8 where UTF-8 is in force go to detection (uchardet), then
//    windows-1252, and make the document bozo;
//  - a header naming a non-XML media type (text/plain, text/html) makes the document bozo.
DecodedFeed decode_feed_bytes(std::string_view bytes, std::string_view content_type);

// The encoding named by an XML declaration at the start of `text` ("" when none).
std::string xml_declared_encoding(std::string_view text);

} // namespace feedkeeper::parse

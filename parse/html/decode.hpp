// parse/html/decode.hpp — which encoding an HTML page is in, and the page as UTF-8: byte-order
// mark, then the HTTP Content-Type charset, then <meta charset> / http-equiv in the first 4096
// bytes, then detection, then windows-1252. Pure functions. Safe on any thread.
#pragma once

#include "core/error.hpp"
#include "parse/text/charset.hpp"

#include <string>
#include <string_view>

namespace feedkeeper::parse {

// The charset label declared by a <meta> element in the first `window` bytes, as written ("" if none).
std::string sniff_meta_charset(std::string_view bytes, std::size_t window = 4096);

// HTML's reading of a label (WHATWG Encoding): latin1/ascii/iso-8859-1 mean windows-1252.
std::string html_charset_label(std::string_view label);

// The same for a label found in a <meta>: UTF-16 and UTF-32 there mean UTF-8, because the bytes
// at hand were ASCII-compatible to be read at all (WHATWG HTML, "prescan a byte stream").
std::string meta_charset_label(std::string_view label);

// `bytes` decoded to UTF-8; `content_type` is the HTTP header's value ("" if none).
DecodedText decode_html(std::string_view bytes, std::string_view content_type);

} // namespace feedkeeper::parse

// parse/text/charset.hpp — bytes in a declared or detected encoding to UTF-8 (glibc iconv, ICU for the
// few codecs iconv lacks, uchardet for detection). Pure: no I/O; every converter handle is owned
// per call. Safe on any thread.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct DecodedText {
    std::string utf8;
    std::string encoding;  // canonical name of the codec used ("utf-8", "windows-1252", …)
    bool lossy = false;    // some bytes did not fit `encoding` and became U+FFFD
};

// Byte-order mark at the start of `bytes`: its encoding and length, if any.
struct ByteOrderMark {
    std::string encoding;
    std::size_t length = 0;
};
std::optional<ByteOrderMark> detect_bom(std::string_view bytes);

// A canonical lower-case name for a charset label ("latin1" -> "iso-8859-1", "utf8" -> "utf-8",
// "windows_1252" -> "windows-1252", "gb2312" -> "gb18030", its superset), or "" when no codec of
// that name is available.
std::string canonical_charset(std::string_view label);

// The most likely encoding of `bytes` (uchardet); "utf-8" for valid UTF-8; "" when unsure.
std::string detect_charset(std::string_view bytes);

// Converts `bytes` (without BOM) from `encoding` to UTF-8. Bytes that do not fit become U+FFFD and
// set `lossy`. Single-byte codecs go through a 256-entry table built from the codec itself, which
// is several times faster than streaming through iconv. Labels us-ascii and iso-8859-1 decode as
// windows-1252, as browsers do (WHATWG Encoding), so stray "smart quotes" survive.
// Error Errc::unsupported when no codec of that name exists.
Result<DecodedText> convert_to_utf8(std::string_view bytes, std::string_view encoding);

// True when `bytes` is well-formed UTF-8 (fast path for ASCII runs).
bool is_utf8(std::string_view bytes);

// More well-formed multi-byte UTF-8 sequences than stray bytes: text that is UTF-8 but damaged
// (a truncated character, a pasted byte), where detection would mangle every other character.
bool mostly_utf8(std::string_view bytes);

// For bytes that contradict a UTF-8 label: the detector's legacy encoding, else windows-1252.
std::string detect_legacy_charset(std::string_view bytes);

} // namespace feedkeeper::parse

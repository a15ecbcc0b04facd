// parse/feed/decode.cpp — choosing a feed's encoding and converting it; the codecs live in
// text/charset.cpp. Pure; safe on any thread.
#include "parse/feed/decode.hpp"

#include "core/http.hpp"
#include "core/text.hpp"
#include "parse/text/charset.hpp"

#include <cstdint>
#include <cstring>

namespace feedkeeper::parse {
namespace {

enum class Family { ascii, utf16le, utf16be, utf32le, utf32be, ebcdic };

// XML 1.0 appendix F: how the first bytes spell "<" or "<?xm" tells the encoding family.
Family sniff_family(std::string_view bytes)
{
    using namespace std::string_view_literals;
    const auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
    if (starts("\x00\x00\x00<"sv))
        return Family::utf32be;
    if (starts("<\x00\x00\x00"sv))
        return Family::utf32le;
    if (bytes.size() >= 2 && bytes[0] == '\0' && bytes[1] != '\0')
        return Family::utf16be;
    if (bytes.size() >= 2 && bytes[0] != '\0' && bytes[1] == '\0')
        return Family::utf16le;
    if (starts("\x4C\x6F\xA7\x94"sv))
        return Family::ebcdic;
    return Family::ascii;
}

std::string_view family_encoding(Family family)
{
    switch (family) {
    case Family::utf16le: return "utf-16le";
    case Family::utf16be: return "utf-16be";
    case Family::utf32le: return "utf-32le";
    case Family::utf32be: return "utf-32be";
    case Family::ebcdic: return "cp037";
    case Family::ascii: break;
    }
    return "utf-8";
}

// The first bytes as ASCII, enough to read the XML declaration.
std::string ascii_prefix(std::string_view bytes, Family family)
{
    constexpr std::size_t prefix_bytes = 512;
    std::size_t step = 1;
    std::size_t offset = 0;
    switch (family) {
    case Family::ascii: return std::string(bytes.substr(0, prefix_bytes));
    case Family::ebcdic: {
        auto converted = convert_to_utf8(bytes.substr(0, prefix_bytes), "cp037");
        return converted ? converted->utf8 : std::string();
    }
    case Family::utf16le: step = 2; break;
    case Family::utf16be: step = 2, offset = 1; break;
    case Family::utf32le: step = 4; break;
    case Family::utf32be: step = 4, offset = 3; break;
    }
    std::string out;
    for (std::size_t i = offset; i < bytes.size() && out.size() < prefix_bytes; i += step)
        out += bytes[i];
    return out;
}

bool is_ascii(std::string_view bytes)
{
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        if (word & 0x8080808080808080ULL)
            return false;
    }
    for (; i < bytes.size(); ++i)
        if (static_cast<unsigned char>(bytes[i]) >= 0x80)
            return false;
    return true;
}

bool is_unicode_label(std::string_view name) { return name.starts_with("utf-16") || name.starts_with("utf-32") || name.starts_with("ucs"); }

bool is_xml_media_type(std::string_view mime)
{
    return mime.ends_with("/xml") || mime.ends_with("+xml") || mime.starts_with("application/xml")
        || mime.starts_with("text/xml") || mime.ends_with("/json") || mime.ends_with("+json");
}

void mark_bozo(DecodedFeed& out, std::string message)
{
    if (!out.bozo)
        out.bozo_message = std::move(message);
    out.bozo = true;
}

// Converts with `encoding`; bytes that do not fit make the document bozo.
void convert(DecodedFeed& out, std::string_view bytes, const std::string& encoding)
{
    auto converted = convert_to_utf8(bytes, encoding);
    if (!converted) { // the label was checked before; only a codec that vanished gets here
        out.utf8 = sanitize_utf8(bytes);
        out.encoding = "utf-8";
        mark_bozo(out, converted.error().message);
        return;
    }
    out.utf8 = std::move(converted->utf8);
    out.encoding = std::move(converted->encoding);
    if (converted->lossy)
        mark_bozo(out, "some bytes are not valid " + out.encoding);
}

// Bytes that are not UTF-8 although UTF-8 is in force: ask the detector, else assume windows-1252.
void convert_detected(DecodedFeed& out, std::string_view bytes, std::string_view why)
{
    convert(out, bytes, detect_legacy_charset(bytes));
    if (out.encoding == "gb18030") { // uchardet names the family; report the narrowest codec that fits
        auto strict = convert_to_utf8(bytes, "csgb2312");
        if (strict && !strict->lossy)
            out.encoding = "gb2312";
    }
    mark_bozo(out, std::string(why) + "; decoded as " + out.encoding + " by detection");
}

} // namespace

std::string xml_declared_encoding(std::string_view text)
{
    std::size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t' || text[start] == '\r' || text[start] == '\n'))
        ++start;
    if (text.substr(start, 5) != "<?xml")
        return {};
    const std::size_t end = text.find("?>", start);
    const std::string_view declaration = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t at = declaration.find("encoding");
    if (at == std::string_view::npos)
        return {};
    at += 8;
    while (at < declaration.size() && (declaration[at] == ' ' || declaration[at] == '=' || declaration[at] == '\t'))
        ++at;
    if (at >= declaration.size() || (declaration[at] != '"' && declaration[at] != '\''))
        return {};
    const char quote = declaration[at];
    const std::size_t close = declaration.find(quote, at + 1);
    if (close == std::string_view::npos)
        return {};
    return std::string(declaration.substr(at + 1, close - at - 1));
}

DecodedFeed decode_feed_bytes(std::string_view bytes, std::string_view content_type)
{
    DecodedFeed out;
    const std::string mime = ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
    const std::string http_label = content_type_charset(content_type);
    if (!mime.empty() && !is_xml_media_type(mime))
        mark_bozo(out, "served as " + mime + ", not an XML media type");

    if (auto bom = detect_bom(bytes)) {
        convert(out, bytes.substr(bom->length), bom->encoding);
        return out;
    }
    const Family family = sniff_family(bytes);
    if (family != Family::ascii && family != Family::ebcdic) {
        convert(out, bytes, std::string(family_encoding(family)));
        return out;
    }
    const std::string declared_label = xml_declared_encoding(ascii_prefix(bytes, family));
    std::string chosen;
    for (const std::string* label : { &http_label, &declared_label }) {
        if (label->empty() || !chosen.empty())
            continue;
        const std::string name = canonical_charset(*label);
        if (name.empty())
            mark_bozo(out, "unknown character encoding '" + *label + "'");
        else if (!is_unicode_label(name)) // "utf-16" over bytes that are not: the label is wrong
            chosen = name;
    }
    if (chosen.empty() && family == Family::ebcdic)
        chosen = "cp037";
    if (chosen.empty() || chosen == "utf-8") {
        if (!is_utf8(bytes)) {
            if (mostly_utf8(bytes)) { // UTF-8 with a few damaged bytes, not a legacy encoding
                convert(out, bytes, "utf-8");
                return out;
            }
            convert_detected(out, bytes, chosen.empty() ? "no encoding declared and the bytes are not UTF-8"
                                                        : "declared UTF-8 but the bytes are not");
            return out;
        }
        out.utf8 = std::string(bytes);
        out.encoding = "utf-8";
        // RFC 3023 read text/* without charset as US-ASCII, RFC 7303 as the XML declaration says;
        // for bytes that are all ASCII both readings agree, and we report the narrower one.
        if (chosen.empty() && http_label.empty() && mime.starts_with("text/") && is_ascii(bytes))
            out.encoding = "us-ascii";
        return out;
    }
    if (family == Family::ascii && !is_ascii(bytes) && is_utf8(bytes)) { // UTF-8 under a legacy label
        out.utf8 = std::string(bytes);
        out.encoding = "utf-8";
        return out;
    }
    convert(out, bytes, chosen);
    return out;
}

} // namespace feedkeeper::parse

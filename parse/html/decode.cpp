// parse/html/decode.cpp — the HTML encoding sniffing order on top of parse/text/charset.
// Pure. Safe on any thread.
#include "parse/html/decode.hpp"

#include "core/http.hpp"
#include "core/text.hpp"

namespace feedkeeper::parse {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/'; }

// "text/html; charset=utf-8" or "charset='koi8-r'" -> the label after "charset=".
std::string charset_from_content(std::string_view content)
{
    const std::string lower_content = ascii_lower(content);
    std::size_t at = lower_content.find("charset");
    while (at != std::string::npos) {
        std::size_t i = at + 7;
        while (i < content.size() && (content[i] == ' ' || content[i] == '\t'))
            ++i;
        if (i < content.size() && content[i] == '=') {
            ++i;
            while (i < content.size() && (content[i] == ' ' || content[i] == '\t'))
                ++i;
            const char quote = i < content.size() && (content[i] == '"' || content[i] == '\'') ? content[i] : '\0';
            if (quote)
                ++i;
            std::size_t end = i;
            while (end < content.size() && content[end] != quote && content[end] != ';' && content[end] != ' '
                && !(quote == '\0' && (content[end] == '"' || content[end] == '\'')))
                ++end;
            return std::string(content.substr(i, end - i));
        }
        at = lower_content.find("charset", at + 7);
    }
    return {};
}

bool has_multibyte_utf8(std::string_view bytes)
{
    for (char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return true;
    }
    return false;
}

// A label from the HTTP header or a <meta>, checked against the bytes as the feed parser does:
// servers and templates often state a default that is not what the page is in. UTF-8 declared
// over bytes that are not UTF-8 (nor UTF-8 with a few damaged bytes) is a legacy encoding, found
// by detection; valid multi-byte UTF-8 under a legacy label is UTF-8 (practically never text in
// the legacy encoding).
std::string checked_label(std::string_view bytes, std::string encoding)
{
    if (encoding == "utf-8")
        return is_utf8(bytes) || mostly_utf8(bytes) ? encoding : detect_legacy_charset(bytes);
    if (encoding.starts_with("utf-"))
        return encoding;
    if (has_multibyte_utf8(bytes) && is_utf8(bytes))
        return "utf-8";
    return encoding;
}

} // namespace

std::string sniff_meta_charset(std::string_view bytes, std::size_t window)
{
    const std::string_view head = bytes.substr(0, window);
    for (std::size_t i = head.find('<'); i != std::string_view::npos; i = head.find('<', i + 1)) {
        if (head.substr(i, 4) == "<!--") {
            const std::size_t close = head.find("-->", i + 4);
            if (close == std::string_view::npos)
                return {};
            i = close + 2;
            continue;
        }
        if (i + 5 >= head.size() || ascii_lower(head.substr(i + 1, 4)) != "meta" || !is_space(head[i + 5]))
            continue;
        // Attributes of this <meta>: charset=…, or http-equiv=content-type with content=….
        std::size_t k = i + 5;
        std::string charset;
        std::string content;
        bool content_type = false;
        while (k < head.size() && head[k] != '>') {
            while (k < head.size() && is_space(head[k]))
                ++k;
            std::string name;
            while (k < head.size() && !is_space(head[k]) && head[k] != '=' && head[k] != '>')
                name.push_back(lower_ascii(head[k++]));
            std::string value;
            if (k < head.size() && head[k] == '=') {
                ++k;
                if (k < head.size() && (head[k] == '"' || head[k] == '\'')) {
                    const char quote = head[k++];
                    const std::size_t close = head.find(quote, k);
                    if (close == std::string_view::npos)
                        return {};
                    value = head.substr(k, close - k);
                    k = close + 1;
                } else {
                    while (k < head.size() && !is_space(head[k]) && head[k] != '>')
                        value.push_back(head[k++]);
                }
            } else if (name.empty() && k < head.size() && head[k] != '>') {
                ++k; // a stray character
            }
            if (name == "charset" && charset.empty())
                charset = trim(value);
            else if (name == "content" && content.empty())
                content = value;
            else if (name == "http-equiv")
                content_type = iequals(trim(value), "content-type");
        }
        if (!charset.empty())
            return charset;
        if (content_type) {
            if (std::string declared = charset_from_content(content); !declared.empty())
                return declared;
        }
        i = k;
    }
    return {};
}

std::string html_charset_label(std::string_view label)
{
    // WHATWG Encoding: every one of these labels means windows-1252 in HTML. Decided here, not by
    // canonical_charset(), whose names serve feeds too.
    static constexpr std::string_view windows_1252_labels[] = { "ansi_x3.4-1968", "ascii", "cp1252", "cp819",
        "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1",
        "iso_8859-1:1987", "l1", "latin1", "latin-1", "us-ascii", "windows-1252", "x-cp1252", "x-user-defined" };
    const std::string lower_label = ascii_lower(trim(label));
    for (std::string_view windows_1252 : windows_1252_labels) {
        if (lower_label == windows_1252)
            return "windows-1252";
    }
    std::string name = canonical_charset(label);
    if (name == "iso-8859-1" || name == "us-ascii")
        return "windows-1252";
    if (name == "utf-16") // WHATWG: the label "utf-16" is UTF-16LE; iconv would assume big-endian
        return "utf-16le";
    return name;
}

std::string meta_charset_label(std::string_view label)
{
    std::string name = html_charset_label(label);
    if (name.starts_with("utf-16") || name.starts_with("utf-32"))
        return "utf-8";
    return name;
}

DecodedText decode_html(std::string_view bytes, std::string_view content_type)
{
    std::string encoding;
    if (auto bom = detect_bom(bytes)) {
        encoding = bom->encoding;
        bytes.remove_prefix(bom->length);
    }
    bool declared = false; // by the HTTP header or a <meta>, which may be wrong
    if (encoding.empty() && !content_type.empty())
        encoding = html_charset_label(content_type_charset(content_type));
    if (encoding.empty())
        encoding = meta_charset_label(sniff_meta_charset(bytes));
    if (!encoding.empty()) {
        declared = true;
        encoding = checked_label(bytes, std::move(encoding));
    }
    if (encoding.empty())
        encoding = detect_charset(bytes);
    if (encoding.empty())
        encoding = "windows-1252";
    auto decoded = convert_to_utf8(bytes, encoding);
    if (decoded && decoded->lossy && declared && encoding != "utf-8") {
        // Bytes that do not exist in the declared legacy encoding: detection, when what it finds fits.
        if (auto detected = convert_to_utf8(bytes, detect_legacy_charset(bytes)); detected && !detected->lossy)
            decoded = std::move(detected);
    }
    if (!decoded)
        decoded = convert_to_utf8(bytes, "windows-1252");
    if (!decoded) { // iconv without windows-1252 is not a system we run on; keep the bytes readable
        DecodedText fallback;
        fallback.utf8 = sanitize_utf8(bytes);
        fallback.encoding = "utf-8";
        fallback.lossy = true;
        return fallback;
    }
    return std::move(*decoded);
}

} // namespace feedkeeper::parse

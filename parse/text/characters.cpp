// parse/text/characters.cpp — the character helpers on UTF-8 text: white space collapsing, NFC
// (ICU) and lower-casing. Pure functions. Safe on any thread.
#include "parse/text/characters.hpp"

#include "core/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>

namespace feedkeeper::parse {
namespace {

bool is_ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Decodes one UTF-8 sequence at `i` (no validation beyond lengths; input is sanitized UTF-8).
char32_t decode_at(std::string_view text, std::size_t& i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char first = byte(i);
    std::size_t length = first < 0x80 ? 1 : (first >> 5) == 0x6 ? 2 : (first >> 4) == 0xE ? 3 : (first >> 3) == 0x1E ? 4 : 1;
    if (i + length > text.size())
        length = 1;
    char32_t value = length == 1 ? first : length == 2 ? (first & 0x1F) : length == 3 ? (first & 0x0F) : (first & 0x07);
    for (std::size_t k = 1; k < length; ++k)
        value = (value << 6) | (byte(i + k) & 0x3F);
    i += length;
    return value;
}

char32_t lower_code_point(char32_t c)
{
    if (c < 0x80)
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c >= 0x100 && c <= 0x17F) {
        const bool even_pairs = (c <= 0x137) || (c >= 0x14A && c <= 0x177);
        if (even_pairs)
            return (c % 2 == 0) ? c + 1 : c;
        if (c == 0x178)
            return 0xFF;
        return (c % 2 == 1) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
        return c + 32;
    if (c >= 0x410 && c <= 0x42F)
        return c + 32;
    if (c >= 0x400 && c <= 0x40F)
        return c + 80;
    return c;
}

} // namespace

// White space: ASCII, NEL, NBSP, U+1680, U+2000–U+200A, U+2028/9, U+202F, U+205F, U+3000.
// Dropped: soft hyphen, U+200B–U+200D, U+2060, BOM.
void append_collapsed(std::string& out, std::string_view text, bool& pending_space)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = bytes[i];
        std::size_t space_width = 0;
        std::size_t invisible_width = 0;
        if (c < 0x80) {
            space_width = is_ascii_space(c) ? 1 : 0;
        } else if (c == 0xC2 && i + 1 < n && (bytes[i + 1] == 0xA0 || bytes[i + 1] == 0x85)) {
            space_width = 2;
        } else if (c == 0xC2 && i + 1 < n && bytes[i + 1] == 0xAD) {
            invisible_width = 2;
        } else if (c == 0xE1 && i + 2 < n && bytes[i + 1] == 0x9A && bytes[i + 2] == 0x80) {
            space_width = 3;
        } else if (c == 0xE2 && i + 2 < n && bytes[i + 1] == 0x80) {
            const unsigned char third = bytes[i + 2];
            if (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF)
                space_width = 3;
            else if (third >= 0x8B && third <= 0x8D)
                invisible_width = 3;
        } else if (c == 0xE2 && i + 2 < n && bytes[i + 1] == 0x81) {
            if (bytes[i + 2] == 0x9F)
                space_width = 3;
            else if (bytes[i + 2] == 0xA0)
                invisible_width = 3;
        } else if (c == 0xE3 && i + 2 < n && bytes[i + 1] == 0x80 && bytes[i + 2] == 0x80) {
            space_width = 3;
        } else if (c == 0xEF && i + 2 < n && bytes[i + 1] == 0xBB && bytes[i + 2] == 0xBF) {
            invisible_width = 3;
        }
        if (space_width > 0) {
            pending_space = true;
            i += space_width;
            continue;
        }
        if (invisible_width > 0) {
            i += invisible_width;
            continue;
        }
        if (pending_space && !out.empty())
            out.push_back(' ');
        pending_space = false;
        // Copy the run up to the next byte that may start white space.
        std::size_t end = i + 1;
        while (end < n) {
            const unsigned char d = bytes[end];
            if ((d < 0x80 && is_ascii_space(d)) || d == 0xC2 || d == 0xE1 || d == 0xE2 || d == 0xE3 || d == 0xEF)
                break;
            ++end;
        }
        out.append(text.data() + i, end - i);
        i = end;
    }
}

std::string collapse_whitespace(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    append_collapsed(out, text, pending_space);
    return out;
}

std::string normalize_nfc(std::string text)
{
    bool ascii = true;
    for (char c : text)
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii)
        return text;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || !is_valid_utf8(text))
        return text;
    if (nfc->isNormalizedUTF8(text, status) && U_SUCCESS(status))
        return text;
    status = U_ZERO_ERROR;
    std::string out;
    out.reserve(text.size());
    icu::StringByteSink<std::string> sink(&out);
    nfc->normalizeUTF8(0, text, sink, nullptr, status);
    return U_SUCCESS(status) ? out : text;
}

std::string lower_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto first = static_cast<unsigned char>(text[i]);
        if (first < 0x80) {
            out.push_back(static_cast<char>((first >= 'A' && first <= 'Z') ? first + 32 : first));
            ++i;
            continue;
        }
        append_utf8(out, lower_code_point(decode_at(text, i)));
    }
    return out;
}

} // namespace feedkeeper::parse

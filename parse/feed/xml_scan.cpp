// parse/feed/xml_scan.cpp — the quick scan that decides whether a document needs the repair pass, and
// the demoronize pass. Word-at-a-time where it can. Pure; safe on any thread.
#include "parse/feed/xml_scan.hpp"

#include "core/text.hpp"
#include "parse/text/entities.hpp"

#include <cstdint>
#include <cstring>

namespace feedkeeper::parse {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_control(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }

// True when some byte of the 8 is below 0x20 (SWAR; bytes >= 0x80 can raise false alarms, which
// the byte loop then clears).
bool has_low_byte(std::uint64_t word) { return ((word - 0x2020202020202020ULL) & ~word & 0x8080808080808080ULL) != 0; }

} // namespace

DocumentScan scan_document(std::string_view text)
{
    DocumentScan scan;
    std::size_t first = 0;
    while (first < text.size() && is_space(text[first]))
        ++first;
    if (first < text.size() && text[first] != '<')
        scan.needs_repair = true;
    const auto* data = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
        if (i + 8 <= text.size()) {
            std::uint64_t word;
            std::memcpy(&word, data + i, 8);
            if (!has_low_byte(word) && !(word & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = data[i];
        if (is_control(c)) {
            scan.needs_repair = true;
        } else if (c == 0xC2 && i + 1 < text.size() && data[i + 1] >= 0x80 && data[i + 1] <= 0x9F) {
            scan.has_c1_controls = true;
        }
        ++i;
    }
    for (std::size_t at = text.find('&'); at != std::string_view::npos; at = text.find('&', at + 1)) {
        const Reference reference = read_reference(text, at);
        if (!reference.valid_in_xml) {
            scan.needs_repair = true;
            break;
        }
    }
    return scan;
}

std::string demoronize(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 64);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const unsigned char next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
        if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
            append_utf8(out, numeric_reference_character(next));
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace feedkeeper::parse

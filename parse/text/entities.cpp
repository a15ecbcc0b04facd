// parse/text/entities.cpp — binary search in the generated entity table; reading "&…;".
// Threading: pure functions.
#include "parse/text/entities.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstring>

namespace feedkeeper::parse {
namespace {

// windows-1252 for 0x80–0x9F (0 where windows-1252 leaves the byte undefined: keep the C1 code).
constexpr char16_t windows_1252_c1[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

constexpr std::size_t max_entity_name = 32;

bool is_alnum(char c) { return is_ascii_letter(c) || is_ascii_digit(c); }

bool is_xml_char(std::uint32_t code)
{
    return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0xFFFD)
        || (code >= 0x10000 && code <= 0x10FFFF);
}

} // namespace

const HtmlEntity* find_html_entity(std::string_view name)
{
    const HtmlEntity* begin = html_entity_table;
    const HtmlEntity* end = html_entity_table + html_entity_count;
    const HtmlEntity* found = std::lower_bound(begin, end, name, [](const HtmlEntity& entity, std::string_view key) { return entity.name < key; });
    return (found != end && found->name == name) ? found : nullptr;
}

char32_t numeric_reference_character(std::uint32_t code)
{
    if (code >= 0x80 && code <= 0x9F)
        return windows_1252_c1[code - 0x80] ? windows_1252_c1[code - 0x80] : code;
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0xFFFD;
    return code;
}

Reference read_reference(std::string_view text, std::size_t at)
{
    Reference reference;
    std::size_t i = at + 1;
    if (i < text.size() && text[i] == '#') {
        ++i;
        const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
        if (hex)
            ++i;
        std::uint32_t code = 0;
        std::size_t digits = 0;
        for (; i < text.size(); ++i, ++digits) {
            const char c = text[i];
            int value = -1;
            if (c >= '0' && c <= '9')
                value = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                value = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                value = c - 'A' + 10;
            if (value < 0)
                break;
            if (code <= 0x10FFFF)
                code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(value);
        }
        if (digits == 0 || i >= text.size() || text[i] != ';')
            return reference;
        reference.kind = ReferenceKind::numeric;
        reference.length = i + 1 - at;
        reference.character = numeric_reference_character(code);
        // XML spells a lower-case 'x' only; "&#X61;" is an HTML-ism.
        reference.valid_in_xml = is_xml_char(code) && !(hex && text[at + 2] == 'X');
        return reference;
    }
    const std::size_t name_start = i;
    while (i < text.size() && i - name_start <= max_entity_name && is_alnum(text[i]))
        ++i;
    if (i == name_start || i >= text.size() || text[i] != ';' || i - name_start > max_entity_name)
        return reference;
    const std::string_view name = text.substr(name_start, i - name_start);
    reference.length = i + 1 - at;
    char32_t xml_character = 0; // XML's five, without string compares: this runs for every '&'
    switch (name.size()) {
    case 2:
        if (name[1] == 't' && (name[0] == 'l' || name[0] == 'g'))
            xml_character = name[0] == 'l' ? '<' : '>';
        break;
    case 3:
        if (name[0] == 'a' && name[1] == 'm' && name[2] == 'p')
            xml_character = '&';
        break;
    case 4:
        if (name == "quot")
            xml_character = '"';
        else if (name == "apos")
            xml_character = '\'';
        break;
    default: break;
    }
    if (xml_character) {
        reference.kind = ReferenceKind::xml_named;
        reference.character = xml_character;
        reference.valid_in_xml = true;
        return reference;
    }
    reference.entity = find_html_entity(name);
    reference.kind = reference.entity ? ReferenceKind::html_named : ReferenceKind::unknown_named;
    return reference;
}

void append_decoded(std::string& out, std::string_view raw)
{
    std::size_t start = 0;
    for (;;) {
        const void* found = std::memchr(raw.data() + start, '&', raw.size() - start);
        if (!found) {
            out.append(raw.data() + start, raw.size() - start);
            return;
        }
        const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(found) - raw.data());
        out.append(raw.data() + start, at - start);
        const Reference reference = read_reference(raw, at);
        switch (reference.kind) {
        case ReferenceKind::xml_named:
        case ReferenceKind::numeric: append_utf8(out, reference.character); break;
        case ReferenceKind::html_named: out.append(reference.entity->value); break;
        case ReferenceKind::bare_ampersand:
        case ReferenceKind::unknown_named: out.append(raw.substr(at, reference.length)); break;
        }
        start = at + reference.length;
    }
}

std::string decode_references(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    append_decoded(out, raw);
    return out;
}

} // namespace feedkeeper::parse

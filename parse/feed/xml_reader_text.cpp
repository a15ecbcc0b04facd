// parse/feed/xml_reader_text.cpp — values of feed elements: Atom text constructs (text, html, xhtml, MIME
// types, Atom 0.3 modes, base64), plain text, URLs, dates and author names. One reader per parse.
#include "parse/feed/xml_reader.hpp"

#include "core/text.hpp"
#include "parse/feed/html_urls.hpp"
#include "parse/feed/xml_text.hpp"
#include "parse/text/charset.hpp"

#include <array>

namespace feedkeeper::parse {
namespace {

bool is_xml_type(std::string_view type) { return type.ends_with("+xml") || type.ends_with("/xml"); }

} // namespace

std::optional<std::string> decode_base64(std::string_view text)
{
    static constexpr auto table = [] {
        std::array<signed char, 256> values {};
        values.fill(-1);
        constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (std::size_t i = 0; i < alphabet.size(); ++i)
            values[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
        values[static_cast<unsigned char>('-')] = 62; // base64url
        values[static_cast<unsigned char>('_')] = 63;
        return values;
    }();
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        const signed char value = table[static_cast<unsigned char>(c)];
        if (value < 0 || padding)
            return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        ++symbols;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (symbols == 0 || symbols % 4 == 1)
        return std::nullopt;
    return out;
}

int alternate_link_rank(std::string_view rel, std::string_view type)
{
    if (!rel.empty() && rel != "alternate")
        return 0;
    return (type.empty() || type == "text/html" || type == "application/xhtml+xml") ? 2 : 1;
}

std::string author_name(std::string_view text)
{
    std::string value = trim(text);
    for (auto [open, close] : { std::pair { '(', ')' }, std::pair { '<', '>' } }) {
        const std::size_t start = value.find(open);
        const std::size_t end = value.rfind(close);
        if (start == std::string::npos || end == std::string::npos || end < start)
            continue;
        const std::string inside = trim(std::string_view(value).substr(start + 1, end - start - 1));
        const std::string outside = trim(value.substr(0, start) + " " + value.substr(end + 1));
        if (inside.find('@') != std::string::npos && !outside.empty())
            return outside; // "Name (me@example.com)", "Name <me@example.com>"
        if (outside.find('@') != std::string::npos && !inside.empty())
            return inside; // "me@example.com (Name)"
    }
    return value;
}

std::string XmlFeedReader::plain_text(pugi::xml_node element) { return trim(element_text(element)); }

std::string XmlFeedReader::url_text(pugi::xml_node element)
{
    const std::string text = plain_text(element);
    return text.empty() ? text : resolve_reference(base_, text);
}

std::string XmlFeedReader::url_attribute(pugi::xml_node element, const char* name)
{
    const std::string text = attribute_text(element, name);
    return text.empty() ? text : resolve_reference(base_, text);
}

std::optional<Timestamp> XmlFeedReader::date_text(pugi::xml_node element)
{
    return parse_feed_date(element_text(element), options_.dates);
}

TextValue XmlFeedReader::text_construct(pugi::xml_node element, TextDefault fallback)
{
    const std::string type = ascii_lower(attribute_text(element, "type"));
    const std::string mode = ascii_lower(attribute_text(element, "mode"));
    const bool html_type = type == "html" || type == "text/html";
    TextValue value;
    MarkupOptions markup { base_, options_.max_depth, false };
    bool serialized = false; // markup we wrote ourselves has its URLs resolved already

    const auto markup_value = [&](bool unwrap) {
        serialized = true;
        markup.unwrap_div = unwrap;
        value.text = trim(inner_markup(element, namespaces_, markup));
        value.kind = TextKind::html;
    };
    const auto text_value = [&](TextKind kind) {
        if (has_child_elements(element)) { // naked markup where text was announced: keep it as HTML
            markup_value(false);
            return;
        }
        value.text = trim(element_text(element));
        value.kind = kind;
    };

    if (mode == "base64") {
        auto decoded = decode_base64(element_text(element));
        value.text = decoded ? trim(sanitize_utf8(*decoded)) : trim(element_text(element));
        value.kind = html_type || type == "application/xhtml+xml" ? TextKind::html : TextKind::plain;
    } else if (mode == "escaped") {
        value.text = trim(element_text(element));
        value.kind = html_type || type.empty() ? TextKind::html : TextKind::plain;
    } else if (type == "xhtml" || type == "application/xhtml+xml") {
        markup_value(true);
    } else if (html_type) {
        text_value(TextKind::html);
        value.kind = TextKind::html;
    } else if (type.empty() || type == "text" || type == "text/plain") {
        text_value(fallback == TextDefault::html ? TextKind::html : TextKind::plain);
    } else if (is_xml_type(type)) {
        if (has_child_elements(element))
            markup_value(false);
        else
            text_value(TextKind::plain);
    } else if (type.starts_with("text/")) {
        text_value(TextKind::plain);
    } else { // another media type: base64 (RFC 4287 4.1.3.3), unless it plainly is not
        const std::string raw = element_text(element);
        auto decoded = decode_base64(raw);
        value.text = trim(decoded && is_utf8(*decoded) ? *decoded : raw);
        value.kind = TextKind::plain;
    }
    if (value.kind == TextKind::html && !serialized)
        value.text = normalize_html_fragment(value.text, base_);
    return value;
}

} // namespace feedkeeper::parse

// parse/feed/html_urls.cpp — a minimal HTML tag scanner that rewrites URL attributes in place; the URL
// arithmetic is libcurl's (core/url.hpp). Pure; safe on any thread.
#include "parse/feed/html_urls.hpp"

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/text/entities.hpp"

#include <cstring>

namespace feedkeeper::parse {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// libcurl percent-encodes non-ASCII bytes; put back the ones that were characters in the input.
std::string restore_iri_characters(std::string url)
{
    std::string out;
    out.reserve(url.size());
    for (std::size_t i = 0; i < url.size(); ++i) {
        if (url[i] == '%' && i + 2 < url.size() && hex_digit_value(url[i + 1]) >= 8 && hex_digit_value(url[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit_value(url[i + 1]) * 16 + hex_digit_value(url[i + 2]));
            i += 2;
        } else {
            out += url[i];
        }
    }
    return sanitize_utf8(out);
}

void append_attribute_escaped(std::string& out, std::string_view value)
{
    for (char c : value) {
        if (c == '&')
            out += "&amp;";
        else if (c == '"')
            out += "&quot;";
        else if (c == '<')
            out += "&lt;";
        else
            out += c;
    }
}

constexpr std::string_view xlink_declaration = " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";

} // namespace

bool has_url_scheme(std::string_view reference)
{
    if (reference.empty() || !is_ascii_letter(reference[0]))
        return false;
    for (std::size_t i = 1; i < reference.size(); ++i) {
        const char c = reference[i];
        if (c == ':')
            return true;
        if (!(is_ascii_letter(c) || is_ascii_digit(c) || c == '+' || c == '-' || c == '.'))
            return false;
    }
    return false;
}

std::string resolve_reference(std::string_view base, std::string_view reference)
{
    std::string target = trim(reference);
    if (base.empty() || has_url_scheme(target))
        return target;
    bool non_ascii = false;
    for (char c : target)
        non_ascii = non_ascii || static_cast<unsigned char>(c) >= 0x80;
    auto resolved = resolve_url(base, target);
    if (!resolved)
        return target;
    return non_ascii ? restore_iri_characters(std::move(*resolved)) : std::move(*resolved);
}

std::string resolve_srcset(std::string_view base, std::string_view srcset)
{
    std::string out;
    for (std::string_view candidate : split(srcset, ',')) {
        const std::string item = trim(candidate);
        if (item.empty())
            continue;
        const std::size_t space = item.find_first_of(" \t\n\r");
        if (!out.empty())
            out += ", ";
        out += resolve_reference(base, std::string_view(item).substr(0, space));
        if (space != std::string::npos)
            out += " " + trim(std::string_view(item).substr(space));
    }
    return out;
}

bool is_url_attribute(std::string_view name)
{
    static constexpr std::string_view names[] = { "href", "src", "cite", "action", "background", "longdesc", "usemap",
        "codebase", "data", "poster", "profile", "classid", "xlink:href" };
    for (std::string_view candidate : names)
        if (name == candidate)
            return true;
    return false;
}

std::string normalize_html_fragment(std::string_view html, std::string_view base)
{
    const bool xlink = html.find("xlink:") != std::string_view::npos;
    if (base.empty() && !xlink && html.find("<!") == std::string_view::npos)
        return std::string(html);
    std::string out;
    std::size_t copied = 0; // html[0, copied) is in `out` already
    bool changed = false;
    std::size_t i = 0;
    while (i < html.size()) {
        const void* found = std::memchr(html.data() + i, '<', html.size() - i);
        if (!found)
            break;
        i = static_cast<std::size_t>(static_cast<const char*>(found) - html.data()) + 1;
        if (html.substr(i, 3) == "!--") {
            const std::size_t end = html.find("-->", i + 3);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        if (i < html.size() && html[i] == '!') {
            if (istarts_with(html.substr(i + 1), "doctype") || html.substr(i + 1, 7) == "[CDATA[")
                continue;
            out.append(html.data() + copied, i - 1 - copied); // "<!" that opens nothing is text
            out += "&lt;";
            copied = i;
            changed = true;
            continue;
        }
        if (i >= html.size() || !is_ascii_letter(html[i]))
            continue;
        while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '/')
            ++i; // tag name
        bool uses_xlink = false;
        bool declares_xlink = false;
        while (i < html.size() && html[i] != '>') {
            if (is_space(html[i]) || html[i] == '/') {
                ++i;
                continue;
            }
            const std::size_t name_start = i;
            while (i < html.size() && !is_space(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/')
                ++i;
            const std::string name = ascii_lower(html.substr(name_start, i - name_start));
            uses_xlink = uses_xlink || name.starts_with("xlink:");
            declares_xlink = declares_xlink || name == "xmlns:xlink";
            std::size_t cursor = i;
            while (cursor < html.size() && is_space(html[cursor]))
                ++cursor;
            if (cursor >= html.size() || html[cursor] != '=')
                continue;
            ++cursor;
            while (cursor < html.size() && is_space(html[cursor]))
                ++cursor;
            std::size_t value_start = cursor;
            std::size_t value_end = cursor;
            std::size_t after = cursor;
            if (cursor < html.size() && (html[cursor] == '"' || html[cursor] == '\'')) {
                const std::size_t close = html.find(html[cursor], cursor + 1);
                value_start = cursor + 1;
                value_end = close == std::string_view::npos ? html.size() : close;
                after = close == std::string_view::npos ? html.size() : close + 1;
            } else {
                while (value_end < html.size() && !is_space(html[value_end]) && html[value_end] != '>')
                    ++value_end;
                after = value_end;
            }
            i = after;
            const bool srcset = name == "srcset";
            if (base.empty() || !(srcset || is_url_attribute(name)))
                continue;
            const std::string_view raw = html.substr(value_start, value_end - value_start);
            std::string value;
            append_decoded(value, raw);
            const std::string trimmed = trim(value);
            if (!srcset && has_url_scheme(trimmed))
                continue;
            const std::string resolved = srcset ? resolve_srcset(base, trimmed) : resolve_reference(base, trimmed);
            if (resolved == value)
                continue;
            out.append(html.data() + copied, cursor - copied);
            out += '"';
            append_attribute_escaped(out, resolved);
            out += '"';
            copied = after;
            changed = true;
        }
        if (uses_xlink && !declares_xlink) {
            std::size_t insert = i;
            if (insert > 0 && html[insert - 1] == '/')
                --insert;
            out.append(html.data() + copied, insert - copied);
            out += xlink_declaration;
            copied = insert;
            changed = true;
        }
    }
    if (!changed)
        return std::string(html);
    out.append(html.data() + copied, html.size() - copied);
    return out;
}

} // namespace feedkeeper::parse

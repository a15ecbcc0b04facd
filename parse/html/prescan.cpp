// parse/html/prescan.cpp — the pre-Gumbo pass: tokenize, strip, canonicalize, bound nesting.
// Pure; all state lives in one call. Safe on any thread.
//
// Invariant: every byte handed to Gumbo was tokenized here; tags are re-serialised and stray '<'
// escaped, so Gumbo cannot see a tag this pass did not model. The open-element model
// (nesting.hpp) never under-counts Gumbo's depth by more than a constant factor.
#include "parse/html/prescan.hpp"

#include "core/text.hpp"
#include "parse/html/nesting.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace feedkeeper::parse {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool iequal_prefix(std::string_view text, std::size_t at, std::string_view prefix)
{
    if (text.size() - at < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower_ascii(text[at + i]) != prefix[i])
            return false;
    }
    return true;
}

// Attributes extraction and rendering read; the rest (event handlers, data-*, sizes) is dropped.
constexpr std::array<std::string_view, 34> kept_attributes = {
    "class", "id", "role", "itemprop", "itemtype", "itemscope", "property", "name", "content", "charset",
    "http-equiv", "href", "src", "data-src", "data-lazy-src", "data-original", "datetime", "rel", "lang",
    "type", "alt", "title", "style", "hidden", "aria-hidden", "aria-label", "colspan", "rowspan", "start",
    "pubdate", "srcset", "data-srcset", "xml:lang", "aria-modal",
};
constexpr std::size_t max_attribute_value = 4096;

bool keep_attribute(std::string_view name)
{
    return std::find(kept_attributes.begin(), kept_attributes.end(), name) != kept_attributes.end();
}

struct Attribute {
    std::string name; // lower case
    std::string_view value;
};

struct Tag {
    std::string name; // lower case
    std::vector<Attribute> attributes;
    bool end = false;
    bool self_closing = false;
    std::size_t next = 0; // offset after '>'
};

// Tokenizes one tag starting at `at` ('<' or '</' followed by a letter), per the HTML tokenizer's
// tag, attribute-name and attribute-value states. Returns false at end of input (the tag is lost,
// as the HTML tokenizer loses it).
bool read_tag(std::string_view s, std::size_t at, Tag& tag)
{
    tag.attributes.clear();
    tag.name.clear();
    tag.self_closing = false;
    tag.end = s[at + 1] == '/';
    std::size_t i = at + (tag.end ? 2 : 1);
    const std::size_t n = s.size();
    while (i < n && !is_space(s[i]) && s[i] != '/' && s[i] != '>')
        tag.name.push_back(lower_ascii(s[i++]));
    for (;;) {
        while (i < n && (is_space(s[i]) || s[i] == '/')) {
            if (s[i] == '/' && i + 1 < n && s[i + 1] == '>')
                tag.self_closing = true;
            ++i;
        }
        if (i >= n)
            return false;
        if (s[i] == '>') {
            tag.next = i + 1;
            return true;
        }
        const std::size_t name_start = i++; // a leading '=' belongs to the name
        while (i < n && !is_space(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=')
            ++i;
        Attribute attribute;
        attribute.name.reserve(i - name_start);
        for (std::size_t k = name_start; k < i; ++k)
            attribute.name.push_back(lower_ascii(s[k]));
        while (i < n && is_space(s[i]))
            ++i;
        if (i < n && s[i] == '=') {
            ++i;
            while (i < n && is_space(s[i]))
                ++i;
            if (i >= n)
                return false;
            if (s[i] == '"' || s[i] == '\'') {
                const char quote = s[i++];
                const std::size_t close = s.find(quote, i);
                if (close == std::string_view::npos)
                    return false;
                attribute.value = s.substr(i, close - i);
                i = close + 1;
            } else if (s[i] != '>') {
                const std::size_t value_start = i;
                while (i < n && !is_space(s[i]) && s[i] != '>')
                    ++i;
                attribute.value = s.substr(value_start, i - value_start);
            }
        }
        if (tag.attributes.size() < 64 && keep_attribute(attribute.name))
            tag.attributes.push_back(std::move(attribute));
    }
}

// Offset of the '<' of the next "</name" (any case) followed by a delimiter, or npos.
std::size_t find_end_tag(std::string_view s, std::size_t from, std::string_view name)
{
    for (std::size_t i = from; i < s.size();) {
        const void* found = std::memchr(s.data() + i, '<', s.size() - i);
        if (!found)
            return std::string_view::npos;
        i = static_cast<std::size_t>(static_cast<const char*>(found) - s.data());
        if (i + 1 < s.size() && s[i + 1] == '/' && iequal_prefix(s, i + 2, name)) {
            const std::size_t after = i + 2 + name.size();
            if (after >= s.size() || is_space(s[after]) || s[after] == '/' || s[after] == '>')
                return i;
        }
        ++i;
    }
    return std::string_view::npos;
}

// find_end_tag() remembered per element name. Without it every unclosed <svg> or <template>
// rescans to the end of the page, and a page of them is quadratic. Invariant: no "</name" lies
// in [searched_from, found), so a later search from any point in that range has the same answer.
class EndTagFinder {
public:
    std::size_t find(std::string_view s, std::size_t from, std::string_view name)
    {
        for (Search& search : searches_) {
            if (search.name != name)
                continue;
            if (from < search.searched_from || (search.found != std::string_view::npos && search.found < from))
                search = { std::string(name), from, find_end_tag(s, from, name) };
            return search.found;
        }
        searches_.push_back({ std::string(name), from, find_end_tag(s, from, name) });
        return searches_.back().found;
    }

private:
    struct Search {
        std::string name;
        std::size_t searched_from = 0;
        std::size_t found = std::string_view::npos;
    };
    std::vector<Search> searches_; // one per name asked about: two in practice
};

std::size_t skip_past(std::string_view s, std::size_t from, char c)
{
    const std::size_t found = s.find(c, from);
    return found == std::string_view::npos ? s.size() : found + 1;
}

void append_escaped_text(std::string& out, std::string_view text)
{
    for (char c : text) {
        if (c == '<')
            out += "&lt;";
        else
            out.push_back(c);
    }
}

void append_tag(std::string& out, const Tag& tag)
{
    out.push_back('<');
    if (tag.end)
        out.push_back('/');
    out += tag.name;
    for (const Attribute& attribute : tag.attributes) {
        std::string_view value = attribute.value;
        if (attribute.name == "style" && value.find("none") == std::string_view::npos
            && value.find("hidden") == std::string_view::npos)
            continue; // only hiding styles matter
        if ((attribute.name == "src" || attribute.name == "href") && value.substr(0, 5) == "data:")
            value = {};
        value = value.substr(0, max_attribute_value);
        out.push_back(' ');
        out += attribute.name;
        out += "=\"";
        for (char c : value) {
            if (c == '"')
                out += "&quot;";
            else
                out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('>');
}

bool is_json_ld(const Tag& tag)
{
    for (const Attribute& attribute : tag.attributes) {
        if (attribute.name == "type")
            return attribute.value.find("ld+json") != std::string_view::npos;
    }
    return false;
}

enum class Content { dropped, escaped_text };

// Elements whose content the HTML tokenizer reads as raw text; nothing in them is article text
// except <title>, which is kept with '<' escaped.
std::optional<Content> raw_text_element(std::string_view name)
{
    if (name == "script" || name == "style" || name == "textarea" || name == "xmp" || name == "iframe"
        || name == "noembed" || name == "noframes")
        return Content::dropped;
    if (name == "title")
        return Content::escaped_text;
    return std::nullopt;
}

} // namespace

PrescannedHtml prescan_html(std::string_view s, const PrescanLimits& limits)
{
    PrescannedHtml result;
    std::string& out = result.html;
    out.reserve(s.size() / 2 + 64);
    NestingModel nesting(limits.max_depth, limits.max_formatting_depth);
    std::size_t nodes = 0;
    std::size_t json_ld_bytes = 0;
    EndTagFinder foreign_end_tags;
    Tag tag;
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        if (nodes >= limits.max_nodes) {
            result.truncated = true;
            break;
        }
        const void* found = std::memchr(s.data() + i, '<', n - i);
        const std::size_t lt = found ? static_cast<std::size_t>(static_cast<const char*>(found) - s.data()) : n;
        if (lt > i) {
            out.append(s.data() + i, lt - i);
            nodes += 1 + nesting.formatting_outstanding();
        }
        if (lt >= n)
            break;
        i = lt;
        const char next = lt + 1 < n ? s[lt + 1] : '\0';
        if (next == '!') {
            if (iequal_prefix(s, lt, "<!--")) {
                const std::size_t close = s.find("-->", lt + 4);
                i = close == std::string_view::npos ? n : close + 3;
            } else if (iequal_prefix(s, lt, "<!doctype")) {
                const std::size_t end = skip_past(s, lt + 2, '>');
                out += "<!";
                for (std::size_t k = lt + 2; k < end; ++k)
                    out.push_back(s[k] == '<' ? ' ' : s[k]);
                i = end;
            } else {
                i = skip_past(s, lt + 2, '>'); // bogus comment
            }
            continue;
        }
        if (next == '?') {
            i = skip_past(s, lt + 2, '>');
            continue;
        }
        if (next == '/' && !(lt + 2 < n && is_ascii_letter(s[lt + 2]))) {
            i = (lt + 2 < n && s[lt + 2] == '>') ? lt + 3 : skip_past(s, lt + 2, '>');
            continue;
        }
        if (next != '/' && !is_ascii_letter(next)) {
            out += "&lt;";
            i = lt + 1;
            continue;
        }
        if (!read_tag(s, lt, tag))
            break; // end of input inside a tag: the tokenizer drops it
        i = tag.next;
        if (tag.name == "plaintext" && !tag.end) {
            append_escaped_text(out, s.substr(i));
            break;
        }
        if (!tag.end) {
            if (auto content = raw_text_element(tag.name)) {
                const std::size_t close = find_end_tag(s, i, tag.name);
                const std::string_view body = s.substr(i, close == std::string_view::npos ? n - i : close - i);
                if (tag.name == "script" && is_json_ld(tag) && json_ld_bytes + body.size() <= limits.max_json_ld_bytes) {
                    result.json_ld.emplace_back(body);
                    json_ld_bytes += body.size();
                }
                if (*content == Content::escaped_text) {
                    out += "<title>";
                    append_escaped_text(out, body.substr(0, 4096));
                    out += "</title>";
                    ++nodes;
                }
                i = close == std::string_view::npos ? n : skip_past(s, close + 2, '>');
                continue;
            }
            if ((tag.name == "svg" || tag.name == "template") && !tag.self_closing) {
                const std::size_t close = foreign_end_tags.find(s, i, tag.name);
                if (close != std::string_view::npos)
                    i = skip_past(s, close + 2, '>');
                continue; // unclosed: drop only the start tag
            }
        }
        const GumboTag id = gumbo_tagn_enum(tag.name.data(), static_cast<unsigned>(tag.name.size()));
        const NestingModel::Action action = tag.end ? nesting.end_tag(id, tag.name) : nesting.start_tag(id, tag.name);
        switch (action) {
        case NestingModel::Action::emit:
            append_tag(out, tag);
            if (!tag.end)
                nodes += 1 + nesting.formatting_outstanding();
            break;
        case NestingModel::Action::emit_as_br:
            out += "<br>";
            ++nodes;
            break;
        case NestingModel::Action::drop_over_cap:
            ++result.dropped_start_tags;
            break;
        case NestingModel::Action::drop:
            break;
        }
    }
    return result;
}

} // namespace feedkeeper::parse

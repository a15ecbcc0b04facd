// parse/html/document.cpp — Gumbo parse (errors off) and the flat pre-order index, built with an
// explicit stack and one reverse pass for subtree ends and text measures. Safe on any thread.
#include "parse/html/document.hpp"

#include "core/text.hpp"

#include <cstring>

namespace feedkeeper::parse {
namespace {

bool renders_nothing(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_SELECT: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_MAP: case GUMBO_TAG_TITLE: case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_RT: case GUMBO_TAG_RP: // ruby readings: a reading aid above the text, not the text
        return true;
    default:
        return false;
    }
}

// Tags that always start a new text block.
bool is_block_tag(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_CAPTION: case GUMBO_TAG_LEGEND: case GUMBO_TAG_HTML:
    case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: case GUMBO_TAG_FRAMESET:
        return true;
    default:
        return false;
    }
}

std::uint16_t own_context(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_A: return in_link;
    case GUMBO_TAG_EM: case GUMBO_TAG_I: case GUMBO_TAG_STRONG: case GUMBO_TAG_B: return in_emphasis;
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: return in_preformatted;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return in_heading;
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_Q: return in_quote;
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: return in_list;
    case GUMBO_TAG_FIGURE: return in_figure;
    case GUMBO_TAG_TABLE: return in_table;
    case GUMBO_TAG_P: return in_paragraph;
    default: return 0;
    }
}

// Visible characters: code points other than ASCII white space and NBSP. Han, kana and Hangul
// (U+2E80–U+D7FF, U+F900–U+FFEF) count three times: a character there carries about a word.
std::uint32_t count_chars(std::string_view text)
{
    std::uint32_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c <= ' ' || (c >= 0x80 && c < 0xC0))
            continue;
        if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0)
            continue;
        if (c >= 0xE2 && c <= 0xEF && i + 1 < text.size()) {
            const auto second = static_cast<unsigned char>(text[i + 1]);
            const bool dense = (c == 0xE2 && second >= 0xBA) || (c >= 0xE3 && c <= 0xED) || (c == 0xEF && second >= 0xA4);
            count += dense ? 3 : 1;
            continue;
        }
        ++count;
    }
    return count;
}

bool hiding_style(std::string_view style)
{
    std::string squashed;
    for (char c : style) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            squashed.push_back(lower_ascii(c));
    }
    return squashed.find("display:none") != std::string::npos || squashed.find("visibility:hidden") != std::string::npos;
}

// One pass over an element's attributes (names are lower case: the pre-scan wrote them).
void read_common_attributes(const GumboElement& element, DomNode& entry)
{
    for (unsigned i = 0; i < element.attributes.length; ++i) {
        const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
        const std::string_view name(attribute->name);
        const std::string_view value(attribute->value);
        if (name == "class")
            entry.class_name = value;
        else if (name == "id")
            entry.id = value;
        else if (name == "role") {
            entry.role = value;
            entry.modal = entry.modal || value == "dialog" || value == "alertdialog";
        } else if (name == "aria-modal")
            entry.modal = entry.modal || value == "true";
        else if (name == "itemprop")
            entry.itemprop = value;
        else if (name == "hidden")
            entry.hidden = true;
        else if (name == "aria-hidden")
            entry.hidden = entry.hidden || value == "true" || value == "TRUE";
        else if (name == "style")
            entry.hidden = entry.hidden || hiding_style(value);
    }
}

} // namespace

void destroy_gumbo_output(GumboOutput* output) noexcept { gumbo_destroy_output(&kGumboDefaultOptions, output); }

bool is_heading(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

HtmlDocument::HtmlDocument(std::string_view html, std::size_t max_nodes)
{
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0; // never read; don't let junk input grow the error list
    output_.reset(gumbo_parse_with_options(&options, html.data(), html.size()));
    build_index(max_nodes);
}

std::string_view HtmlDocument::attribute(std::uint32_t index, const char* name) const
{
    const GumboNode* node = nodes_[index].node;
    if (nodes_[index].is_text)
        return {};
    const GumboAttribute* attribute = gumbo_get_attribute(&node->v.element.attributes, name);
    return attribute ? std::string_view(attribute->value) : std::string_view();
}

bool HtmlDocument::has_attribute(std::uint32_t index, const char* name) const
{
    const GumboNode* node = nodes_[index].node;
    return !nodes_[index].is_text && gumbo_get_attribute(&node->v.element.attributes, name) != nullptr;
}

void HtmlDocument::build_index(std::size_t max_nodes)
{
    if (!output_ || !output_->root)
        return;
    struct Pending {
        const GumboNode* node;
        std::uint32_t parent;
        std::uint32_t depth;
        std::uint16_t context;
    };
    std::vector<Pending> stack { { output_->root, no_node, 0, 0 } };
    nodes_.reserve(4096);
    while (!stack.empty()) {
        const Pending pending = stack.back();
        stack.pop_back();
        if (nodes_.size() >= max_nodes) {
            truncated_ = true;
            break;
        }
        const GumboNode* node = pending.node;
        DomNode entry;
        entry.node = node;
        entry.parent = pending.parent;
        entry.depth = pending.depth;
        const auto index = static_cast<std::uint32_t>(nodes_.size());
        if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
            entry.tag = node->v.element.tag;
            entry.context = pending.context | own_context(entry.tag);
            if (renders_nothing(entry.tag))
                entry.context |= invisible;
            entry.block_level = is_block_tag(entry.tag);
            read_common_attributes(node->v.element, entry);
            if (entry.tag == GUMBO_TAG_BODY && body_ == 0)
                body_ = index;
            nodes_.push_back(entry);
            const GumboVector& children = node->v.element.children;
            for (unsigned i = children.length; i-- > 0;) {
                const auto* child = static_cast<const GumboNode*>(children.data[i]);
                if (child->type == GUMBO_NODE_COMMENT)
                    continue;
                stack.push_back({ child, index, pending.depth + 1, entry.context });
            }
        } else if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
            entry.is_text = true;
            entry.context = pending.context;
            entry.text = node->v.text.text ? std::string_view(node->v.text.text) : std::string_view();
            entry.whitespace = node->type == GUMBO_NODE_WHITESPACE;
            if (!(entry.context & invisible) && !entry.whitespace) {
                entry.chars = count_chars(entry.text);
                entry.whitespace = entry.chars == 0;
                if (entry.context & in_link)
                    entry.link_chars = entry.chars;

            }
            nodes_.push_back(entry);
        }
    }
    // Reverse pass: children follow their parent, so every subtree is summed before its parent.
    for (std::uint32_t i = size(); i-- > 0;) {
        DomNode& entry = nodes_[i];
        if (entry.end < i + 1)
            entry.end = i + 1;
        if (entry.is_text && entry.chars > 0)
            entry.first_text = i;
        if (entry.parent == no_node)
            continue;
        DomNode& parent = nodes_[entry.parent];
        parent.end = std::max(parent.end, entry.end);
        if (entry.first_text != no_node)
            parent.first_text = entry.first_text; // reverse order: the earliest child's wins
        parent.chars += entry.chars;
        parent.link_chars += entry.link_chars;
        if (!entry.is_text && entry.block_level && !(entry.context & invisible)) {
            parent.block_level = true; // an inline element holding blocks acts as one
            parent.holds_blocks = true;
        }
    }
    measure_prose();
}

void HtmlDocument::measure_prose()
{
    // Each text node's run belongs to its nearest block-level ancestor (its owner).
    const std::uint32_t count = size();
    std::vector<std::uint32_t> owner(count, 0);
    std::vector<std::uint32_t> run_chars(count, 0);
    std::vector<std::uint32_t> run_link_chars(count, 0);
    for (std::uint32_t i = 1; i < count; ++i) {
        const std::uint32_t parent = nodes_[i].parent;
        owner[i] = nodes_[parent].block_level ? parent : owner[parent];
        if (nodes_[i].is_text) {
            run_chars[owner[i]] += nodes_[i].chars;
            run_link_chars[owner[i]] += nodes_[i].link_chars;
        }
    }
    constexpr std::uint32_t min_run = 80;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (run_chars[i] >= min_run && run_link_chars[i] * 3 < run_chars[i])
            nodes_[i].prose_chars = run_chars[i] - run_link_chars[i];
    }
    for (std::uint32_t i = count; i-- > 1;)
        nodes_[nodes_[i].parent].prose_chars += nodes_[i].prose_chars;
}

} // namespace feedkeeper::parse

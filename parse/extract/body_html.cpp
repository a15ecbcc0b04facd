// parse/extract/body_html.cpp — renders kept blocks from the index: an explicit stack of open inline
// elements (closed by subtree end), groups (lists, quotes, tables, figures) opened and closed
// between blocks. Pure. Safe on any thread.
#include "parse/extract/body_html.hpp"

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/text/characters.hpp"

#include <algorithm>

namespace feedkeeper::parse {
namespace {

void append_escaped(std::string& out, std::string_view text, bool attribute = false)
{
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"':
            if (attribute) {
                out += "&quot;";
                break;
            }
            [[fallthrough]];
        default: out.push_back(c);
        }
    }
}

std::uint32_t nearest(const HtmlDocument& document, std::uint32_t index, std::initializer_list<GumboTag> tags,
    std::uint32_t limit = 12)
{
    for (std::uint32_t at = index; at != no_node && limit-- > 0; at = document[at].parent) {
        if (std::find(tags.begin(), tags.end(), document[at].tag) != tags.end() && !document[at].is_text)
            return at;
    }
    return no_node;
}

class Renderer {
public:
    Renderer(const HtmlDocument& document, const PageBlocks& page, std::string_view base)
        : document_(document), page_(page), base_(base) { }

    void block(const Block& block);
    std::string finish();

private:
    struct Group {
        std::uint32_t element = no_node;
        const char* close = "";
    };
    void set_group(Group& group, std::uint32_t element, const char* open, const char* close);
    void inline_content(std::uint32_t first, std::uint32_t last);
    void append_text(std::string_view text);
    void preformatted(std::uint32_t first, std::uint32_t last);
    bool image(std::uint32_t index);
    std::string absolute(std::string_view reference) const;

    const HtmlDocument& document_;
    const PageBlocks& page_;
    std::string_view base_;
    std::string out_;
    Group quote_;
    Group list_;
    Group table_;
    Group figure_;
};

std::string Renderer::absolute(std::string_view reference) const
{
    if (trim(reference).empty() || reference.substr(0, 5) == "data:")
        return {};
    if (istarts_with(reference, "mailto:"))
        return std::string(reference);
    auto resolved = resolve_url(base_, trim(reference));
    return resolved && is_http_url(*resolved) ? *resolved : std::string();
}

void Renderer::set_group(Group& group, std::uint32_t element, const char* open, const char* close)
{
    if (group.element == element)
        return;
    if (group.element != no_node)
        out_ += group.close;
    group.element = element;
    group.close = close;
    if (element != no_node)
        out_ += open;
}

bool Renderer::image(std::uint32_t index)
{
    std::string source;
    for (const char* name : { "src", "data-src", "data-lazy-src", "data-original" }) {
        source = absolute(document_.attribute(index, name));
        if (!source.empty())
            break;
    }
    if (source.empty())
        return false;
    out_ += "<img src=\"";
    append_escaped(out_, source, true);
    out_ += "\" alt=\"";
    append_escaped(out_, collapse_whitespace(document_.attribute(index, "alt")), true);
    out_ += "\">";
    return true;
}

// Text with every white-space run as one space, edges included; no double space across nodes.
void Renderer::append_text(std::string_view text)
{
    std::string collapsed;
    bool pending_space = false;
    const bool leading = !text.empty() && static_cast<unsigned char>(text.front()) <= ' ';
    append_collapsed(collapsed, text, pending_space);
    const bool trailing = pending_space || (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ');
    if ((leading || (collapsed.empty() && trailing)) && !out_.empty() && out_.back() != ' ' && out_.back() != '>')
        out_.push_back(' ');
    append_escaped(out_, collapsed);
    if (trailing && !collapsed.empty())
        out_.push_back(' ');
}

void Renderer::inline_content(std::uint32_t first, std::uint32_t last)
{
    struct Open {
        std::uint32_t end;
        const char* close;
    };
    std::vector<Open> open;
    const std::size_t start = out_.size();
    for (std::uint32_t i = first; i < last;) {
        while (!open.empty() && open.back().end <= i) {
            out_ += open.back().close;
            open.pop_back();
        }
        const DomNode& node = document_[i];
        if (node.context & invisible || (!node.is_text && page_.pruned[i] != Pruned::no)) {
            i = node.end;
            continue;
        }
        if (node.is_text) {
            append_text(node.text);
            ++i;
            continue;
        }
        const char* open_tag = nullptr;
        const char* close_tag = nullptr;
        switch (node.tag) {
        case GUMBO_TAG_EM: case GUMBO_TAG_I: open_tag = "<em>", close_tag = "</em>"; break;
        case GUMBO_TAG_STRONG: case GUMBO_TAG_B: open_tag = "<strong>", close_tag = "</strong>"; break;
        case GUMBO_TAG_CODE: open_tag = "<code>", close_tag = "</code>"; break;
        case GUMBO_TAG_SUB: open_tag = "<sub>", close_tag = "</sub>"; break;
        case GUMBO_TAG_SUP: open_tag = "<sup>", close_tag = "</sup>"; break;
        case GUMBO_TAG_TD: open_tag = "<td>", close_tag = "</td>"; break;
        case GUMBO_TAG_TH: open_tag = "<th>", close_tag = "</th>"; break;
        case GUMBO_TAG_BR: out_ += "<br>"; break;
        case GUMBO_TAG_IMG: image(i); break;
        case GUMBO_TAG_A: {
            const std::string href = absolute(document_.attribute(i, "href"));
            if (!href.empty()) {
                out_ += "<a href=\"";
                append_escaped(out_, href, true);
                out_ += "\">";
                open.push_back({ node.end, "</a>" });
            }
            break;
        }
        default:
            break;
        }
        if (open_tag) {
            out_ += open_tag;
            open.push_back({ node.end, close_tag });
        }
        ++i;
    }
    while (!open.empty()) {
        out_ += open.back().close;
        open.pop_back();
    }
    // Trim the block's edges.
    if (out_.size() > start && out_[start] == ' ')
        out_.erase(start, 1);
    if (out_.size() > start && out_.back() == ' ')
        out_.pop_back();
}

void Renderer::preformatted(std::uint32_t first, std::uint32_t last)
{
    for (std::uint32_t i = first; i < last; ++i) {
        if (document_[i].is_text && !(document_[i].context & invisible))
            append_escaped(out_, document_[i].text);
    }
}

void Renderer::block(const Block& block)
{
    const std::uint32_t owner = block.owner;
    set_group(quote_, nearest(document_, owner, { GUMBO_TAG_BLOCKQUOTE }), "<blockquote>", "</blockquote>");
    const std::uint32_t list = block.kind == BlockKind::list_item
        ? nearest(document_, owner, { GUMBO_TAG_UL, GUMBO_TAG_OL, GUMBO_TAG_DL }) : no_node;
    const bool ordered = list != no_node && document_[list].tag == GUMBO_TAG_OL;
    set_group(list_, list, ordered ? "<ol>" : "<ul>", ordered ? "</ol>" : "</ul>");
    set_group(table_, block.kind == BlockKind::table_row ? nearest(document_, owner, { GUMBO_TAG_TABLE }) : no_node,
        "<table>", "</table>");
    const std::uint32_t figure = block.kind == BlockKind::caption ? nearest(document_, owner, { GUMBO_TAG_FIGURE }) : no_node;
    if (figure != figure_.element) {
        set_group(figure_, figure, "<figure>", "</figure>");
        for (std::uint32_t i = figure; figure != no_node && i < document_[figure].end; ++i) {
            if (document_[i].tag == GUMBO_TAG_IMG && !document_[i].is_text && image(i))
                break;
        }
    }
    const char* open = "<p>";
    const char* close = "</p>";
    std::string heading_open;
    std::string heading_close;
    switch (block.kind) {
    case BlockKind::heading: {
        const int level = std::clamp<int>(block.heading_level, 2, 6);
        heading_open = "<h" + std::to_string(level) + ">";
        heading_close = "</h" + std::to_string(level) + ">";
        open = heading_open.c_str();
        close = heading_close.c_str();
        break;
    }
    case BlockKind::list_item: open = "<li>", close = "</li>"; break;
    case BlockKind::preformatted: open = "<pre>", close = "</pre>"; break;
    case BlockKind::caption: open = figure != no_node ? "<figcaption>" : "<p>", close = figure != no_node ? "</figcaption>" : "</p>"; break;
    case BlockKind::table_row: open = "<tr>", close = "</tr>"; break;
    default: break;
    }
    out_ += open;
    if (block.kind == BlockKind::preformatted)
        preformatted(block.first, block.last);
    else
        inline_content(block.first, block.last);
    out_ += close;
}

std::string Renderer::finish()
{
    set_group(figure_, no_node, "", "");
    set_group(table_, no_node, "", "");
    set_group(list_, no_node, "", "");
    set_group(quote_, no_node, "", "");
    return std::move(out_);
}

} // namespace

std::string render_body_html(const HtmlDocument& document, const PageBlocks& page,
    const std::vector<std::uint32_t>& blocks, std::string_view base_url)
{
    Renderer renderer(document, page, base_url);
    for (std::uint32_t b : blocks)
        renderer.block(page.blocks[b]);
    return renderer.finish();
}

} // namespace feedkeeper::parse

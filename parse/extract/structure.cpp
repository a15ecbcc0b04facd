// parse/extract/structure.cpp — teaser-card lists and boilerplate sections, found with flat
// passes over the index and the blocks (no recursion). Pure. Safe on any thread.
#include "parse/extract/structure.hpp"

#include "parse/extract/lexicon.hpp"

#include <algorithm>
#include <unordered_map>

namespace feedkeeper::parse {
namespace {

// A short bold line standing for a heading.
bool is_pseudo_heading(const Block& block)
{
    return block.chars < 60 && block.emphasis_chars * 10 >= block.chars * 8 && block.link_density() < 0.3;
}

// A heading, or a short bold line standing for one, that names a section ("Top Rated Comments",
// "More from …"); a question or a "Related: <link>" line is not one.
bool is_section_title(const Block& block)
{
    const bool heading = block.kind == BlockKind::heading || is_pseudo_heading(block);
    if (!heading || block.words > 5 || block.text.ends_with('?'))
        return false;
    return is_boilerplate_section_title(block.lower);
}

} // namespace

// Repeated cards that open with a headline link (teaser lists, tickers, "more stories" grids): an
// element whose first substantial link comes before most of its text and covers a good part of
// it, with two or more siblings of the same tag and class doing the same, is another story's card.
std::vector<bool> find_teaser_cards(const HtmlDocument& document, const PageBlocks& page)
{
    const std::uint32_t count = document.size();
    std::vector<std::uint32_t> chars_before(count, 0); // visible characters earlier in the document
    std::vector<std::uint32_t> first_link(count, no_node);
    std::uint32_t running = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        chars_before[i] = running;
        if (document[i].is_text)
            running += document[i].chars;
    }
    for (std::uint32_t i = count; i-- > 1;) {
        const DomNode& node = document[i];
        if (!node.is_text && node.tag == GUMBO_TAG_A && node.chars >= 15)
            first_link[i] = i;
        if (first_link[i] != no_node)
            first_link[node.parent] = first_link[i]; // reverse order: the earliest child's wins
    }
    std::vector<std::uint64_t> keys(count, 0);
    std::unordered_map<std::uint64_t, int> group_sizes;
    for (std::uint32_t i = 1; i < count; ++i) {
        const DomNode& node = document[i];
        // Paragraphs and headings are text, not cards, even when they open with a link.
        if (node.is_text || node.chars < 20 || node.chars > 1000 || page.pruned[i] != Pruned::no
            || node.tag == GUMBO_TAG_P || is_heading(node.tag))
            continue;
        const std::uint32_t link = first_link[i];
        if (link == no_node || link == i)
            continue;
        const std::uint32_t leading = document[link].chars;
        const std::uint32_t before = chars_before[link] - chars_before[i];
        if (leading * 100 < node.chars * 12 || before * 100 > std::max<std::uint32_t>(3000, node.chars * 15))
            continue;
        const std::string_view class_name = node.class_name;
        std::uint64_t key = (static_cast<std::uint64_t>(node.parent) << 16) ^ static_cast<std::uint64_t>(node.tag);
        for (char c : class_name)
            key = (key ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        keys[i] = key | 1;
        ++group_sizes[keys[i]];
    }
    std::vector<bool> in_card(count, false);
    for (std::uint32_t i = 1; i < count; ++i)
        in_card[i] = in_card[document[i].parent] || (keys[i] != 0 && group_sizes[keys[i]] >= 3);
    return in_card;
}

// Blocks under a boilerplate section heading ("Comments", "Related", …), up to the next ordinary
// heading of the same or a higher level or the end of the heading's parent. A section counts only
// when prose precedes it on the page: a "Related" box above the article cuts nothing.
std::vector<bool> find_boilerplate_sections(const HtmlDocument& document, const PageBlocks& page,
    const std::vector<double>& weights)
{
    const std::size_t count = page.blocks.size();
    std::vector<bool> marked(count, false);
    for (std::size_t h = 0; h < count; ++h) {
        const Block& heading = page.blocks[h];
        if (marked[h] || !is_section_title(heading))
            continue;
        const std::uint32_t scope = document[heading.owner].parent;
        if (scope == no_node)
            continue;
        const auto inside = [&](const Block& block) { return document.holds(scope, block.owner); };
        double prose_before = 0;
        for (std::size_t k = h; k-- > 0 && prose_before < 300;)
            prose_before += std::max(0.0, weights[k]);
        if (prose_before < 300)
            continue;
        const int level = heading.kind == BlockKind::heading ? heading.heading_level : 7;
        marked[h] = true;
        for (std::size_t k = h + 1; k < count && inside(page.blocks[k]); ++k) {
            const Block& block = page.blocks[k];
            const bool ends_section = block.kind == BlockKind::heading ? block.heading_level <= level
                                                                       : level == 7 && is_pseudo_heading(block);
            if (ends_section && !is_boilerplate_section_title(block.lower))
                break;
            marked[k] = true;
        }
    }
    return marked;
}

} // namespace feedkeeper::parse

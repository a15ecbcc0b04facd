// parse/extract/structure.hpp — page structures that mark text as someone else's: repeated
// teaser cards of other stories, and sections under "Comments" / "Related" headings.
// Pure functions. Safe on any thread.
#pragma once

#include "parse/extract/blocks.hpp"

#include <vector>

namespace feedkeeper::parse {

// Per node: inside a card of a repeated teaser list (an element opening with a headline link,
// with two or more siblings of the same tag and class doing the same).
std::vector<bool> find_teaser_cards(const HtmlDocument&, const PageBlocks&);

// Per block: under a boilerplate section heading, given the blocks' content weights (a section
// counts only when prose precedes it on the page).
std::vector<bool> find_boilerplate_sections(const HtmlDocument&, const PageBlocks&, const std::vector<double>& weights);

} // namespace feedkeeper::parse

// parse/extract/blocks.hpp — the page cut into text blocks: boilerplate subtrees pruned by tag,
// role, hiddenness and class/id, the rest split at block-level elements and <br><br>.
// Pure functions over an HtmlDocument. Safe on any thread.
#pragma once

#include "parse/html/document.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace feedkeeper::parse {

enum class BlockKind : std::uint8_t { paragraph, heading, list_item, quote, preformatted, caption, table_row };

struct Block {
    std::uint32_t owner = 0; // the block-level element whose inline content this is
    std::uint32_t first = 0; // node range of the content, for rendering: [first, last)
    std::uint32_t last = 0;
    std::string text;        // white space collapsed, trimmed
    std::string lower;       // `text` lower-cased (lower_utf8), for the lexicons and fingerprints
    std::uint32_t chars = 0; // non-space code points
    std::uint32_t link_chars = 0;
    std::uint32_t emphasis_chars = 0;
    std::uint32_t words = 0;
    std::uint32_t stop_words = 0;
    BlockKind kind = BlockKind::paragraph;
    std::uint8_t heading_level = 0;
    std::uint16_t context = 0;      // NodeContext of the owner
    std::uint32_t inherited_hints = 0; // class hints of the owner and its ancestors
    bool foreign = false;           // prose under a name of other people's text (comments, related, sidebar)

    double link_density() const { return chars ? static_cast<double>(link_chars) / chars : 0.0; }
    double stop_word_density() const { return words ? static_cast<double>(stop_words) / words : 0.0; }
};

enum class Pruned : std::uint8_t { no, by_tag, by_role, hidden, by_class };

struct PageBlocks {
    std::vector<Block> blocks;                  // document order
    std::vector<std::uint32_t> hints;           // per node: the element's own class/id hints
    std::vector<Pruned> pruned;                 // per node: the root of a pruned subtree
    std::vector<bool> removed;                  // per node: inside a pruned subtree (root included)
    std::vector<bool> foreign;                  // per node: inside prose named as other people's (see Block)
    // Per node: score factor for elements too big to prune on a negative hint, inherited by
    // their descendants (1 elsewhere).
    std::vector<float> score_factor;
    std::uint32_t body_chars = 0;               // visible characters under <body>
    std::uint32_t consent_chars = 0;            // characters in pruned consent/cookie subtrees
    std::uint32_t paywall_chars = 0;            // characters in pruned paywall subtrees
    std::uint32_t stop_words = 0;               // over all blocks
    std::uint32_t words = 0;
};

// How much a segmentation prunes before content is chosen.
enum class Pruning : std::uint8_t {
    full,      // tags, roles, hidden elements, dialogs and class/id names
    tags_only, // only elements whose tag is never the article (nav, aside, footer, form, …) and consent
               // layers: the retry for pages whose article sits under a misleading name, an aria-hidden
               // wrapper or an open modal
};

PageBlocks segment_blocks(const HtmlDocument&, Pruning = Pruning::full);

} // namespace feedkeeper::parse

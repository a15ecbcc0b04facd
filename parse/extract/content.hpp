// parse/extract/content.hpp — main-content selection: the container that maximises content-like
// text against boilerplate-like text, then the blocks inside it that are body text.
// Pure functions. Safe on any thread.
#pragma once

#include "core/article.hpp"
#include "parse/extract/blocks.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

// Why a candidate block was kept or dropped (for tests and diagnostics).
enum class BlockVerdict : std::uint8_t {
    kept,
    kept_between_content,
    kept_caption,            // a caption between body blocks: in body_html; in body when asked
    dropped_link_dense,
    dropped_short_edge,
    dropped_notice,
    dropped_title,
    dropped_byline,
    dropped_heading_without_content,
    dropped_caption,
    dropped_site_template,
    dropped_teaser,          // in a repeated card that starts with a link: a list of other stories
    dropped_section,         // under a "Comments" / "Related" / "Read more" heading
    dropped_hidden_copy,     // under a hidden name, and shown elsewhere in the body (a print or test variant)
    dropped_named_box,       // in a box inside the container named as an advert, a promotion or related stories
};

struct SelectedContent {
    std::uint32_t container = no_node;
    std::vector<std::uint32_t> candidates; // indices into PageBlocks::blocks inside the container
    std::vector<BlockVerdict> verdicts;    // one per candidate
    std::vector<std::uint32_t> kept;       // the body's blocks, in order
    std::vector<std::uint32_t> rendered;   // the blocks body_html shows (kept plus captions)
    std::uint32_t teaser_chars = 0;        // characters in other stories' cards anywhere on the page
    bool paywall_notice = false;           // a "subscribe to continue" notice in or after the body
    std::uint32_t consent_chars = 0;       // in candidate blocks that speak of cookies or consent
    std::uint32_t prose_chars = 0;         // in kept blocks that read as prose (positive weight)
    bool long_prose = false;               // a kept block of 150+ characters of prose
    bool in_headline_post = false;         // the container is (inside) the post the page's headline opens
};

struct ContentHints {
    std::string_view title;          // the page's title, to drop its repetition
    const SiteProfile* site = nullptr;
    bool captions_in_body = false;   // captions between body blocks count as body text
};

SelectedContent select_content(const HtmlDocument&, const PageBlocks&, const ContentHints&);

// The content weight of one block: positive for prose, negative for link lists and fragments. A
// caption weighs as text only when `captions_are_text` (a gallery), else against its container.
double content_weight(const Block&, bool stop_words_informative, bool captions_are_text = false);

} // namespace feedkeeper::parse

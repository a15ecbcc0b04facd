// parse/html/document.hpp — a parsed page: Gumbo's tree (owned) plus a flat, pre-order index of it
// with per-node text measures, so extraction never recurses on DOM depth or re-walks subtrees.
// One document per call; immutable after construction. Safe on any thread.
#pragma once

#include "core/c_handle.hpp"

#include <gumbo.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

void destroy_gumbo_output(GumboOutput*) noexcept;
using GumboOutputHandle = CHandle<GumboOutput, &destroy_gumbo_output>;

inline constexpr std::uint32_t no_node = 0xFFFFFFFFu;

// Inherited context of a node (set when an ancestor, or the node itself, has the property).
enum NodeContext : std::uint16_t {
    in_link = 1 << 0,
    in_emphasis = 1 << 1, // em, i, strong, b
    in_preformatted = 1 << 2,
    in_heading = 1 << 3,
    in_quote = 1 << 4,
    in_list = 1 << 5,
    in_figure = 1 << 6,
    in_table = 1 << 7,
    invisible = 1 << 8, // head, script, template, select, …: never rendered as text
    in_paragraph = 1 << 9,
};

struct DomNode {
    const GumboNode* node = nullptr;
    std::uint32_t parent = no_node;
    std::uint32_t end = 0;        // one past the last descendant: the subtree is [index, end)
    GumboTag tag = GUMBO_TAG_UNKNOWN; // GUMBO_TAG_UNKNOWN for text nodes too; see is_text
    bool is_text = false;
    bool whitespace = false;      // a text node of white space only
    bool block_level = false;     // starts its own text block (block tag, or holds block content)
    bool holds_blocks = false;    // has a visible block-level child
    std::uint16_t context = 0;    // NodeContext bits
    std::uint32_t depth = 0;
    std::uint32_t first_text = no_node; // first visible, non-blank text node of the subtree
    std::uint32_t chars = 0;      // visible non-space code points in the subtree (CJK counted 3×: denser script)
    std::uint32_t link_chars = 0; // the part of `chars` inside links
    // Characters of substantial, link-poor text runs in the subtree (runs of inline text of at least
    // ~80 characters, mostly outside links): a cheap measure of prose before any pruning.
    std::uint32_t prose_chars = 0;
    std::string_view text;        // text nodes: the decoded text
    // Elements: the attributes every stage reads, looked up once while indexing.
    std::string_view class_name;
    std::string_view id;
    std::string_view role;
    std::string_view itemprop;
    bool hidden = false;          // hidden, aria-hidden="true", or a display:none / visibility:hidden style
    bool modal = false;           // role="dialog" / "alertdialog" or aria-modal="true": a layer over the page
};

class HtmlDocument {
public:
    // `html` must be valid UTF-8 (see prescan_html); it must outlive the document.
    HtmlDocument(std::string_view html, std::size_t max_nodes);

    const std::vector<DomNode>& nodes() const { return nodes_; }
    const DomNode& operator[](std::uint32_t index) const { return nodes_[index]; }
    std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
    bool truncated() const { return truncated_; }
    std::uint32_t body() const { return body_; } // index of <body>, or 0 (the <html> root)
    // Whether `node` is `ancestor` or inside it (subtrees are index ranges).
    bool holds(std::uint32_t ancestor, std::uint32_t node) const { return node >= ancestor && node < nodes_[ancestor].end; }

    // Value of attribute `name` of element `index`, or "" when absent.
    std::string_view attribute(std::uint32_t index, const char* name) const;
    bool has_attribute(std::uint32_t index, const char* name) const;

private:
    void build_index(std::size_t max_nodes);
    void measure_prose();

    GumboOutputHandle output_;
    std::vector<DomNode> nodes_;
    std::uint32_t body_ = 0;
    bool truncated_ = false;
};

bool is_heading(GumboTag);

} // namespace feedkeeper::parse

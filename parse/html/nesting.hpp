// parse/html/nesting.hpp — a model of the HTML parser's stack of open elements, for the pre-scan.
// One instance per call; not shared. Safe on any thread.
//
// It mirrors the tree builder's rules that *shrink* the stack (implied end tags, "in scope" checks,
// the special-element stop of "any other end tag", </form> removing only the form) and
// over-counts everything else, so its depth is an upper bound of Gumbo's up to a small constant
// factor (implied tbody/tr) plus the reconstructed formatting elements, which it caps separately.
#pragma once

#include <gumbo.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace feedkeeper::parse {

class NestingModel {
public:
    enum class Action { emit, emit_as_br, drop, drop_over_cap };

    NestingModel(std::size_t max_depth, std::size_t max_formatting);

    Action start_tag(GumboTag, std::string_view name);
    Action end_tag(GumboTag, std::string_view name);
    std::size_t depth() const { return stack_.size() - removed_; }
    // Formatting elements the parser may reconstruct before the next text or element.
    std::size_t formatting_outstanding() const { return formatting_total_; }

private:
    struct Open {
        GumboTag tag;
        std::uint32_t name_hash; // tells unknown (custom) elements apart
        bool removed;            // taken out by </form> while elements above it stayed open
    };

    long topmost(GumboTag tag, std::uint32_t name_hash) const;
    long topmost(GumboTag tag) const { return topmost(tag, 0); }
    long top_of(const std::vector<std::uint32_t>& positions) const;
    long scope_barrier() const { return top_of(barriers_); }
    void push(GumboTag, std::uint32_t name_hash);
    void pop_to(long position); // pops the element at `position` and everything above it
    void remove_form(long position);
    void close_p_in_button_scope();
    Action end_formatting(GumboTag);

    std::size_t max_depth_;
    std::size_t max_formatting_;
    std::vector<Open> stack_;
    std::size_t removed_ = 0;
    std::array<std::vector<std::uint32_t>, GUMBO_TAG_LAST + 1> positions_ {};
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> unknown_positions_;
    std::vector<std::uint32_t> special_;      // "special" elements: stop "any other end tag"
    std::vector<std::uint32_t> hard_special_; // special except address, div, p: stop <li>, <dd>
    std::vector<std::uint32_t> barriers_;     // default-scope boundaries
    std::array<std::uint32_t, GUMBO_TAG_LAST + 1> formatting_open_ {}; // in the active list
    std::size_t formatting_total_ = 0;
    bool seen_html_ = false;
    bool seen_head_ = false;
    bool seen_body_ = false;
};

} // namespace feedkeeper::parse

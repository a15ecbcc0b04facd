// parse/html/nesting.cpp — the open-element model behind the pre-scan's depth cap.
// One instance per call. Safe on any thread.
#include "parse/html/nesting.hpp"

#include <algorithm>
#include <cassert>
#include <initializer_list>

namespace feedkeeper::parse {
namespace {

using TagSet = std::array<bool, GUMBO_TAG_LAST + 1>;

constexpr TagSet make_set(std::initializer_list<GumboTag> tags)
{
    TagSet set {};
    for (GumboTag tag : tags)
        set[tag] = true;
    return set;
}

constexpr TagSet void_tags = make_set({ GUMBO_TAG_AREA, GUMBO_TAG_BASE, GUMBO_TAG_BR, GUMBO_TAG_COL, GUMBO_TAG_EMBED,
    GUMBO_TAG_HR, GUMBO_TAG_IMG, GUMBO_TAG_IMAGE, GUMBO_TAG_INPUT, GUMBO_TAG_LINK, GUMBO_TAG_META, GUMBO_TAG_PARAM,
    GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_WBR, GUMBO_TAG_KEYGEN, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND,
    GUMBO_TAG_FRAME, GUMBO_TAG_ISINDEX });

constexpr TagSet formatting_tags = make_set({ GUMBO_TAG_A, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM,
    GUMBO_TAG_FONT, GUMBO_TAG_I, GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE, GUMBO_TAG_STRONG,
    GUMBO_TAG_TT, GUMBO_TAG_U });

// The HTML standard's "special" category (MathML/SVG ones included: treating them as special
// only makes the model pop less, never more).
constexpr TagSet special_tags = make_set({ GUMBO_TAG_ADDRESS, GUMBO_TAG_APPLET, GUMBO_TAG_AREA, GUMBO_TAG_ARTICLE,
    GUMBO_TAG_ASIDE, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY,
    GUMBO_TAG_BR, GUMBO_TAG_BUTTON, GUMBO_TAG_CAPTION, GUMBO_TAG_CENTER, GUMBO_TAG_COL, GUMBO_TAG_COLGROUP,
    GUMBO_TAG_DD, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL, GUMBO_TAG_DT, GUMBO_TAG_EMBED,
    GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_FORM, GUMBO_TAG_FRAME,
    GUMBO_TAG_FRAMESET, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
    GUMBO_TAG_HEAD, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_HR, GUMBO_TAG_HTML, GUMBO_TAG_IFRAME, GUMBO_TAG_IMG,
    GUMBO_TAG_INPUT, GUMBO_TAG_KEYGEN, GUMBO_TAG_LI, GUMBO_TAG_LINK, GUMBO_TAG_LISTING, GUMBO_TAG_MAIN,
    GUMBO_TAG_MARQUEE, GUMBO_TAG_MENU, GUMBO_TAG_MENUITEM, GUMBO_TAG_META, GUMBO_TAG_NAV, GUMBO_TAG_NOEMBED,
    GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_OBJECT, GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_PARAM,
    GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE, GUMBO_TAG_SCRIPT, GUMBO_TAG_SECTION, GUMBO_TAG_SELECT, GUMBO_TAG_SOURCE,
    GUMBO_TAG_STYLE, GUMBO_TAG_SUMMARY, GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_TD, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_TEXTAREA, GUMBO_TAG_TFOOT, GUMBO_TAG_TH, GUMBO_TAG_THEAD, GUMBO_TAG_TITLE, GUMBO_TAG_TR,
    GUMBO_TAG_TRACK, GUMBO_TAG_UL, GUMBO_TAG_WBR, GUMBO_TAG_XMP, GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN,
    GUMBO_TAG_MS, GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML, GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC });

constexpr TagSet scope_barrier_tags = make_set({ GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML,
    GUMBO_TAG_TABLE, GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE,
    GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML,
    GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC });

// Start tags that close an open <p> in button scope (<table> left out: quirks mode keeps the p).
constexpr TagSet closes_p_tags = make_set({ GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE,
    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV, GUMBO_TAG_DL,
    GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP,
    GUMBO_TAG_MAIN, GUMBO_TAG_MENU, GUMBO_TAG_NAV, GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY,
    GUMBO_TAG_UL, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6, GUMBO_TAG_PRE,
    GUMBO_TAG_LISTING, GUMBO_TAG_FORM, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT, GUMBO_TAG_HR });

constexpr TagSet heading_tags = make_set({ GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5,
    GUMBO_TAG_H6 });

std::uint32_t hash_name(std::string_view name)
{
    std::uint32_t hash = 2166136261u;
    for (char c : name)
        hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    return hash | 1u; // 0 means "known tag"
}

bool is_hard_special(GumboTag tag)
{
    return special_tags[tag] && tag != GUMBO_TAG_ADDRESS && tag != GUMBO_TAG_DIV && tag != GUMBO_TAG_P;
}

} // namespace

NestingModel::NestingModel(std::size_t max_depth, std::size_t max_formatting)
    : max_depth_(max_depth), max_formatting_(max_formatting)
{
}

long NestingModel::top_of(const std::vector<std::uint32_t>& positions) const
{
    return positions.empty() ? -1 : static_cast<long>(positions.back());
}

long NestingModel::topmost(GumboTag tag, std::uint32_t name_hash) const
{
    if (tag != GUMBO_TAG_UNKNOWN)
        return top_of(positions_[tag]);
    const auto found = unknown_positions_.find(name_hash);
    return found == unknown_positions_.end() ? -1 : top_of(found->second);
}

void NestingModel::push(GumboTag tag, std::uint32_t name_hash)
{
    const auto position = static_cast<std::uint32_t>(stack_.size());
    stack_.push_back({ tag, name_hash, false });
    if (tag == GUMBO_TAG_UNKNOWN)
        unknown_positions_[name_hash].push_back(position);
    else
        positions_[tag].push_back(position);
    if (special_tags[tag])
        special_.push_back(position);
    if (is_hard_special(tag))
        hard_special_.push_back(position);
    if (scope_barrier_tags[tag])
        barriers_.push_back(position);
}

void NestingModel::pop_to(long position)
{
    while (position >= 0 && static_cast<long>(stack_.size()) > position) {
        const Open open = stack_.back();
        stack_.pop_back();
        if (open.removed) {
            --removed_;
            continue;
        }
        if (open.tag == GUMBO_TAG_UNKNOWN)
            unknown_positions_[open.name_hash].pop_back();
        else
            positions_[open.tag].pop_back();
        if (special_tags[open.tag])
            special_.pop_back();
        if (is_hard_special(open.tag))
            hard_special_.pop_back();
        if (scope_barrier_tags[open.tag])
            barriers_.pop_back();
    }
}

void NestingModel::remove_form(long position)
{
    const auto at = static_cast<std::uint32_t>(position);
    if (static_cast<std::size_t>(position) + 1 == stack_.size()) {
        pop_to(position);
        return;
    }
    stack_[at].removed = true;
    ++removed_;
    positions_[GUMBO_TAG_FORM].pop_back();
    for (auto* list : { &special_, &hard_special_ }) {
        const auto found = std::find(list->begin(), list->end(), at);
        assert(found != list->end()); // a form is special: pushed on both lists with it
        if (found != list->end())
            list->erase(found);
    }
}

void NestingModel::close_p_in_button_scope()
{
    const long p = topmost(GUMBO_TAG_P);
    if (p > std::max(scope_barrier(), topmost(GUMBO_TAG_BUTTON)))
        pop_to(p);
}

NestingModel::Action NestingModel::start_tag(GumboTag tag, std::string_view name)
{
    if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_HEAD || tag == GUMBO_TAG_BODY) {
        bool& seen = tag == GUMBO_TAG_HTML ? seen_html_ : tag == GUMBO_TAG_HEAD ? seen_head_ : seen_body_;
        const bool first = !seen;
        seen = true;
        return first ? Action::emit : Action::drop;
    }
    if (void_tags[tag])
        return Action::emit;
    if (closes_p_tags[tag])
        close_p_in_button_scope();
    const auto top_is = [&](auto predicate) { return !stack_.empty() && predicate(stack_.back().tag); };
    if (heading_tags[tag] && top_is([](GumboTag t) { return heading_tags[t]; }))
        pop_to(static_cast<long>(stack_.size()) - 1);
    if (tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT) {
        const long stop = top_of(hard_special_);
        const GumboTag at_stop = stop >= 0 ? stack_[static_cast<std::size_t>(stop)].tag : GUMBO_TAG_UNKNOWN;
        const bool closes = tag == GUMBO_TAG_LI ? at_stop == GUMBO_TAG_LI : (at_stop == GUMBO_TAG_DD || at_stop == GUMBO_TAG_DT);
        if (closes)
            pop_to(stop);
    }
    const long table = topmost(GUMBO_TAG_TABLE);
    if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
        const long cell = std::max(topmost(GUMBO_TAG_TD), topmost(GUMBO_TAG_TH));
        if (cell > table)
            pop_to(cell);
    } else if (tag == GUMBO_TAG_TR) {
        if (topmost(GUMBO_TAG_TR) > table)
            pop_to(topmost(GUMBO_TAG_TR));
    } else if (tag == GUMBO_TAG_TBODY || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT) {
        const long section = std::max({ topmost(GUMBO_TAG_TBODY), topmost(GUMBO_TAG_THEAD), topmost(GUMBO_TAG_TFOOT) });
        if (section > table)
            pop_to(section);
    } else if (tag == GUMBO_TAG_OPTION || tag == GUMBO_TAG_OPTGROUP) {
        if (top_is([](GumboTag t) { return t == GUMBO_TAG_OPTION; }))
            pop_to(static_cast<long>(stack_.size()) - 1);
        if (tag == GUMBO_TAG_OPTGROUP && top_is([](GumboTag t) { return t == GUMBO_TAG_OPTGROUP; }))
            pop_to(static_cast<long>(stack_.size()) - 1);
    }
    if (formatting_tags[tag] && formatting_total_ >= max_formatting_)
        return Action::drop_over_cap;
    if (depth() >= max_depth_)
        return Action::drop_over_cap;
    push(tag, tag == GUMBO_TAG_UNKNOWN ? hash_name(name) : 0);
    if (formatting_tags[tag]) {
        ++formatting_open_[tag];
        ++formatting_total_;
    }
    return Action::emit;
}

NestingModel::Action NestingModel::end_formatting(GumboTag tag)
{
    const long position = topmost(tag);
    if (position < 0) { // popped by a block end, still in the active list: the end tag removes it
        if (formatting_open_[tag] > 0) {
            --formatting_open_[tag];
            --formatting_total_;
        }
        return Action::emit;
    }
    if (position < scope_barrier())
        return Action::drop; // not in scope: ignored
    if (position > top_of(special_)) {
        pop_to(position);
        if (formatting_open_[tag] > 0) {
            --formatting_open_[tag];
            --formatting_total_;
        }
        return Action::emit;
    }
    return Action::emit; // adoption agency with a furthest block: the stack keeps its depth
}

NestingModel::Action NestingModel::end_tag(GumboTag tag, std::string_view name)
{
    if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY)
        return Action::drop;
    if (tag == GUMBO_TAG_HEAD)
        return Action::emit;
    if (tag == GUMBO_TAG_BR)
        return Action::emit_as_br;
    if (void_tags[tag])
        return Action::drop;
    if (formatting_tags[tag])
        return end_formatting(tag);
    if (tag == GUMBO_TAG_FORM) {
        const long form = topmost(GUMBO_TAG_FORM);
        if (form < 0 || form < scope_barrier())
            return Action::drop;
        remove_form(form);
        return Action::emit;
    }
    if (special_tags[tag]) {
        long position = topmost(tag);
        long barrier = scope_barrier();
        if (heading_tags[tag]) {
            position = std::max({ topmost(GUMBO_TAG_H1), topmost(GUMBO_TAG_H2), topmost(GUMBO_TAG_H3),
                topmost(GUMBO_TAG_H4), topmost(GUMBO_TAG_H5), topmost(GUMBO_TAG_H6) });
        } else if (tag == GUMBO_TAG_P) {
            barrier = std::max(barrier, topmost(GUMBO_TAG_BUTTON));
        } else if (tag == GUMBO_TAG_LI) {
            barrier = std::max({ barrier, topmost(GUMBO_TAG_OL), topmost(GUMBO_TAG_UL) });
        } else if (tag == GUMBO_TAG_TABLE) {
            barrier = -1;
        } else if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH || tag == GUMBO_TAG_TR || tag == GUMBO_TAG_TBODY
            || tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT || tag == GUMBO_TAG_CAPTION) {
            barrier = topmost(GUMBO_TAG_TABLE);
        }
        if (position < 0 || position < barrier || (position == barrier && !scope_barrier_tags[tag]))
            return Action::drop;
        pop_to(position);
        return Action::emit;
    }
    // "Any other end tag": closes the element only when no special element is above it.
    const long position = topmost(tag, tag == GUMBO_TAG_UNKNOWN ? hash_name(name) : 0);
    if (position < 0 || position < top_of(special_))
        return Action::drop;
    pop_to(position);
    return Action::emit;
}

} // namespace feedkeeper::parse

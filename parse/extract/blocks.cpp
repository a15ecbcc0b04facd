// parse/extract/blocks.cpp — pruning and block segmentation in one forward walk over the flat
// index (subtrees skipped by index ranges; no recursion). Safe on any thread.
#include "parse/extract/blocks.hpp"

#include "core/text.hpp"
#include "parse/extract/lexicon.hpp"
#include "parse/extract/stop_words.hpp"
#include "parse/extract/tuning.hpp"
#include "parse/text/characters.hpp"

#include <unordered_map>

namespace feedkeeper::parse {
namespace {

bool is_boilerplate_role(std::string_view role)
{
    static constexpr std::string_view roles[] = { "navigation", "banner", "contentinfo", "complementary", "dialog",
        "alertdialog", "search", "menu", "menubar", "toolbar", "tablist" };
    for (std::string_view candidate : roles) {
        if (iequals(role, candidate))
            return true;
    }
    return false;
}

// Words as an anchor id spells them: lower-case ASCII letters and digits, each other run one '-'.
std::string slug(std::string_view text)
{
    std::string out;
    bool gap = false;
    for (const char c : text) {
        if (!is_ascii_letter(c) && !is_ascii_digit(c)) {
            gap = true;
            continue;
        }
        if (gap && !out.empty())
            out.push_back('-');
        gap = false;
        out.push_back(lower_ascii(c));
    }
    return out;
}

// Whether the id of element `index` is the slug of the heading it opens with ("sharing-with-a-
// single-developer" on the section headed "Sharing with a single developer", as docutils, Markdown
// renderers and table-of-contents plugins write them). Such an id repeats the heading's words; it
// names no role, and its words ("sharing") must not read as one. A one-word id ("comments") and a
// heading that is itself a boilerplate section's title ("Leave a reply") keep what they say.
bool id_is_heading_slug(const HtmlDocument& document, std::uint32_t index)
{
    const DomNode& node = document[index];
    if (node.id.find_first_of("-_") == std::string_view::npos)
        return false;
    constexpr std::uint32_t max_lookahead = 16; // the heading is at the top: its first few nodes
    for (std::uint32_t at = index + 1; at < node.end && at <= index + max_lookahead; ++at) {
        const DomNode& inner = document[at];
        if (inner.is_text) {
            if (inner.whitespace)
                continue;
            return false; // text before any heading
        }
        if (!is_heading(inner.tag))
            continue;
        constexpr std::size_t max_heading_bytes = 200; // an id spells a heading of a line, not more
        std::string text;
        for (std::uint32_t t = at + 1; t < inner.end && text.size() <= max_heading_bytes; ++t) {
            if (document[t].is_text)
                text.append(document[t].text).push_back(' ');
        }
        if (text.size() > max_heading_bytes)
            return false;
        const std::string heading = slug(text);
        return !heading.empty() && heading == slug(node.id) && !is_boilerplate_section_title(lower_utf8(collapse_whitespace(text)));
    }
    return false;
}

bool is_boilerplate_tag(GumboTag tag)
{
    switch (tag) {
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER: case GUMBO_TAG_HEADER: case GUMBO_TAG_FORM:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT: case GUMBO_TAG_MENU:
        return true;
    default:
        return false;
    }
}

BlockKind kind_of(GumboTag tag, std::uint32_t hints)
{
    if (hints & hint_caption)
        return BlockKind::caption;
    switch (tag) {
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return BlockKind::heading;
    case GUMBO_TAG_LI: case GUMBO_TAG_DD: case GUMBO_TAG_DT: return BlockKind::list_item;
    case GUMBO_TAG_BLOCKQUOTE: return BlockKind::quote;
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: return BlockKind::preformatted;
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CAPTION: return BlockKind::caption;
    case GUMBO_TAG_TR: return BlockKind::table_row;
    default: return BlockKind::paragraph;
    }
}

void count_words(Block& block)
{
    block.lower = lower_utf8(block.text);
    const std::string& lower = block.lower;
    std::size_t start = 0;
    const auto flush = [&](std::size_t end) {
        if (end <= start)
            return;
        ++block.words;
        if (is_stop_word(std::string_view(lower).substr(start, end - start)))
            ++block.stop_words;
    };
    for (std::size_t i = 0; i < lower.size(); ++i) {
        const auto c = static_cast<unsigned char>(lower[i]);
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            flush(i);
            start = i + 1;
        }
    }
    flush(lower.size());
}

class Segmenter {
public:
    Segmenter(const HtmlDocument& document, PageBlocks& page, Pruning pruning)
        : document_(document), page_(page), pruning_(pruning) { }

    void run();
    std::vector<bool> take_foreign() { return std::move(foreign_); }

private:
    std::uint32_t own_hints(std::uint32_t index);
    Pruned prune_reason(std::uint32_t index, std::uint32_t hints, float& factor, bool& foreign) const;
    bool reads_as_boilerplate(std::uint32_t index) const;
    bool in_running_text(std::uint32_t index) const;
    bool inside_article(std::uint32_t index) const;
    double prose_share(std::uint32_t index) const;
    void find_main_run();
    void flush();
    void start_block(std::uint32_t owner, std::uint32_t at);

    const HtmlDocument& document_;
    PageBlocks& page_;
    const Pruning pruning_;
    std::unordered_map<std::string_view, std::uint32_t> hint_cache_;
    std::vector<std::uint32_t> inherited_; // per node: hints of itself and its ancestors
    std::vector<bool> foreign_;            // per node: inside prose named as other people's text
    std::vector<bool> holds_main_run_;     // per node: an ancestor of the page's longest prose run
    Block current_;
    bool pending_space_ = false;
    int pending_breaks_ = 0;
};

std::uint32_t Segmenter::own_hints(std::uint32_t index)
{
    std::uint32_t hints = 0;
    const std::string_view id = id_is_heading_slug(document_, index) ? std::string_view() : document_[index].id;
    for (const std::string_view value : { document_[index].class_name, id }) {
        if (value.empty())
            continue;
        auto [entry, inserted] = hint_cache_.try_emplace(value, 0);
        if (inserted)
            entry->second = class_hints(value);
        hints |= entry->second;
    }
    const std::string_view itemprop = document_[index].itemprop;
    if (!itemprop.empty() && (icontains(itemprop, "articlebody") || icontains(itemprop, "reviewbody")))
        hints |= hint_body_strong;
    return hints;
}

// Share of the page's prose in the subtree of `index` (of all its text on pages without prose).
double Segmenter::prose_share(std::uint32_t index) const
{
    const DomNode& node = document_[index];
    const DomNode& body = document_[document_.body()];
    if (body.prose_chars >= 200)
        return static_cast<double>(node.prose_chars) / body.prose_chars;
    return body.chars > 0 ? 0.67 * node.chars / body.chars : 0.0;
}

// The page's longest run of prose (the block-level element whose own inline text holds the most
// prose characters), if it is long enough to be an article's: its ancestors are marked. Before
// any pruning, this run is the best single piece of evidence of where the article is.
void Segmenter::find_main_run()
{
    const std::uint32_t body = document_.body();
    const std::uint32_t count = document_.size();
    std::vector<std::uint32_t> own(count, 0);
    for (std::uint32_t i = body; i < document_[body].end; ++i)
        own[i] += document_[i].prose_chars;
    for (std::uint32_t i = body + 1; i < document_[body].end; ++i)
        own[document_[i].parent] -= document_[i].prose_chars;
    std::uint32_t best = no_node;
    for (std::uint32_t i = body + 1; i < document_[body].end; ++i)
        if (own[i] >= tuning.main_run_min_prose_chars && (best == no_node || own[i] > own[best]))
            best = i;
    holds_main_run_.assign(count, false);
    for (std::uint32_t at = best; at != no_node && at >= body; at = document_[at].parent)
        holds_main_run_[at] = true;
}

// The element's own content reads as boilerplate: short, mostly links, or little prose.
bool Segmenter::reads_as_boilerplate(std::uint32_t index) const
{
    const DomNode& node = document_[index];
    return node.chars < tuning.boilerplate_short_chars
        || node.link_chars > tuning.boilerplate_link_density * node.chars
        || node.prose_chars < tuning.boilerplate_max_prose_ratio * node.chars;
}

// An element inside an <article> (a <header> there holds the title and standfirst, not the site's).
bool Segmenter::inside_article(std::uint32_t index) const
{
    for (std::uint32_t at = document_[index].parent; at != no_node && at >= document_.body(); at = document_[at].parent) {
        if (document_[at].tag == GUMBO_TAG_ARTICLE)
            return true;
    }
    return false;
}

// Whether inline element `index` sits between words: a sibling text beside it holds a letter.
bool Segmenter::in_running_text(std::uint32_t index) const
{
    const DomNode& node = document_[index];
    if (node.block_level || node.is_text)
        return false;
    const auto is_words = [&](std::uint32_t at) {
        if (at >= document_.size() || document_[at].parent != node.parent || !document_[at].is_text || document_[at].whitespace)
            return false;
        for (const char c : document_[at].text) {
            if (is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80)
                return true;
        }
        return false;
    };
    return (index > 0 && is_words(index - 1)) || is_words(node.end);
}

Pruned Segmenter::prune_reason(std::uint32_t index, std::uint32_t hints, float& factor, bool& foreign) const
{
    const DomNode& node = document_[index];
    const bool by_name = pruning_ == Pruning::full; // roles, hiddenness and class/id names count
    // Dialogs, modals, overlays and consent layers go before scoring, whatever they say; consent
    // layers even in the retry without names (a cookie notice is never an article).
    // Names judge elements, not words in a sentence: an inline element between words (a glossary
    // link named "popup", a topic link named "meta" or "hidden_link") is part of its text run. Not
    // text for screen readers alone: "(opens in a new tab)" inside a link is still dropped.
    const bool judged_by_name = !(node.modal || (hints & negative_hints)) || (hints & hint_screen_reader) || !in_running_text(index);
    if (judged_by_name && ((hints & hint_consent) || (by_name && (node.modal || (hints & hint_popup))))) {
        if (node.holds_blocks && node.chars > 0 && prose_share(index) >= tuning.dialog_max_prose_share)
            return Pruned::no;
        return node.modal ? Pruned::by_role : Pruned::by_class;
    }
    Pruned reason = Pruned::no;
    // Evidence strength: how much of the page's prose an element may hold and still be pruned,
    // and the score factor it gets when it holds more.
    double max_share = 0.4;
    float big_factor = 0.85f;
    if (is_boilerplate_tag(node.tag) && !(node.tag == GUMBO_TAG_HEADER && inside_article(index))) {
        reason = Pruned::by_tag;
        if (node.tag == GUMBO_TAG_NAV || node.tag == GUMBO_TAG_ASIDE || node.tag == GUMBO_TAG_FOOTER)
            big_factor = 0.5f;
        // An <aside> its name also calls a sidebar (a live ticker, most-read stories beside a
        // short report): tag and name agree, so it is held to the share of other people's prose.
        if (node.tag == GUMBO_TAG_ASIDE && by_name && (hints & hint_sidebar))
            max_share = tuning.foreign_max_prose_share;
    } else if (!by_name) {
        return Pruned::no;
    } else if (is_boilerplate_role(node.role)) {
        reason = Pruned::by_role;
        big_factor = 0.5f;
    } else if (node.hidden) {
        reason = Pruned::hidden; // copies for crawlers and collapsed widgets; rarely the only text
        max_share = 0.75;
        big_factor = 0.3f;
    } else if (judged_by_name && (hints & negative_hints & ~hint_caption) && !(hints & hint_body_strong) && !is_heading(node.tag)) {
        // A name is a hint about the element's role; what it holds decides. Boilerplate-looking
        // content goes; prose under a name of other people's text (comments, related stories,
        // sidebars) stays in the page but weighs as boilerplate; prose under any other name is
        // text. An element holding most of the page's prose is never judged by its name.
        if (!node.holds_blocks && (hints & strong_negative_hints))
            return Pruned::by_class; // a leaf named as boilerplate is boilerplate however long
        const double share = node.chars > 0 ? prose_share(index) : 0.0;
        const bool others_prose = (hints & (hint_comment | hint_related)) != 0;
        // A wrapper around the page's longest prose run under a weak name ("widget", "sidebar",
        // "hidden"…) is the article's container, whatever else it holds; not under an author's name:
        // an author's bio is often one long paragraph beside a news story's short ones.
        if (holds_main_run_[index] && node.holds_blocks && !(hints & strong_negative_hints & ~hint_sidebar) && !(hints & hint_byline))
            return Pruned::no;
        if (share >= (others_prose ? tuning.foreign_max_prose_share : tuning.named_max_prose_share)) {
            if (hints & strong_negative_hints)
                factor = tuning.outweighed_name_factor;
            return Pruned::no;
        }
        if (reads_as_boilerplate(index))
            return Pruned::by_class;
        foreign = (hints & foreign_text_hints) != 0;
        return Pruned::no;
    }
    // Only wrappers are protected: a leaf with a boilerplate name is boilerplate however long.
    if (reason != Pruned::no && node.holds_blocks && node.chars > 0 && prose_share(index) >= max_share) {
        factor = big_factor; // too much of the page's prose to drop on this evidence; scores decide
        return Pruned::no;
    }
    return reason;
}

void Segmenter::start_block(std::uint32_t owner, std::uint32_t at)
{
    current_ = Block();
    current_.owner = owner;
    current_.first = at;
    current_.last = at;
    pending_space_ = false;
    pending_breaks_ = 0;
}

void Segmenter::flush()
{
    if (current_.chars > 0) {
        const DomNode& owner = document_[current_.owner];
        current_.kind = kind_of(owner.tag, inherited_[current_.owner]);
        if (current_.kind == BlockKind::heading)
            current_.heading_level = static_cast<std::uint8_t>(owner.tag - GUMBO_TAG_H1 + 1);
        current_.context = owner.context;
        current_.inherited_hints = inherited_[current_.owner];
        current_.foreign = foreign_[current_.owner];
        count_words(current_);
        page_.words += current_.words;
        page_.stop_words += current_.stop_words;
        const std::uint32_t owner_index = current_.owner;
        const std::uint32_t last = current_.last;
        page_.blocks.push_back(std::move(current_));
        start_block(owner_index, last);
        return;
    }
    start_block(current_.owner, current_.last);
}

void Segmenter::run()
{
    const std::uint32_t body = document_.body();
    const std::uint32_t count = document_.size();
    page_.hints.assign(count, 0);
    page_.pruned.assign(count, Pruned::no);
    page_.score_factor.assign(count, 1.0f);
    inherited_.assign(count, 0);
    foreign_.assign(count, false);
    if (count == 0)
        return;
    find_main_run();
    page_.body_chars = document_[body].chars;
    struct Open {
        std::uint32_t element;
        std::uint32_t end;
    };
    std::vector<Open> open { { body, document_[body].end } };
    start_block(body, body + 1);
    for (std::uint32_t i = body + 1; i < document_[body].end;) {
        while (open.size() > 1 && open.back().end <= i) {
            current_.last = i;
            flush();
            open.pop_back();
            start_block(open.back().element, i);
        }
        const DomNode& node = document_[i];
        if (node.is_text) {
            if (!(node.context & invisible) && !node.whitespace) {
                if (pending_breaks_ >= 2) {
                    current_.last = i;
                    flush();
                    current_.first = i;
                }
                pending_breaks_ = 0;
                append_collapsed(current_.text, node.text, pending_space_);
                current_.chars += node.chars;
                current_.link_chars += node.link_chars;
                if (node.context & in_emphasis)
                    current_.emphasis_chars += node.chars;
            } else if (!current_.text.empty()) {
                pending_space_ = true;
            }
            current_.last = ++i;
            continue;
        }
        const std::uint32_t hints = own_hints(i);
        page_.hints[i] = hints;
        const std::uint32_t passed_on = node.chars < tuning.caption_max_chars ? hints : hints & ~hint_caption;
        inherited_[i] = passed_on | (node.parent != no_node ? inherited_[node.parent] : 0);
        float factor = 1.0f;
        bool foreign = false;
        const Pruned reason = (node.context & invisible) ? Pruned::by_tag : prune_reason(i, hints, factor, foreign);
        // An element named as an article's body (entry-content, post-body) inside a wrapper named
        // like a sidebar or widget (Blogger's "widget Blog") is the article, not other people's text;
        // under a comment or related-stories name it stays theirs (a comment's "post-text").
        const bool article_body = (hints & hint_body_strong) && !(inherited_[i] & (hint_comment | hint_related));
        foreign_[i] = foreign || (node.parent != no_node && foreign_[node.parent] && !article_body);
        page_.score_factor[i] = factor * (node.parent != no_node ? page_.score_factor[node.parent] : 1.0f);
        if (reason != Pruned::no) {
            page_.pruned[i] = reason;
            if (hints & hint_consent)
                page_.consent_chars += node.chars;
            if (hints & hint_paywall)
                page_.paywall_chars += node.chars;
            if (node.block_level) {
                current_.last = i;
                flush();
                current_.first = node.end;
            } else if (!current_.text.empty() && !(node.context & invisible)) {
                pending_space_ = true; // (what never renders, like a ruby reading, leaves no gap either)
            }
            i = node.end;
            current_.last = i;
            continue;
        }
        if (node.tag == GUMBO_TAG_BR) {
            ++pending_breaks_;
            pending_space_ = !current_.text.empty();
            current_.last = ++i;
            continue;
        }
        if (node.block_level) {
            current_.last = i;
            flush();
            open.push_back({ i, node.end });
            start_block(i, i + 1);
        } else if (node.tag == GUMBO_TAG_IMG || node.tag == GUMBO_TAG_TD || node.tag == GUMBO_TAG_TH) {
            pending_space_ = !current_.text.empty();
        }
        current_.last = ++i;
    }
    current_.last = document_[body].end;
    flush();
}

} // namespace

PageBlocks segment_blocks(const HtmlDocument& document, Pruning pruning)
{
    PageBlocks page;
    Segmenter segmenter(document, page, pruning);
    segmenter.run();
    page.foreign = segmenter.take_foreign();
    page.removed.assign(document.size(), false);
    for (std::uint32_t i = 0; i < document.size(); ++i) {
        const std::uint32_t parent = document[i].parent;
        page.removed[i] = page.pruned[i] != Pruned::no || (parent != no_node && page.removed[parent]);
    }
    return page;
}

} // namespace feedkeeper::parse

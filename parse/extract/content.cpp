// parse/extract/content.cpp — container choice by subtree score, then per-block verdicts.
// Pure; one pass to score, one reverse pass to sum subtrees, one pass over the candidates.
// Safe on any thread.
//
// Design. Every block gets a content weight: positive for prose (long, or sentence-like with stop
// words), slightly negative for short fragments, proportionally negative for link text; blocks of
// other stories' teaser cards and of comment/related sections weigh as boilerplate. An element's
// score is the sum over its subtree (times a factor for big elements with boilerplate names, a
// bonus for article-body names); the container is the element holding blocks with the best score,
// so it grows exactly while the prose it gains outweighs the boilerplate it takes in. Inside it,
// each block gets a verdict: prose stays; link lists, captions at the edges, bylines, repeated
// titles, notices (a lexicon hit plus form or position: emphasis, an e-mail address, the edge, a
// box of their own), and, with a site profile, the host's template text go; short fragments stay
// only between prose, or as list and paragraph tails beside the article's own paragraphs.
#include "parse/extract/content.hpp"

#include "parse/extract/lexicon.hpp"
#include "parse/extract/site_boilerplate.hpp"
#include "parse/extract/structure.hpp"
#include "parse/extract/tuning.hpp"
#include "parse/text/characters.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace feedkeeper::parse {
namespace {

constexpr std::uint32_t boilerplate_notices = notice_subscribe | notice_recruiting | notice_donation | notice_related
    | notice_share | notice_copyright | notice_consent | notice_paywall | notice_advert | notice_credit | notice_comments;

// The last code point of UTF-8 `text` and its length in bytes (0 for empty or broken text).
std::pair<char32_t, std::size_t> last_code_point(std::string_view text)
{
    std::size_t start = text.size();
    while (start > 0 && text.size() - start < 4) {
        --start;
        if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80)
            break;
    }
    if (start == text.size())
        return { 0, 0 };
    const auto lead = static_cast<unsigned char>(text[start]);
    const std::size_t length = text.size() - start;
    const std::size_t expected = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (expected != length)
        return { 0, 0 };
    char32_t code = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (std::size_t i = start + 1; i < text.size(); ++i)
        code = (code << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
    return { code, length };
}

// Strips closing quotes and brackets, then looks for sentence-final punctuation, in the scripts
// news is written in: Latin and Cyrillic (. ! ? : ;), Armenian (։ ՜ ՞), Greek (;), Arabic and
// Urdu (؟ ۔), Devanagari and other Indic scripts (। ॥), Ethiopic (። ፧), CJK (。！？) and the ellipsis.
bool ends_sentence(std::string_view text)
{
    // A sentence and a credit or note in brackets after it: "… a charity parade. (Jane Doe/Agency)"
    const std::size_t last = text.find_last_not_of(' ');
    if (last != std::string_view::npos && text[last] == ')') {
        const std::size_t open = text.rfind('(', last);
        if (open != std::string_view::npos && open > 0 && ends_sentence(text.substr(0, open)))
            return true;
    }
    while (!text.empty()) {
        const auto [code, length] = last_code_point(text);
        switch (code) {
        case U'"': case U'\'': case U')': case U']': case U' ': case U'*': // closing quotes and brackets
        case U'\u00BB': case U'\u2019': case U'\u201C': case U'\u201D': case U'\u2018': case U'\u300D': case U'\u300F': case U'\uFF09':
            text.remove_suffix(length);
            continue;
        case U'.': case U'!': case U'?': case U':': case U';':
        case U'\u2026': case U'\u3002': case U'\uFF01': case U'\uFF1F':
        case U'\u0589': case U'\u055C': case U'\u055E': case U'\u037E': case U'\u061F': case U'\u06D4':
        case U'\u0964': case U'\u0965': case U'\u1362': case U'\u1367':
            return true;
        default:
            return false;
        }
    }
    return false;
}

// Several sentences of running text, whatever its words: a paragraph in a language the stop-word
// lists do not know reads as prose by its shape.
bool is_sentences(const Block& block)
{
    if (block.chars < tuning.sentences_min_chars || block.link_density() > 0.2 || !ends_sentence(block.text))
        return false;
    std::uint32_t stops = 0;
    for (std::size_t at = block.text.find(". "); at != std::string::npos && stops < tuning.sentences_min_stops;
         at = block.text.find(". ", at + 2))
        ++stops;
    return stops >= tuning.sentences_min_stops;
}

bool has_email_or_url(std::string_view text)
{
    for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
        if (at > 0 && at + 3 < text.size() && text[at - 1] != ' ' && text.find('.', at) != std::string_view::npos)
            return true;
    }
    return text.find("http://") != std::string_view::npos || text.find("https://") != std::string_view::npos
        || text.find("www.") != std::string_view::npos;
}

bool looks_like_byline(std::string_view lower, std::uint32_t chars)
{
    if (chars > 120)
        return false;
    static constexpr std::string_view prefixes[] = { "by ", "von ", "from ", "text:", "text von", "автор", "par ",
        "por ", "di ", "posted ", "published ", "updated ", "veröffentlicht", "aktualisiert", "опубликовано",
        "обновлено" };
    for (std::string_view prefix : prefixes) {
        if (lower.substr(0, prefix.size()) == prefix)
            return true;
    }
    return false;
}

std::string comparable(std::string_view text)
{
    std::string lower = lower_utf8(text);
    std::string out;
    out.reserve(lower.size());
    for (char c : lower) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80)
            out.push_back(c);
    }
    return out;
}

bool repeats_title(const Block& block, const std::string& title)
{
    if (title.empty() || block.chars > 400)
        return false;
    return comparable(block.text) == title;
}

// Containers hold blocks; a paragraph, heading or list item is text, never the article's container.
bool can_contain(const DomNode& node)
{
    if (node.holds_blocks)
        return true;
    switch (node.tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_PRE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_CAPTION: case GUMBO_TAG_TR: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_SUMMARY:
        return false;
    default:
        return node.block_level;
    }
}

// A paragraph written as prose whatever its links: long enough, stop words, a full stop.
bool is_linked_sentence(const Block& block)
{
    return block.kind == BlockKind::paragraph && block.words >= 15 && ends_sentence(block.text)
        && block.stop_word_density() >= 0.2;
}

// Text, not a label or a link: a long run, or a sentence of a few words (whatever the language:
// no stop words needed).
bool reads_as_prose(const Block& block, bool captions_are_text)
{
    if (block.link_density() >= 0.5 || block.kind == BlockKind::heading
        || (block.kind == BlockKind::caption && !captions_are_text))
        return false;
    return block.chars >= 150 || (block.words >= 4 && ends_sentence(block.text))
        || (block.words >= 10 && block.text.find(". ") != std::string::npos);
}

// A list item written as text: a bullet sign and a space first ("• Item", "– Item").
bool starts_with_bullet(std::string_view text)
{
    static constexpr std::string_view bullets[] = { "• ", "· ", "◦ ", "▪ ", "► ", "▸ ", "– ", "- ", "* " };
    return std::any_of(std::begin(bullets), std::end(bullets), [text](std::string_view bullet) { return text.starts_with(bullet); });
}

// The site's legal line ("© 2006 … All rights reserved", often with the site's links): the page
// footer's text, never the article's, unless it is written as a sentence of prose. Weighed as
// other people's text, a long footer line cannot outscore an article of short paragraphs.
bool is_legal_line(const Block& block)
{
    if (block.chars >= 700 || (notice_kinds(block.lower) & notice_copyright) == 0)
        return false;
    return block.link_density() >= 0.2 || !ends_sentence(block.text);
}

// One post: an <article> element, or named as one ("post", "entry", "story", "article-body"), not a
// page's content area ("content", "main").
bool is_post(const HtmlDocument& document, const PageBlocks& page, std::uint32_t node)
{
    const std::uint32_t hints = page.hints[node];
    return !(hints & negative_hints)
        && (document[node].tag == GUMBO_TAG_ARTICLE || (hints & (hint_post | hint_body_strong)) != 0);
}

// The post a headline opens: the page's first h1-h3 that repeats the title, and its nearest post
// ancestor that holds text after it (more than a byline). Blogs and news sites mark a post this
// way; a sidebar's "about me" box or a promotion banner never holds the page's headline. `node`
// is no_node when the page shows none.
struct HeadlinePost {
    std::uint32_t node = no_node;
    std::size_t headline = 0; // the headline's block
};

HeadlinePost headline_post(const HtmlDocument& document, const PageBlocks& page, const std::string& title)
{
    if (title.size() < tuning.headline_min_chars)
        return {};
    for (std::size_t b = 0; b < page.blocks.size(); ++b) {
        const Block& block = page.blocks[b];
        if (block.kind != BlockKind::heading || block.heading_level > 3 || block.foreign || block.chars > 400
            || comparable(block.text) != title)
            continue;
        std::uint32_t node = document[block.owner].parent;
        while (node != no_node && node != document.body() && !is_post(document, page, node))
            node = document[node].parent;
        if (node == no_node || node == document.body())
            return {};
        const std::uint32_t end = document[node].end;
        for (std::size_t next = b + 1; next < page.blocks.size() && page.blocks[next].owner < end; ++next) {
            const Block& text = page.blocks[next];
            if (text.kind != BlockKind::heading && text.chars >= tuning.headline_post_min_chars
                && !(text.inherited_hints & hint_byline) && !looks_like_byline(text.lower, text.chars))
                return { node, b };
        }
        return {};
    }
    return {};
}

// Whether `outer` holds, beside `post` (and not around it), another post with text: the chosen
// container is a column of posts (the article among teasers of others), not one article.
bool holds_other_posts(const HtmlDocument& document, const PageBlocks& page, const std::vector<double>& score, std::uint32_t outer,
    std::uint32_t post)
{
    for (std::uint32_t i = outer + 1; i < document[outer].end;) {
        if (i == post) {
            i = document[post].end;
            continue;
        }
        if (!document.holds(i, post) && !document[i].is_text && score[i] > 0 && is_post(document, page, i))
            return true;
        ++i;
    }
    return false;
}

// The nearest element holding both `a` and `b`.
std::uint32_t common_ancestor(const HtmlDocument& document, std::uint32_t a, std::uint32_t b)
{
    while (a != no_node && !document.holds(a, b))
        a = document[a].parent;
    return a;
}

// Names of boxes that are never the article's own text when they sit inside it.
constexpr std::uint32_t box_hints = hint_advert | hint_promotion | hint_related;

bool is_verdict_kept(BlockVerdict verdict)
{
    return verdict == BlockVerdict::kept || verdict == BlockVerdict::kept_between_content;
}

bool is_verdict_rendered(BlockVerdict verdict)
{
    return is_verdict_kept(verdict) || verdict == BlockVerdict::kept_caption;
}

} // namespace

double content_weight(const Block& block, bool stop_words_informative, bool captions_are_text)
{
    const double chars = block.chars;
    if (block.chars == 0)
        return 0;
    const double link_density = block.link_density();
    const double link_penalty = -0.5 * link_density * chars;
    if (block.kind == BlockKind::heading || block.kind == BlockKind::table_row)
        return -0.02 * chars + link_penalty;
    if (block.kind == BlockKind::caption && !captions_are_text)
        return -0.1 * chars + link_penalty;
    const bool prose = !stop_words_informative || block.words < 8 || block.stop_word_density() >= 0.12
        || is_sentences(block);
    double base = -0.05;
    if (prose && block.chars >= 150)
        base = 1.0;
    else if (prose && block.chars >= 60 && ends_sentence(block.text))
        base = 0.6;
    else if (prose && block.words >= 4 && ends_sentence(block.text) && (!stop_words_informative || block.stop_words > 0))
        base = 0.3;
    return base * (1.0 - link_density) * chars + link_penalty;
}

SelectedContent select_content(const HtmlDocument& document, const PageBlocks& page, const ContentHints& hints)
{
    SelectedContent selected;
    if (page.blocks.empty() || document.size() == 0)
        return selected;
    const bool informative = page.words > 50 && page.stop_words * 100 >= page.words * 8;

    // 1. Score every element by the weights of the blocks in its subtree. On a gallery, whose
    // captions hold far more prose than the rest of the page (a photo post, a slide show with its
    // story told under the pictures), the captions are the text.
    std::vector<double> weights(page.blocks.size());
    double caption_prose = 0;
    double other_prose = 0;
    for (std::size_t b = 0; b < page.blocks.size(); ++b) {
        weights[b] = content_weight(page.blocks[b], informative, true);
        if (weights[b] > 0)
            (page.blocks[b].kind == BlockKind::caption ? caption_prose : other_prose) += weights[b];
    }
    bool gallery = caption_prose >= tuning.gallery_min_caption_prose
        && caption_prose > tuning.gallery_caption_factor * other_prose;
    std::vector<double> score(document.size(), 0.0);
    for (std::size_t b = 0; b < page.blocks.size(); ++b) {
        if (!gallery && page.blocks[b].kind == BlockKind::caption)
            weights[b] = content_weight(page.blocks[b], informative, false);
        if (weights[b] > 0 && is_legal_line(page.blocks[b]))
            weights[b] = tuning.foreign_text_weight * page.blocks[b].chars;
    }
    // Other stories' teasers and comment/related sections weigh as boilerplate.
    const std::vector<bool> in_card = find_teaser_cards(document, page);
    const std::vector<bool> in_section = find_boilerplate_sections(document, page, weights);
    for (std::size_t b = 0; b < page.blocks.size(); ++b) {
        if (in_card[page.blocks[b].owner] || in_section[b] || page.blocks[b].foreign)
            weights[b] = tuning.foreign_text_weight * page.blocks[b].chars;
        score[page.blocks[b].owner] += weights[b];
    }
    for (std::uint32_t i = document.size(); i-- > 1;) {
        if (document[i].parent != no_node)
            score[document[i].parent] += score[i];
    }
    const std::uint32_t body = document.body();
    std::uint32_t best = body;
    double best_score = 0;
    for (std::uint32_t i = body; i < document[body].end; ++i) {
        if (document[i].is_text || score[i] <= 0 || !can_contain(document[i]))
            continue;
        double bonus = page.score_factor[i];
        if (page.hints[i] & hint_body_strong)
            bonus *= 1.15;
        if (document[i].tag == GUMBO_TAG_ARTICLE)
            bonus *= 1.05;
        const double candidate = score[i] * bonus + ((page.hints[i] & hint_body_strong) ? tuning.body_name_bonus : 0.0);
        if (candidate > best_score) {
            best_score = candidate;
            best = i;
        }
    }
    // The headline's post outweighs a short text elsewhere (a sidebar's blurb, a banner) even when its
    // own text is only a line or two: a photo post, a link post. Not when both sit in one post: a
    // headline box with a standfirst beside the post's body. When nothing scored as text at all,
    // the post is the only evidence there is (a one-line post whose line is a credit with a link).
    const std::string title = comparable(hints.title);
    const HeadlinePost headline = headline_post(document, page, title);
    const std::uint32_t post = headline.node;
    if (post != no_node) {
        const std::uint32_t common = common_ancestor(document, post, best);
        const bool nothing_scored = best_score <= 0;
        const bool column_of_posts = common == best && holds_other_posts(document, page, score, best, post);
        if (common != post && common != no_node && !is_post(document, page, common)
            && (column_of_posts
                || ((common != best || nothing_scored) && score[post] * page.score_factor[post] + tuning.headline_post_bonus > best_score)))
            best = post;
    }
    selected.container = best;
    selected.in_headline_post = post != no_node && document.holds(post, best);
    // The post's own prose between its headline and the container comes first: the standfirst in
    // the post's header, the first part of a story split over sibling boxes.
    const bool standfirst_taken = selected.in_headline_post && best != post;
    if (standfirst_taken) {
        for (std::size_t b = headline.headline + 1; b < page.blocks.size() && page.blocks[b].owner < best; ++b) {
            const Block& block = page.blocks[b];
            if (weights[b] > 0 && reads_as_prose(block, gallery) && !block.foreign && !in_card[block.owner] && !in_section[b]
                && !(block.inherited_hints & hint_byline) && !looks_like_byline(block.lower, block.chars))
                selected.candidates.push_back(static_cast<std::uint32_t>(b));
        }
    }
    // A story split over sibling boxes of one body name (the lede in one "articleBody", a figure or
    // an ad, the rest in the next): the other parts are the story's too. Two posts' bodies never sit
    // side by side under one parent: each is inside its own post. When the standfirst above already
    // took what lies between the headline and the container, only the parts after it are added.
    std::vector<std::uint32_t> boxes { best };
    if ((page.hints[best] & hint_body_strong) && !document[best].class_name.empty() && document[best].parent != no_node) {
        const std::uint32_t parent = document[best].parent;
        for (std::uint32_t at = standfirst_taken ? document[best].end : parent + 1; at < document[parent].end; at = document[at].end) {
            if (at != best && !document[at].is_text && document[at].tag == document[best].tag
                && document[at].class_name == document[best].class_name && score[at] > 0)
                boxes.push_back(at);
        }
    }
    for (std::uint32_t b = 0; b < page.blocks.size(); ++b) {
        if (std::any_of(boxes.begin(), boxes.end(), [&](std::uint32_t box) { return document.holds(box, page.blocks[b].owner); }))
            selected.candidates.push_back(b);
    }
    const std::size_t count = selected.candidates.size();
    selected.verdicts.assign(count, BlockVerdict::kept);
    // A photo post inside a page of other prose (comments, a sidebar): its captions outweigh its
    // own other text, so they are its text, as on a page that is all gallery.
    if (!gallery) {
        double container_captions = 0;
        double container_other = 0;
        for (std::uint32_t b : selected.candidates) {
            if (in_section[b] || page.blocks[b].foreign)
                continue;
            const double weight = content_weight(page.blocks[b], informative, true);
            if (weight > 0)
                (page.blocks[b].kind == BlockKind::caption ? container_captions : container_other) += weight;
        }
        gallery = container_captions >= tuning.gallery_min_caption_prose
            && container_captions > tuning.post_gallery_caption_factor * container_other;
        if (gallery) {
            for (std::uint32_t b : selected.candidates) {
                if (page.blocks[b].kind == BlockKind::caption && !in_card[page.blocks[b].owner])
                    weights[b] = content_weight(page.blocks[b], informative, true);
            }
        }
    }

    // 2. The parent holding most of the prose: blocks elsewhere are "off the main column".
    std::unordered_map<std::uint32_t, double> prose_by_parent;
    for (std::uint32_t b : selected.candidates) {
        if (weights[b] > 0)
            prose_by_parent[document[page.blocks[b].owner].parent] += weights[b];
    }
    std::uint32_t main_parent = no_node;
    double main_weight = 0;
    for (auto [parent, weight] : prose_by_parent) {
        if (weight > main_weight)
            main_weight = weight, main_parent = parent;
    }

    // 3. Lexicon hits (short and medium blocks only) and the plain prose around them.
    std::vector<std::uint32_t> notices(count, 0);
    long first_plain = -1;
    long last_plain = -1;
    long first_long = -1; // the first long prose block: bylines and datelines come before it
    for (std::size_t k = 0; k < count; ++k) {
        const Block& block = page.blocks[selected.candidates[k]];
        if (block.chars < 700)
            notices[k] = notice_kinds(block.lower) & boilerplate_notices;
        // "Read more", "See also", "Teilen" are labels: in a paragraph of prose they are words ("I also
        // read a lot", "wir teilen die Sorge").
        if (block.chars >= tuning.related_label_max_chars)
            notices[k] &= ~(notice_related | notice_share);
        if (weights[selected.candidates[k]] > 0 && notices[k] == 0) {
            if (first_plain < 0)
                first_plain = static_cast<long>(k);
            last_plain = static_cast<long>(k);
        }
        if (first_long < 0 && weights[selected.candidates[k]] >= 0.9 * block.chars)
            first_long = static_cast<long>(k);
    }

    // 4. Verdicts.
    std::vector<bool> off_main_flags(count, false);
    for (std::size_t k = 0; k < count; ++k) {
        const std::uint32_t b = selected.candidates[k];
        const Block& block = page.blocks[b];
        const auto position = static_cast<long>(k);
        const bool edge = position < first_plain || position > last_plain;
        const bool off_main = main_parent != no_node && block.owner != main_parent
            && document[block.owner].parent != main_parent;
        off_main_flags[k] = off_main;
        BlockVerdict& verdict = selected.verdicts[k];
        if (repeats_title(block, title)) {
            verdict = BlockVerdict::dropped_title;
        } else if (in_section[b] || (block.foreign && !page.foreign[best])) {
            verdict = BlockVerdict::dropped_section;
        } else if (position < first_long && looks_like_byline(block.lower, block.chars)) {
            verdict = BlockVerdict::dropped_byline;
        } else if (in_card[block.owner] && edge) {
            verdict = BlockVerdict::dropped_teaser; // between prose, cards are the article's own list

        } else if (block.link_density() > (!edge && is_linked_sentence(block) ? 0.85 : 0.5)) {
            verdict = BlockVerdict::dropped_link_dense; // between prose, a sentence of links is still a sentence
        } else if (block.kind == BlockKind::caption && !gallery) {
            verdict = edge ? BlockVerdict::dropped_caption : BlockVerdict::kept_caption;
        } else if (notices[k] != 0) {
            const int signals = (block.emphasis_chars * 10 >= block.chars * 8) + has_email_or_url(block.text)
                + off_main + edge + (block.chars < 80);
            if (signals >= (block.chars < 200 ? 1 : 2))
                verdict = BlockVerdict::dropped_notice;
        }
        if (verdict != BlockVerdict::kept || block.kind == BlockKind::heading)
            continue;
        if (weights[b] > 0)
            continue;
        if (!edge) {
            verdict = BlockVerdict::kept_between_content;
        } else if (position < first_plain) {
            if (!(ends_sentence(block.text) && block.words >= 5))
                verdict = BlockVerdict::dropped_short_edge;
        } else if (!(ends_sentence(block.text) && block.words >= 3)) {
            // A list or table closing the article is content, and so are more paragraphs beside the
            // article's own; a label or a credit line in a box of its own is not.
            const bool list_tail = (block.kind == BlockKind::list_item || block.kind == BlockKind::table_row || starts_with_bullet(block.text))
                && block.link_density() < 0.3 && block.chars >= 10;
            const bool sibling_paragraph = document[block.owner].tag == GUMBO_TAG_P && !off_main
                && block.link_density() <= 0.5 && block.chars >= 10;
            if (!list_tail && !sibling_paragraph)
                verdict = BlockVerdict::dropped_short_edge;
        }
    }
    // Headings stay only when body text follows them before the next heading.
    for (std::size_t k = count; k-- > 0;) {
        const Block& block = page.blocks[selected.candidates[k]];
        if (block.kind != BlockKind::heading || selected.verdicts[k] != BlockVerdict::kept)
            continue;
        bool followed = false;
        for (std::size_t next = k + 1; next < count; ++next) {
            const Block& following = page.blocks[selected.candidates[next]];
            if (following.kind == BlockKind::heading)
                break;
            if (is_verdict_kept(selected.verdicts[next])) {
                followed = true;
                break;
            }
        }
        if (!followed)
            selected.verdicts[k] = BlockVerdict::dropped_heading_without_content;
    }

    // 5. A copy of the story under a hidden name (a print or an A/B variant of the same text) goes
    // when the body shows the same text outside it.
    std::unordered_set<std::string_view> shown;
    for (std::size_t k = 0; k < count; ++k) {
        const Block& block = page.blocks[selected.candidates[k]];
        if (is_verdict_kept(selected.verdicts[k]) && !(block.inherited_hints & hint_hidden))
            shown.insert(block.text);
    }
    for (std::size_t k = 0; k < count && !shown.empty(); ++k) {
        const Block& block = page.blocks[selected.candidates[k]];
        if (is_verdict_kept(selected.verdicts[k]) && (block.inherited_hints & hint_hidden)
            && shown.contains(block.text))
            selected.verdicts[k] = BlockVerdict::dropped_hidden_copy;
    }

    // 5b. A box inside the container named as an advert, a promotion or related stories (a slide
    // show of other stories after the article's last paragraph) is not the article's, however much
    // prose it holds, when the article has prose of its own outside such boxes. (Pruning spares a
    // box that holds most of the page's prose: the article may sit under a misleading name.)
    std::vector<bool> in_named_box(count, false);
    std::uint32_t own_prose = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::uint32_t owner = page.blocks[selected.candidates[k]].owner;
        for (std::uint32_t at = owner; at != no_node && at > best; at = document[at].parent) {
            if (page.hints[at] & box_hints) {
                in_named_box[k] = true;
                break;
            }
        }
        if (!in_named_box[k] && is_verdict_kept(selected.verdicts[k]) && weights[selected.candidates[k]] > 0)
            own_prose += page.blocks[selected.candidates[k]].chars;
    }
    if (own_prose >= tuning.named_box_min_own_prose) {
        for (std::size_t k = 0; k < count; ++k) {
            if (in_named_box[k] && is_verdict_rendered(selected.verdicts[k]))
                selected.verdicts[k] = BlockVerdict::dropped_named_box;
        }
    }

    // 6. Site template: what this host repeats on many pages goes, where boilerplate sits.
    if (hints.site) {
        std::vector<std::size_t> kept_positions;
        std::vector<BodyBlock> body;
        for (std::size_t k = 0; k < count; ++k) {
            if (!is_verdict_kept(selected.verdicts[k]))
                continue;
            const Block& block = page.blocks[selected.candidates[k]];
            BodyBlock entry;
            entry.chars = block.chars;
            entry.template_text = is_site_template(lower_block_fingerprint(block.lower), *hints.site);
            entry.notice_like = notices[k] != 0 || block.chars < 100 || off_main_flags[k]
                || block.emphasis_chars * 10 >= block.chars * 8;
            body.push_back(entry);
            kept_positions.push_back(k);
        }
        const std::vector<bool> drops = site_template_drops(body);
        for (std::size_t j = 0; j < drops.size(); ++j) {
            if (drops[j])
                selected.verdicts[kept_positions[j]] = BlockVerdict::dropped_site_template;
        }
    }
    for (std::size_t k = 0; k < count; ++k) {
        const BlockVerdict verdict = selected.verdicts[k];
        if (is_verdict_kept(verdict) || (verdict == BlockVerdict::kept_caption && hints.captions_in_body))
            selected.kept.push_back(selected.candidates[k]);
        if (const Block& block = page.blocks[selected.candidates[k]]; is_verdict_kept(verdict) && reads_as_prose(block, gallery)) {
            selected.prose_chars += block.chars;
            selected.long_prose = selected.long_prose || block.chars >= 150;
        }
        if (is_verdict_rendered(verdict))
            selected.rendered.push_back(selected.candidates[k]);
        if ((notices[k] & notice_paywall) && static_cast<long>(k) + 3 >= last_plain)
            selected.paywall_notice = true;
        if (notices[k] & notice_consent)
            selected.consent_chars += page.blocks[selected.candidates[k]].chars;
    }
    for (const Block& block : page.blocks) {
        if (in_card[block.owner])
            selected.teaser_chars += block.chars;
    }
    return selected;
}

} // namespace feedkeeper::parse

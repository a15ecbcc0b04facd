// parse/extract/tuning.hpp — every tuning constant of extraction in one struct, each with why it
// has its value. Mechanisms read them from here; no page, site or domain is named anywhere.
// Constant data. Safe on any thread.
#pragma once

#include <cstdint>

namespace feedkeeper::parse {

struct ExtractTuning {
    // --- Pruning by class/id name (blocks.cpp) --------------------------------------------------
    // A named element is pruned only when its own content reads as boilerplate: mostly links, ...
    double boilerplate_link_density = 0.4;
    // ... or little of it in prose runs (text runs of ~80+ characters, mostly outside links) ...
    double boilerplate_max_prose_ratio = 0.3;
    // ... or too short to be an article's text whatever it says (a label, a byline, a caption).
    std::uint32_t boilerplate_short_chars = 160;
    // Share of the page's prose a named element may hold and still count as boilerplate: above it,
    // the name is outweighed by what the element holds (an article inside "elementor-widget").
    double named_max_prose_share = 0.5;
    // The same for names of other people's prose (comments, related stories): these are often
    // longer than the article, so they stay boilerplate up to a larger share.
    double foreign_max_prose_share = 0.8;
    // The page's longest prose run protects the wrappers around it from weak boilerplate names
    // when it has at least this many prose characters: a few sentences, more than a teaser or a
    // bio usually has.
    std::uint32_t main_run_min_prose_chars = 400;
    // Score factor of elements whose strong boilerplate name was outweighed by their prose.
    float outweighed_name_factor = 0.85f;
    // Dialogs, modals and consent layers go whatever they hold, unless they hold nearly all of
    // the page's prose (a page that is one big "modal" reader view).
    double dialog_max_prose_share = 0.75;

    // A caption name ("wp-caption", "credit") marks captions only on an element shorter than this;
    // a bigger one is a wrapper whose name says nothing about the text inside.
    std::uint32_t caption_max_chars = 600;

    // --- Content weights (content.cpp) -----------------------------------------------------------
    // A block with few stop words is prose all the same when it is running text of at least this
    // many characters with this many full stops inside (besides its final one): the shape of a
    // paragraph in a language the stop-word lists do not know. A tag cloud or a spec sheet has no
    // sentences; a caption or a teaser is shorter.
    std::uint32_t sentences_min_chars = 200;
    std::uint32_t sentences_min_stops = 2;
    // Weight per character of a block in other people's text: comments, related stories, teaser
    // cards, and prose-like blocks under a boilerplate name. Negative: the container avoids them.
    double foreign_text_weight = -0.3;

    // An element named as an article's body (entry-content, story-body, itemprop=articleBody) with
    // text that scores above zero gets this much on top of its score (and 15 % more of it): a short
    // post there beats a sidebar's blurb or a banner, while an article elsewhere with more prose
    // than this still beats a wrapper that only carries the name.
    double body_name_bonus = 300;

    // A gallery's captions are its text: when the prose in captions is at least this much (one
    // paragraph) and more than factor x the prose in everything else on the page, captions weigh and
    // stay as paragraphs. An article's photo captions are a fraction of its text.
    double gallery_min_caption_prose = 150;
    double gallery_caption_factor = 2.0;
    // The same inside the chosen container (a photo post on a page with comments and a sidebar):
    // there the captions need only outweigh the container's other text.
    double post_gallery_caption_factor = 1.0;

    // The headline's post (the <article> or article-named element holding the heading that repeats
    // the page's title and text after it) wins over a container elsewhere whose score is less than
    // the post's plus this bonus: about one paragraph, as much as a sidebar's blurb or a banner has,
    // far less than an article's body.
    double headline_post_bonus = 400;
    // The title must have this many comparable characters (letters and digits) to identify a
    // headline ("Home", "News", "Contact" repeated in a logo heading do not; a two-word headline
    // such as "La Muerte" does) ...
    std::size_t headline_min_chars = 8;
    // ... and the post must hold a block of at least this many characters after it.
    std::uint32_t headline_post_min_chars = 20;
    // A box named as an advert, a promotion or related stories inside the chosen container goes when
    // the article holds at least this much prose outside such boxes (two short paragraphs): else the
    // box may be the article under a misleading name.
    std::uint32_t named_box_min_own_prose = 300;
    // A block this long is a paragraph, not a "Read more" / "See also" / "Teilen" label, whatever
    // words it uses.
    std::uint32_t related_label_max_chars = 200;

    // JSON-LD articleBody replaces the visible body when it has more than factor x its characters
    // plus the margin: clearly longer, not a summary or a copy of the same text with spacing changes.
    double structured_body_factor = 2.0;
    std::uint32_t structured_body_margin = 100;

    // --- The retry with pruning by tag only (extract.cpp) ----------------------------------------
    // When pruning by name left less prose than minimal_prose_chars (the page would be "no article")
    // while the page holds at least this much prose in all (a few paragraphs somewhere), the page is
    // segmented again without names ...
    std::uint32_t retry_page_prose_chars = 600;
    // ... and the retry wins when it finds at least this much prose: more than a stray sentence.
    std::uint32_t retry_min_prose_chars = 200;

    // --- Classification (classify.cpp) -----------------------------------------------------------
    // A body under this many characters may be an error message, a teaser or a consent notice.
    std::uint32_t short_body_chars = 1500;
    // Prose characters that make a short body (under 150 characters in all) an article: one real
    // sentence ("Wow, just wow." is not one; a two-line blog post is).
    std::uint32_t minimal_prose_chars = 40;
};

inline constexpr ExtractTuning tuning {};

} // namespace feedkeeper::parse

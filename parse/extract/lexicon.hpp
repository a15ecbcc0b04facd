// parse/extract/lexicon.hpp — word lists behind extraction's soft signals: class/id names,
// notice phrases (German, English, Russian, some French/Spanish/Italian), section titles.
// Pure functions over constant tables. Safe on any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

// What a class or id attribute says about its element.
enum ClassHint : std::uint32_t {
    hint_comment = 1u << 0,
    hint_share = 1u << 1,      // share bars, social follow boxes
    hint_related = 1u << 2,    // related / recommended / more stories
    hint_promotion = 1u << 3,  // newsletter, subscribe, donate, recruiting boxes
    hint_consent = 1u << 4,    // cookie and consent banners
    hint_advert = 1u << 5,
    hint_navigation = 1u << 6, // nav, menu, breadcrumbs, pagination
    hint_sidebar = 1u << 7,
    hint_footer = 1u << 8,
    hint_header = 1u << 9,     // site and entry headers (title, byline)
    hint_byline = 1u << 10,    // author, dateline, entry meta
    hint_caption = 1u << 11,   // captions and credits
    hint_hidden = 1u << 12,    // screen-reader-only and hidden helpers
    hint_popup = 1u << 13,     // modals, overlays
    hint_paywall = 1u << 14,
    hint_tags = 1u << 15,      // tag and category lists
    hint_tools = 1u << 16,     // print / font-size / rating widgets
    hint_screen_reader = 1u << 17, // sr-only, visually-hidden: text for screen readers alone (with hint_hidden)
    hint_body_strong = 1u << 24, // article-body, entry-content, post-content, story-body, …
    hint_body_weak = 1u << 25,   // article, content, entry, post, story, text, main
    hint_post = 1u << 26,        // article, entry, hentry, post, story: one post, not a page's content area
};

inline constexpr std::uint32_t negative_hints = 0x00FFFFFFu;
// Negative hints that stay telling on a big element (a comment section, a consent modal); the
// others are often misused on wrappers (WordPress's "tag-…" post classes, "has-sidebar").
inline constexpr std::uint32_t strong_negative_hints = hint_comment | hint_share | hint_related | hint_promotion
    | hint_consent | hint_advert | hint_navigation | hint_sidebar | hint_footer | hint_popup;
// Names of other people's text, and of the site's own text around an article (an author's bio box):
// prose under them weighs as boilerplate instead of being pruned.
inline constexpr std::uint32_t foreign_text_hints = hint_comment | hint_related | hint_sidebar | hint_footer
    | hint_navigation | hint_share | hint_promotion | hint_advert | hint_byline;

// Hints of one class or id attribute value (any case, any separators, camelCase).
std::uint32_t class_hints(std::string_view class_or_id);

// Phrase families of boilerplate notices, matched in lower-cased text.
enum NoticeKind : std::uint32_t {
    notice_subscribe = 1u << 0,   // newsletter, subscribe, sign up, follow us
    notice_recruiting = 1u << 1,  // "we are hiring", "send your CV"
    notice_donation = 1u << 2,    // donate, support our journalism
    notice_related = 1u << 3,     // see also, read more, related
    notice_share = 1u << 4,       // share this, tweet
    notice_copyright = 1u << 5,   // all rights reserved, ©, reproduction
    notice_consent = 1u << 6,     // cookies, consent, privacy settings
    notice_paywall = 1u << 7,     // subscribers only, continue reading
    notice_error = 1u << 8,       // page not found
    notice_advert = 1u << 9,      // advertisement labels
    notice_credit = 1u << 10,     // photo / image credits
    notice_byline = 1u << 11,     // by, von, автор; updated, published
    notice_comments = 1u << 12,   // leave a comment
};

std::uint32_t notice_kinds(std::string_view lower_text);

// A short heading that opens a boilerplate section: comments, related or recommended stories.
bool is_boilerplate_section_title(std::string_view lower_text);

} // namespace feedkeeper::parse

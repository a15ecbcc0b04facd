// parse/extract/site_boilerplate.hpp — site-level boilerplate: block fingerprints and the rule that says
// "this block is the host's template". The counts live in the store; the judgement lives here.
// Pure functions. Safe on any thread.
//
// Design: a block is template when it recurs on at least `min_block_pages` distinct pages of the
// host AND on at least `min_share` of the pages seen (or on `always_pages` pages outright), and the
// host has been seen on at least `min_profile_pages` pages. Recurring text is dropped only where
// boilerplate sits: in the leading or trailing run of the body, or anywhere when the block also
// looks like a notice. The body never loses more than half its characters this way, so an article
// that recurs as a whole (syndicated, re-crawled under another URL) is never emptied.
#pragma once

#include "core/article.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

// 64-bit hash of a block's normalized text (case folded, punctuation and white space unified; in
// short blocks digit runs unified too, so "© 2022" and "© 2023" match). 0 for text too short to judge.
std::uint64_t block_fingerprint(std::string_view text);
// The same from text already lower-cased with lower_utf8.
std::uint64_t lower_block_fingerprint(std::string_view lower_text);

struct SiteTemplateRule {
    std::int64_t min_profile_pages = 4;
    std::int64_t min_block_pages = 3;
    double min_share = 0.3;
    std::int64_t always_pages = 20;
    double max_dropped_share = 0.5; // of the body's characters
};

bool is_site_template(std::uint64_t fingerprint, const SiteProfile&, const SiteTemplateRule& = {});

struct BodyBlock {
    std::uint32_t chars = 0;
    bool template_text = false; // is_site_template() said so
    bool notice_like = false;   // short, emphasised, lexicon hit, …: boilerplate by position or form
};

// Which of the body's blocks (in reading order) to drop as site template.
std::vector<bool> site_template_drops(const std::vector<BodyBlock>&, const SiteTemplateRule& = {});

} // namespace feedkeeper::parse

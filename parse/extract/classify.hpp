// parse/extract/classify.hpp — what kind of page this is: article, consent wall, paywall, error
// page or something else (home pages, listings, empty shells). Pure. Safe on any thread.
#pragma once

#include "core/article.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

struct PageEvidence {
    std::string_view body;                 // the extracted body text
    std::string_view container_text;       // the chosen container's candidate blocks, lower-cased, notices included
    std::uint32_t container_consent_chars = 0; // in its blocks that speak of cookies or consent
    std::uint32_t body_chars = 0;          // its visible characters
    std::uint32_t body_blocks = 0;
    std::uint32_t prose_chars = 0;         // in body blocks that read as prose (sentences, not labels)
    bool long_prose = false;               // one of them is a long paragraph
    std::uint32_t page_chars = 0;          // visible characters of the whole page
    std::uint32_t consent_chars = 0;       // in pruned cookie / consent elements
    bool container_consent = false;        // the chosen container is named like a consent dialog
    std::uint32_t paywall_chars = 0;       // in pruned paywall elements
    std::uint32_t teaser_chars = 0;        // in other stories' cards
    bool paywall_text = false;             // "subscribe to continue reading" seen near the body
    std::optional<bool> accessible_for_free; // JSON-LD isAccessibleForFree
    bool structured_article = false;       // JSON-LD Article or og:type article
    bool headline_post = false;            // the body is the post the page's headline opens
    std::string_view document_title;       // <title>
    std::vector<std::string> headings;     // <h1> texts
};

PageStatus classify_page(const PageEvidence&);

} // namespace feedkeeper::parse

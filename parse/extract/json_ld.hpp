// parse/extract/json_ld.hpp — the article facts a page states in schema.org JSON-LD, read leniently
// (raw control characters tolerated, HTML entities decoded, nesting and item counts capped).
// Pure functions. Safe on any thread.
#pragma once

#include "core/time.hpp"
#include "parse/text/date.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

struct JsonLdFacts {
    bool article = false; // an Article-like item was found (NewsArticle, BlogPosting, …)
    std::string headline;
    std::vector<std::string> authors;
    std::optional<Timestamp> published;
    std::optional<Timestamp> modified;
    std::string publisher;
    std::string language;
    std::vector<std::string> sections; // articleSection
    std::string image;
    std::string description;
    std::string body;                  // articleBody
    std::string url;
    std::optional<bool> accessible_for_free;
};

// Facts from the bodies of a page's <script type="application/ld+json"> elements. Article-like
// items win over WebPage items; the first value found wins within each.
JsonLdFacts read_json_ld(const std::vector<std::string>& scripts, const DateParseOptions& dates = {});

} // namespace feedkeeper::parse

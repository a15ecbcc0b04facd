// parse/extract/metadata.hpp — a page's metadata from JSON-LD, <meta>/<link> tags, <time>, bylines
// and the URL: title (site-name suffix removed), author, dates, language, canonical URL, site name,
// categories, lead image, description. Pure functions. Safe on any thread.
#pragma once

#include "core/article.hpp"
#include "core/http.hpp"
#include "parse/extract/blocks.hpp"
#include "parse/extract/json_ld.hpp"
#include "parse/html/document.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

struct PageMetadata : ArticleMetadata {
    std::string base_url;         // for resolving links: <base href>, else the page's URL
    std::string og_type;          // "article", "website", …
    std::vector<std::string> headings; // texts of the page's <h1> elements (for error pages)
    std::string document_title;   // <title> as written
    JsonLdFacts json_ld;
};

PageMetadata extract_metadata(const HtmlDocument&, const PageBlocks&, const std::vector<std::string>& json_ld,
    std::string_view url, const HttpHeaders& headers, const DateParseOptions& dates = {});

// "Title – Site", "Site | Title": the title without the part that names the site.
std::string strip_site_name(std::string_view title, std::string_view site_name);

} // namespace feedkeeper::parse

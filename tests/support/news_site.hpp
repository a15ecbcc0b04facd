// tests/support/news_site.hpp — generated news hosts for crawl tests and benchmarks: a host's RSS
// feed lists its articles (/a/N.html), each a page of prose of its own that the extractor takes
// for an article (the same sentence on every page would be the site's template, and dropped).
// Threading: pure functions.
#pragma once

#include <string>
#include <vector>

namespace feedkeeper::testing {

// The article page N of host H.
std::string news_article_page(int host, int article);
// An RSS 2.0 feed of host H listing articles first..first+count-1 at `base_url`/a/N.html.
std::string news_feed(const std::string& base_url, int host, int first, int count);
// An OPML subscription list of `feed_urls`.
std::string news_opml(const std::vector<std::string>& feed_urls);

} // namespace feedkeeper::testing

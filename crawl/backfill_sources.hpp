// crawl/backfill_sources.hpp — reading what a site offers of its past: a feed's paging links
// (RFC 5005, WordPress `?paged=N`), the WordPress REST API (its root, posts, names of categories and
// authors), XML sitemaps (robots.txt lines, indexes, gzip, Google News), and how article-like a URL
// looks. Pure functions: bytes in, values out, every input capped; crawl/backfill.cpp does the I/O.
// Threading: pure; safe on any thread.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::crawl {

// Feed-level links of an RSS or Atom document (atom:link in an RSS channel, link in an Atom feed),
// absolute: RFC 5005's rel="next" (paged feeds) and rel="prev-archive" (archived feeds).
struct FeedPagingLinks {
    std::string next;
    std::string prev_archive;
};
FeedPagingLinks feed_paging_links(std::string_view xml, const std::string& document_url);

// Page `page` (2, 3, …) of a WordPress feed: `feed_url` with paged=N set (an existing paged=
// parameter replaced).
std::string wordpress_feed_page(const std::string& feed_url, int page);

// The WordPress REST API root, from a Link header (rel="https://api.w.org/") or from an HTML page's
// <link rel="https://api.w.org/" href="…">; nullopt when the site does not announce one.
std::optional<std::string> wp_api_root_from_link_header(std::string_view link_header, const std::string& base_url);
std::optional<std::string> wp_api_root_from_html(std::string_view html, std::string_view content_type, const std::string& base_url);
// An endpoint under the root: "wp/v2/posts" and query "per_page=100&page=2" work for both forms of
// root (…/wp-json/ and …/?rest_route=/).
std::string wp_endpoint(const std::string& api_root, std::string_view route, std::string_view query);

struct WpPost {
    std::int64_t id = 0;
    std::string link;
    std::string guid;          // guid.rendered: what the site's feed calls the post
    std::string title;         // decoded text
    std::string content_html;  // content.rendered
    std::string excerpt_html;  // excerpt.rendered
    std::optional<Timestamp> published; // date_gmt, else date
    std::optional<Timestamp> modified;
    std::int64_t author = 0;
    std::vector<std::int64_t> categories;
};
// A posts page (a JSON array of post objects); at most `max_posts` are read.
Result<std::vector<WpPost>> parse_wp_posts(std::string_view json, std::size_t max_posts);
// A terms or users page (a JSON array of {"id", "name"}): id -> name.
Result<std::map<std::int64_t, std::string>> parse_wp_names(std::string_view json);

// The sitemaps a robots.txt names ("Sitemap: URL" lines, any case), absolute, at most `max`.
std::vector<std::string> robots_sitemaps(std::string_view robots, const std::string& robots_url, std::size_t max);

struct SitemapUrl {
    std::string loc;
    std::optional<Timestamp> published; // news:publication_date, else lastmod
    std::string title;                  // news:title
};
struct Sitemap {
    bool index = false;
    std::vector<std::string> sitemaps; // an index's children, absolute
    std::vector<SitemapUrl> urls;
    bool truncated = false;            // more entries than `max_entries`: the rest were not read
};
// A <urlset> or <sitemapindex> document; Errc::parse for anything else.
Result<Sitemap> parse_sitemap(std::string_view xml, const std::string& sitemap_url, std::size_t max_entries);

// A gzip (or zlib) stream inflated; Errc::too_large past `max_bytes`, Errc::parse when corrupt.
Result<std::string> gunzip(std::string_view compressed, std::size_t max_bytes);
bool looks_gzipped(std::string_view bytes);

// How much a site URL looks like an article rather than a listing: negative for listings (the home
// page, tags, categories, authors, feeds, pagination, search), higher for dated paths and slugs.
int article_score(std::string_view url);
// Sitemaps of listings (taxonomies, users, authors, tags, categories) hold no articles.
bool is_listing_sitemap(std::string_view url);

} // namespace feedkeeper::crawl

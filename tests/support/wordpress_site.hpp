// tests/support/wordpress_site.hpp — a generated WordPress-like site for the backfill tests: N posts
// spread over five years, each a page of its own prose with its date and category in its meta tags;
// a 10-item RSS feed paged with ?paged=N; the REST API (/wp-json/wp/v2/posts, categories, users,
// X-WP-TotalPages, announced by <link rel="https://api.w.org/"> and a Link header); robots.txt
// naming a sitemap index of three gzip'ed sitemaps, the newest posts' one a Google News sitemap.
// Traps (a ?paged that repeats page 1, a next link that cycles, an index that lists itself) can be
// switched on. Threading: answer() may be called from the server's threads; it only reads.
#pragma once

#include "tests/support/http_server.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace feedkeeper::testing {

struct WordPressPost {
    int number = 0;         // 1 (oldest) … posts (newest)
    std::int64_t id = 0;    // the post's WordPress id
    std::string path;       // /YYYY/MM/slug/
    std::string title;
    std::int64_t published = 0; // seconds since the epoch, UTC
    std::string category;
    std::string author;
};

enum class WordPressTrap {
    none,
    paged_repeats,     // ?paged=N answers page 1 again, for every N
    next_cycle,        // the feed is RFC 5005-paged and page 3's next link leads back to page 2
    sitemap_self_index, // the sitemap index lists itself (and one of its sitemaps twice)
    robots_closes_api,  // robots.txt disallows /wp-json/
    archived_feed       // not a trap: the feed is also an RFC 5005 archived feed (prev-archive links)
};

class WordPressSite {
public:
    explicit WordPressSite(int posts = 500, WordPressTrap = WordPressTrap::none);

    // Serves the site at `base` ("http://127.0.0.1:PORT", no trailing slash).
    TestResponse answer(const RecordedRequest&, const std::string& base) const;

    const std::vector<WordPressPost>& posts() const { return m_posts; }
    static constexpr int feed_items = 10;
    static constexpr int api_per_page_max = 100;

private:
    std::string feed_page(const std::string& base, int page) const;
    std::string post_page(const WordPressPost&) const;
    std::string api_posts(const std::string& base, int page, int per_page) const;
    std::string sitemap(const std::string& base, int first, int last, bool news) const;

    std::vector<WordPressPost> m_posts; // oldest first
    WordPressTrap m_trap;
};

// "2024-03-05T10:00:00Z"
std::string rfc3339(std::int64_t seconds);

} // namespace feedkeeper::testing

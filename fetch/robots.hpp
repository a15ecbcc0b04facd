// fetch/robots.hpp — robots.txt (RFC 9309): the group for our product token, longest-match
// Allow/Disallow with * and $, and the non-standard Crawl-delay. Read: the first 500 KiB, at most
// 10 000 rules for our group, patterns up to 2 KiB. Threading: plain values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::fetch {

class RobotsRules {
public:
    // Everything allowed (no robots.txt, 4xx, or unparsable).
    static RobotsRules allow_all();
    // Everything disallowed (RFC 9309 2.3.1.4: a 5xx or unreachable robots.txt means "complete disallow").
    static RobotsRules disallow_all();
    // Parses at most `max_bytes` (500 KiB per RFC 9309) of `text` for `product_token` ("feedkeeper").
    static RobotsRules parse(std::string_view text, std::string_view product_token);

    // `path_and_query` as it appears in the request line ("/news/a.html?x=1").
    bool allowed(std::string_view path_and_query) const;
    std::optional<std::chrono::milliseconds> crawl_delay() const { return m_crawl_delay; }

private:
    struct Rule {
        std::string pattern;    // percent-encoding normalized, runs of '*' collapsed
        std::size_t length = 0; // as written (normalized): the longest match wins
        bool allow = false;
    };
    std::vector<Rule> m_rules;
    std::optional<std::chrono::milliseconds> m_crawl_delay;
    bool m_disallow_all = false;
};

// The product token of a User-Agent string: "feedkeeper/0.1 (+…)" -> "feedkeeper".
std::string product_token(std::string_view user_agent);

} // namespace feedkeeper::fetch

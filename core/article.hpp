// core/article.hpp — an extracted web page: classification, metadata and the cleaned body.
// Threading: plain values.
#pragma once

#include "core/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper {

enum class PageStatus { article, consent_wall, paywall, error_page, not_article };

std::string_view to_string(PageStatus);
std::optional<PageStatus> page_status_from_string(std::string_view);

// What the archive holds for one feed item (an archive record): its page's status when the page
// was fetched, else what became of the fetch.
enum class RecordStatus { article, consent_wall, paywall, error_page, not_article, gone, failed, pending };
std::string_view to_string(RecordStatus);
std::optional<RecordStatus> record_status_from_string(std::string_view);
RecordStatus record_status(PageStatus);

// Where a record's body came from: the extracted page; else the feed's full content
// (content:encoded, Atom content, JSON Feed content_html/text), cleaned by the extractor's rules;
// else the feed's summary; else nothing.
enum class BodySource { page, feed, summary, none };
std::string_view to_string(BodySource);
std::optional<BodySource> body_source_from_string(std::string_view);

// A body taken from the feed, cleaned (parse::extract_fragment), kept with the item.
struct FeedBody {
    std::string body;
    std::string body_html;
    BodySource source = BodySource::none;
};

// What is known of an article besides its text: one type wherever it travels (the page's own
// metadata, the feed item's, a stored revision's), so a field is added in one place.
struct ArticleMetadata {
    std::string title;
    std::string author;
    std::optional<Timestamp> published;
    std::optional<Timestamp> modified;
    std::string language;
    std::string canonical_url;
    std::string site_name;
    std::vector<std::string> categories;
    std::string lead_image;
    std::string description;

    // Each field this one lacks (empty, unknown) taken from `other`; known fields stay.
    void fill_gaps_from(const ArticleMetadata& other);
};

struct ExtractedPage : ArticleMetadata {
    PageStatus status = PageStatus::not_article;
    std::string url;
    std::string encoding; // the charset the page was decoded from
    std::string body;      // text blocks in reading order, separated by one blank line
    std::string body_html; // sanitized HTML of the same blocks
    bool truncated = false; // the page was cut at a cap (nodes) before extraction: the body may end early
    // Normalized fingerprints of every candidate text block of the page, for site-level
    // boilerplate learning (which blocks recur across pages of one host).
    std::vector<std::uint64_t> block_fingerprints;
};

} // namespace feedkeeper

#include <unordered_map>

namespace feedkeeper {

// What the crawler has learned of one host's template: for each normalized block fingerprint,
// on how many distinct pages of the host it was seen. Kept by store/, judged by parse/.
struct SiteProfile {
    std::string host;
    std::int64_t pages = 0; // distinct pages the counts were taken from
    std::unordered_map<std::uint64_t, std::int64_t> block_pages;
};

} // namespace feedkeeper

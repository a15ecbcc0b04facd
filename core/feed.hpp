// core/feed.hpp — a parsed feed document as the parser returns it and the store keeps it.
// Threading: plain values.
#pragma once

#include "core/time.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper {

struct Enclosure {
    std::string url;
    std::string type;
    std::string length;
};

// Whether a text value is plain text or HTML markup (Atom's type="text" versus "html"/"xhtml").
enum class TextKind { plain, html };

struct FeedEntry {
    std::string id;      // Atom id / RSS guid, as written
    bool id_is_permalink = false;
    std::string title;   // as the feed gives it: plain text, or HTML when the feed says so
    std::string link;    // absolute alternate link
    std::string author;  // first author's name, no e-mail
    std::string summary; // HTML or text as the feed gives it, relative URLs resolved
    std::string content; // first content:encoded / atom:content, relative URLs resolved
    TextKind title_kind = TextKind::plain;
    TextKind summary_kind = TextKind::plain;
    TextKind content_kind = TextKind::plain;
    std::optional<Timestamp> published;
    std::optional<Timestamp> updated;
    std::vector<std::string> categories;
    std::vector<Enclosure> enclosures;
    std::string thumbnail; // media:thumbnail / media:content image
};

enum class FeedFormat { unknown, rss090, rss091, rss092, rss093, rss094, rss10, rss20, atom03, atom10, json10, json11, cdf };

struct FeedDocument {
    FeedFormat format = FeedFormat::unknown;
    bool bozo = false;         // not well-formed, or bytes that did not fit the encoding in force
    std::string bozo_message;  // why, when bozo
    std::string encoding;      // the codec actually used to decode the bytes
    std::string title;
    std::string link;          // absolute alternate (HTML) link
    std::string self_link;     // atom:link rel="self"
    std::string language;
    std::optional<Timestamp> updated;
    std::optional<Timestamp> published;
    // Publisher's hint for the poll interval: RSS <ttl>, sy:updatePeriod / sy:updateFrequency.
    std::optional<std::chrono::seconds> update_interval;
    std::vector<FeedEntry> entries;
    bool truncated = false;    // the document had more items than the parser keeps (FeedLimits::max_entries)
};

std::string_view to_string(FeedFormat);

} // namespace feedkeeper

// parse/feed/json_feed.hpp — internal to the feed parser: JSON Feed 1.0/1.1 into a FeedDocument.
// Pure; safe on any thread.
#pragma once

#include "core/error.hpp"
#include "core/feed.hpp"
#include "parse/text/date.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

struct JsonFeedOptions {
    std::string base;             // the document's base URI
    std::string default_language; // Content-Language
    DateParseOptions dates;
    std::size_t max_entries = 10'000;
    std::size_t max_depth = 256;
};

// True when the first non-blank character is '{'.
bool looks_like_json_feed(std::string_view utf8);

Result<FeedDocument> parse_json_feed(std::string_view utf8, const JsonFeedOptions&);

} // namespace feedkeeper::parse

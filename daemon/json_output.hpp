// daemon/json_output.hpp — JSON forms of the shared value types, as INTERFACE.md and the feed
// suite define them. Threading: pure functions.
#pragma once

#include "core/article.hpp"
#include "core/feed.hpp"
#include "store/records.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace feedkeeper::daemon {

enum class JsonStyle { compact, pretty };

// UTF-8 output; any invalid byte that slipped through becomes U+FFFD instead of throwing.
std::string dump_json(const nlohmann::ordered_json&, JsonStyle = JsonStyle::compact);

nlohmann::ordered_json json_time(const std::optional<Timestamp>&); // RFC 3339 or null
nlohmann::ordered_json json_text(const std::string&);              // the string or null when empty

nlohmann::ordered_json feed_to_json(const FeedDocument&);
nlohmann::ordered_json page_to_json(const ExtractedPage&);
// One feed as `feeds --json` prints it (INTERFACE.md).
nlohmann::ordered_json feed_json(const store::FeedRecord&);

} // namespace feedkeeper::daemon

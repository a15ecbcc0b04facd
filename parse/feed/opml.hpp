// parse/feed/opml.hpp — subscription lists (OPML 1.0/2.0) in: every outline with an xmlUrl.
// Pure: bytes in, value out. Safe on any thread.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::parse {

struct OpmlFeed {
    std::string url;      // xmlUrl
    std::string title;    // title, else text
    std::string site_url; // htmlUrl
    std::string category; // the enclosing outline folder's title, if any
};

// Errors: Errc::parse when the document is not OPML, Errc::too_large beyond 16 MiB or 100,000 feeds.
Result<std::vector<OpmlFeed>> parse_opml(std::string_view bytes);

} // namespace feedkeeper::parse

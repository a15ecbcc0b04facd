// crawl/requests.hpp — the HTTP request for a feed poll or an article fetch, from the configuration
// and the feed's own settings (headers, cookies, whether it lives on a private address).
// Threading: pure functions.
#pragma once

#include "crawl/config.hpp"
#include "fetch/http_client.hpp"
#include "store/records.hpp"

namespace feedkeeper::crawl {

// A fetch of `url` for `feed` (null: a URL of no feed). Private addresses: allowed by
// configuration, or, on the feed's own origin only, when the feed itself lives on one.
fetch::FetchRequest request_for(const Config&, const std::string& url, const store::FeedRecord* feed);

} // namespace feedkeeper::crawl

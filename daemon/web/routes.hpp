// daemon/web/routes.hpp — one function per route; view.cpp picks the route, these answer it.
// Pages in pages.cpp (feeds, a feed, search, status), pages_article.cpp (an article, a capture),
// the JSON API in api.cpp. Threading: a reader thread, with its archive.
#pragma once

#include "daemon/web/server.hpp"
#include "daemon/web/view.hpp"

namespace feedkeeper::daemon::web {

WebResponse feeds_page(const WebRequest&, store::Archive&);
WebResponse feed_page(const WebRequest&, store::Archive&, std::int64_t feed_id);
WebResponse search_page(const WebRequest&, store::Archive&);
WebResponse status_page(const WebRequest&, store::Archive&, const ViewOptions&);
WebResponse article_page(const WebRequest&, store::Archive&, std::int64_t article_id);
WebResponse capture_page(const WebRequest&, store::Archive&, std::int64_t capture_id);
WebResponse capture_raw(const WebRequest&, store::Archive&, std::int64_t capture_id);

WebResponse api_feeds(const WebRequest&, store::Archive&);
WebResponse api_feed_records(const WebRequest&, store::Archive&, std::int64_t feed_id);
WebResponse api_article(const WebRequest&, store::Archive&, std::int64_t article_id);
WebResponse api_article_revisions(const WebRequest&, store::Archive&, std::int64_t article_id);
WebResponse api_search(const WebRequest&, store::Archive&);
WebResponse api_status(const WebRequest&, store::Archive&, const ViewOptions&);

// How many revisions an article page and the API read at most (the newest).
constexpr std::size_t max_revisions_shown = 200;

} // namespace feedkeeper::daemon::web

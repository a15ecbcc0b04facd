// daemon/web/view.cpp — the route table: the path's segments, percent-decoded one by one, pick a
// route; ids must be plain positive numbers. Anything else is 404 — there is no file system
// behind any path (the style sheet is compiled in), so "..", "%2e%2e" or "%2f" reach nothing.
// Threading: a reader thread, with its archive.
#include "daemon/web/view.hpp"

#include "daemon/web/routes.hpp"
#include "daemon/web/view_parts.hpp"

#include "core/text.hpp"

namespace feedkeeper::daemon::web {

WebResponse handle_request(const WebRequest& request, store::Archive& archive, const ViewOptions& options)
{
    std::vector<std::string> segments;
    for (std::string_view raw : split(std::string_view(request.path).substr(1), '/')) {
        auto segment = percent_decode(raw, false);
        if (!segment || segment->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos || *segment == ".." || *segment == ".")
            return error_page(404, "no such page");
        segments.push_back(std::move(*segment));
    }
    if (!segments.empty() && segments.back().empty())
        segments.pop_back(); // "/feeds/1/" is "/feeds/1"
    const std::size_t n = segments.size();
    const auto id_at = [&](std::size_t i) { return parse_id(segments[i]); };
    const bool api = n >= 2 && segments[0] == "api" && segments[1] == "v1";
    if (api) {
        const std::size_t m = n - 2;
        const auto at = [&](std::size_t i) -> const std::string& { return segments[i + 2]; };
        if (m == 1 && at(0) == "feeds")
            return api_feeds(request, archive);
        if (m == 3 && at(0) == "feeds" && at(2) == "records" && id_at(3))
            return api_feed_records(request, archive, *id_at(3));
        if (m == 2 && at(0) == "articles" && id_at(3))
            return api_article(request, archive, *id_at(3));
        if (m == 3 && at(0) == "articles" && at(2) == "revisions" && id_at(3))
            return api_article_revisions(request, archive, *id_at(3));
        if (m == 1 && at(0) == "search")
            return api_search(request, archive);
        if (m == 1 && at(0) == "status")
            return api_status(request, archive, options);
        return json_error(404, "no such API route (feeds, feeds/ID/records, articles/ID, articles/ID/revisions, search, status)");
    }
    if (n == 0)
        return feeds_page(request, archive);
    if (n == 1 && segments[0] == "search")
        return search_page(request, archive);
    if (n == 1 && segments[0] == "status")
        return status_page(request, archive, options);
    if (n == 2 && segments[0] == "feeds" && id_at(1))
        return feed_page(request, archive, *id_at(1));
    if (n == 2 && segments[0] == "articles" && id_at(1))
        return article_page(request, archive, *id_at(1));
    if (n == 2 && segments[0] == "captures" && id_at(1))
        return capture_page(request, archive, *id_at(1));
    if (n == 3 && segments[0] == "captures" && segments[2] == "raw" && id_at(1))
        return capture_raw(request, archive, *id_at(1));
    return error_page(404, "no such page");
}

} // namespace feedkeeper::daemon::web

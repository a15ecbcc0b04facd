// daemon/web/view_parts.hpp — what the pages (pages.cpp) and the API (api.cpp) share: the route's
// parameters read strictly (a bad one is a 400 naming it), the page layout and small widgets.
// Threading: pure functions.
#pragma once

#include "core/article.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "daemon/web/html.hpp"
#include "daemon/web/server.hpp"
#include "store/archive.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::daemon::web {

std::optional<std::int64_t> parse_id(std::string_view text); // a positive decimal id, else nullopt
// `name` from the query: absent or empty is nullopt; anything but what it should be is a 400.
Result<std::optional<std::int64_t>> query_id(const WebRequest&, const std::string& name);
Result<std::optional<Timestamp>> query_date(const WebRequest&, const std::string& name);
Result<std::size_t> query_limit(const WebRequest&, std::size_t fallback, std::size_t max);
Result<std::vector<RecordStatus>> query_statuses(const WebRequest&);
std::string query_text(const WebRequest&, const std::string& name);
// The first of the parameters' errors, if any.
template <typename... Results>
std::optional<Error> first_error(const Results&... results)
{
    std::optional<Error> found;
    ((found || results ? void() : void(found = results.error())), ...);
    return found;
}

// One page of a feed's records, newest first, as ?before (the cursor), ?since, ?until, ?status
// and ?limit (at most `max_limit`) ask: `more` when an older page exists. A bad parameter is an
// Errc::invalid_argument error (a 400), any other error the archive's.
struct FeedRecordsPage {
    std::vector<store::FeedItemRow> items;
    bool more = false;
};
Result<FeedRecordsPage> read_feed_records(const WebRequest&, store::Archive&, std::int64_t feed_id, std::size_t max_limit);

WebResponse html_page(std::string_view title, const std::string& content, unsigned status = 200);
WebResponse error_page(unsigned status, std::string_view message);
WebResponse json_response(std::string body, unsigned status = 200);
WebResponse json_error(unsigned status, std::string_view message);

std::string badge(std::string_view kind);          // a status or health word as a coloured badge
std::string show_time(const std::optional<Timestamp>&); // "2026-12-07 03:00" UTC, "–" when unknown
std::string show_day(const std::optional<Timestamp>&);  // "2026-12-07"
// A link to `href` when it is http(s), else the text alone (escaped either way).
std::string external_link(std::string_view href, std::string_view text);
// The search snippet: escaped, with the archive's match markers as <mark>...</mark>.
constexpr std::string_view mark_open = "\x01";
constexpr std::string_view mark_close = "\x02";
std::string highlighted_snippet(std::string_view snippet);

} // namespace feedkeeper::daemon::web

// daemon/web/view_parts.cpp — see view_parts.hpp. Threading: pure functions.
#include "daemon/web/view_parts.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace feedkeeper::daemon::web {

std::optional<std::int64_t> parse_id(std::string_view text)
{
    std::int64_t id = 0;
    if (text.empty() || text.size() > 18 || text.front() == '-' || text.front() == '+')
        return std::nullopt;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id <= 0)
        return std::nullopt;
    return id;
}

std::string query_text(const WebRequest& request, const std::string& name)
{
    const auto it = request.query.find(name);
    return it == request.query.end() ? std::string() : trim(it->second);
}

Result<std::optional<std::int64_t>> query_id(const WebRequest& request, const std::string& name)
{
    const std::string text = query_text(request, name);
    if (text.empty())
        return std::optional<std::int64_t>();
    const auto id = parse_id(text);
    if (!id)
        return Error(Errc::invalid_argument, fmt::format("parameter '{}' must be a positive number", name));
    return std::optional<std::int64_t>(*id);
}

Result<std::optional<Timestamp>> query_date(const WebRequest& request, const std::string& name)
{
    const std::string text = query_text(request, name);
    if (text.empty())
        return std::optional<Timestamp>();
    const auto time = parse_rfc3339(text);
    if (!time)
        return Error(Errc::invalid_argument, fmt::format("parameter '{}' is not a date (YYYY-MM-DD or RFC 3339)", name));
    return std::optional<Timestamp>(*time);
}

Result<std::size_t> query_limit(const WebRequest& request, std::size_t fallback, std::size_t max)
{
    const std::string text = query_text(request, "limit");
    if (text.empty())
        return fallback;
    const auto limit = parse_id(text);
    if (!limit || static_cast<std::size_t>(*limit) > max)
        return Error(Errc::invalid_argument, fmt::format("parameter 'limit' must be between 1 and {}", max));
    return static_cast<std::size_t>(*limit);
}

Result<std::vector<RecordStatus>> query_statuses(const WebRequest& request)
{
    std::vector<RecordStatus> statuses;
    const std::string list = query_text(request, "status"); // split() returns views into it
    for (std::string_view word : split(list, ',')) {
        const std::string name = trim(word);
        if (name.empty())
            continue;
        const auto status = record_status_from_string(name);
        if (!status)
            return Error(Errc::invalid_argument,
                "parameter 'status' must be among article, paywall, consent_wall, error_page, not_article, gone, failed, pending");
        statuses.push_back(*status);
    }
    return statuses;
}

Result<FeedRecordsPage> read_feed_records(const WebRequest& request, store::Archive& archive, std::int64_t feed_id, std::size_t max_limit)
{
    auto before = query_id(request, "before");
    auto since = query_date(request, "since");
    auto until = query_date(request, "until");
    auto statuses = query_statuses(request);
    auto limit = query_limit(request, 50, max_limit);
    if (auto error = first_error(before, since, until, statuses, limit))
        return *error;
    // One more than the page tells whether an older page exists.
    const store::FeedItemsQuery query { .feed_id = feed_id, .before = *before, .limit = *limit + 1, .statuses = *statuses, .since = *since, .until = *until };
    auto items = archive.reader().feed_items(query);
    if (!items)
        return items.error();
    FeedRecordsPage page;
    page.more = items->size() > *limit;
    if (page.more)
        items->pop_back();
    page.items = std::move(*items);
    return page;
}

WebResponse html_page(std::string_view title, const std::string& content, unsigned status)
{
    WebResponse response;
    response.status = status;
    response.body = render(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} · feedkeeper</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header class="top"><a class="brand" href="/">feedkeeper</a>
<nav><a href="/">Feeds</a><a href="/search">Search</a><a href="/status">Status</a></nav>
<form action="/search" method="get" role="search"><input type="search" name="q" placeholder="Search the archive" aria-label="Search"></form>
</header>
<main>
{content}
</main>
</body>
</html>
)",
        { { "title", std::string(title) }, { "content", Trusted { content } } });
    return response;
}

WebResponse error_page(unsigned status, std::string_view message)
{
    const std::string title = status == 404 ? "Not found" : status == 400 ? "Bad request" : "Error";
    return html_page(title, render("<h1>{title}</h1>\n<p class=\"error\">{message}</p>\n", { { "title", title }, { "message", std::string(message) } }), status);
}

WebResponse json_response(std::string body, unsigned status)
{
    WebResponse response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    response.body += '\n';
    return response;
}

WebResponse json_error(unsigned status, std::string_view message)
{
    return json_response(nlohmann::ordered_json { { "error", message }, { "status", status } }.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), status);
}

std::string badge(std::string_view kind)
{
    std::string css;
    for (char c : kind)
        css.push_back((c >= 'a' && c <= 'z') || c == '_' ? c : '_'); // a class name from a known word, never markup
    std::string label(kind);
    std::replace(label.begin(), label.end(), '_', ' ');
    return render("<span class=\"badge {css}\">{label}</span>", { { "css", css }, { "label", label } });
}

std::string show_time(const std::optional<Timestamp>& time)
{
    if (!time)
        return "–";
    const std::string text = format_rfc3339(*time); // 2026-12-07T03:00:00Z
    return text.size() >= 16 ? text.substr(0, 10) + " " + text.substr(11, 5) : text;
}

std::string show_day(const std::optional<Timestamp>& time)
{
    return time ? format_rfc3339(*time).substr(0, 10) : "–";
}

std::string external_link(std::string_view href, std::string_view text)
{
    const std::string safe = safe_href(href);
    if (safe.empty())
        return escape_html(text);
    return render("<a href=\"{href}\" rel=\"noreferrer noopener\">{text}</a>", { { "href", safe }, { "text", std::string(text) } });
}

std::string highlighted_snippet(std::string_view snippet)
{
    std::string out;
    bool open = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= snippet.size(); ++i) {
        const bool end = i == snippet.size();
        if (!end && snippet[i] != mark_open[0] && snippet[i] != mark_close[0])
            continue;
        append_escaped_html(out, snippet.substr(start, i - start));
        start = i + 1;
        if (end)
            break;
        if (snippet[i] == mark_open[0] && !open) {
            out += "<mark>";
            open = true;
        } else if (snippet[i] == mark_close[0] && open) {
            out += "</mark>";
            open = false;
        }
    }
    if (open)
        out += "</mark>";
    return out;
}

} // namespace feedkeeper::daemon::web

// daemon/web/api.cpp — the JSON API under /api/v1/: the pages' data with the field names of the
// exports (feeds as `feeds --json`, records as the JSONL export's, search as `search --json`,
// status as `status --json`). Threading: a reader thread, with its archive.
#include "daemon/web/routes.hpp"
#include "daemon/web/view_parts.hpp"

#include "daemon/json_output.hpp"
#include "daemon/status.hpp"
#include "store/export.hpp"

#include <fmt/format.h>

namespace feedkeeper::daemon::web {
namespace {

// A revision as its JSONL export line, with what the API adds: the record's clean HTML (when
// asked) and the capture it came from.
nlohmann::ordered_json revision_json(const store::RevisionView& revision, bool with_html)
{
    auto json = nlohmann::ordered_json::parse(store::jsonl_record(revision));
    json["capture_id"] = revision.capture_id ? nlohmann::ordered_json(*revision.capture_id) : nlohmann::ordered_json(nullptr);
    if (with_html)
        json["body_html"] = revision.body_html;
    return json;
}

WebResponse json(const nlohmann::ordered_json& value) { return json_response(dump_json(value)); }

} // namespace

WebResponse api_feeds(const WebRequest&, store::Archive& archive)
{
    auto feeds = archive.feeds().list();
    if (!feeds)
        return json_error(500, feeds.error().message);
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& feed : *feeds)
        array.push_back(feed_json(feed));
    return json(array);
}

WebResponse api_feed_records(const WebRequest& request, store::Archive& archive, std::int64_t feed_id)
{
    auto feed = archive.feeds().find(std::to_string(feed_id));
    if (!feed)
        return json_error(500, feed.error().message);
    if (!*feed)
        return json_error(404, fmt::format("no feed {}", feed_id));
    auto page = read_feed_records(request, archive, feed_id, 500);
    if (!page)
        return json_error(page.error().code == Errc::invalid_argument ? 400 : 500, page.error().message);
    const std::vector<store::FeedItemRow>& items = page->items;
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    for (const auto& item : items)
        records.push_back({ { "entry_id", item.entry_id }, { "id", item.article_id ? nlohmann::ordered_json(*item.article_id) : nlohmann::ordered_json(nullptr) },
            { "url", item.url }, { "title", json_text(item.title) }, { "published", json_time(item.published) }, { "first_seen", json_time(item.first_seen) },
            { "fetched_at", json_time(item.fetched_at) }, { "revision", item.revision }, { "status", to_string(item.status) } });
    return json({ { "feed", feed_json(**feed) }, { "records", records },
        { "next_before", page->more && !items.empty() ? nlohmann::ordered_json(items.back().entry_id) : nlohmann::ordered_json(nullptr) } });
}

WebResponse api_article(const WebRequest&, store::Archive& archive, std::int64_t article_id)
{
    auto article = archive.reader().article(article_id);
    if (!article)
        return json_error(500, article.error().message);
    if (!*article)
        return json_error(404, fmt::format("no article {}", article_id));
    auto revisions = archive.reader().article_revisions(article_id, 1);
    if (!revisions)
        return json_error(500, revisions.error().message);
    if (revisions->empty())
        return json_error(404, fmt::format("article {} has no revision", article_id));
    auto value = revision_json(revisions->back(), true);
    value["revisions"] = (*article)->revisions;
    value["gone_at"] = json_time((*article)->gone_at);
    return json(value);
}

WebResponse api_article_revisions(const WebRequest&, store::Archive& archive, std::int64_t article_id)
{
    auto article = archive.reader().article(article_id);
    if (!article)
        return json_error(500, article.error().message);
    if (!*article)
        return json_error(404, fmt::format("no article {}", article_id));
    auto revisions = archive.reader().article_revisions(article_id, max_revisions_shown);
    if (!revisions)
        return json_error(500, revisions.error().message);
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& revision : *revisions)
        array.push_back(revision_json(revision, false));
    return json(array);
}

WebResponse api_search(const WebRequest& request, store::Archive& archive)
{
    const std::string q = query_text(request, "q");
    if (q.empty())
        return json_error(400, "parameter 'q' is required");
    auto feed = query_id(request, "feed");
    auto since = query_date(request, "since");
    auto until = query_date(request, "until");
    auto limit = query_limit(request, 20, 100);
    if (auto error = first_error(feed, since, until, limit))
        return json_error(400, error->message);
    auto hits = archive.reader().search(q, store::SearchOptions { .limit = *limit, .feed_id = *feed, .since = *since, .until = *until });
    if (!hits)
        return json_error(hits.error().code == Errc::invalid_argument ? 400 : 500, hits.error().message);
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& hit : *hits)
        array.push_back({ { "id", hit.article_id }, { "revision", hit.revision }, { "url", hit.url }, { "title", json_text(hit.title) },
            { "published", json_time(hit.published) }, { "snippet", hit.snippet }, { "rank", hit.rank } });
    return json(array);
}

WebResponse api_status(const WebRequest& request, store::Archive& archive, const ViewOptions& options)
{
    auto text = render_status(archive, options.db_path, request.daemon, true);
    if (!text)
        return json_error(500, text.error().message);
    WebResponse response = json_response(std::move(*text));
    response.body.pop_back(); // render_status ends its text with a newline already
    return response;
}

} // namespace feedkeeper::daemon::web

// daemon/json_output.cpp — FeedDocument and ExtractedPage as JSON. Threading: pure functions.
#include "daemon/json_output.hpp"

namespace feedkeeper::daemon {

std::string dump_json(const nlohmann::ordered_json& value, JsonStyle style)
{
    return value.dump(style == JsonStyle::pretty ? 2 : -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json json_time(const std::optional<Timestamp>& time)
{
    return time ? nlohmann::ordered_json(format_rfc3339(*time)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json json_text(const std::string& text)
{
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

nlohmann::ordered_json feed_to_json(const FeedDocument& feed)
{
    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    for (const FeedEntry& entry : feed.entries) {
        nlohmann::ordered_json enclosures = nlohmann::ordered_json::array();
        for (const Enclosure& enclosure : entry.enclosures)
            enclosures.push_back({ { "url", enclosure.url }, { "type", enclosure.type }, { "length", enclosure.length } });
        entries.push_back({
            { "title", entry.title },
            { "link", entry.link },
            { "id", entry.id },
            { "published", json_time(entry.published) },
            { "updated", json_time(entry.updated) },
            { "author", entry.author },
            // Like feedparser: an entry with content but no summary shows its content as summary.
            { "summary", entry.summary.empty() ? entry.content : entry.summary },
            { "content", entry.content },
            { "categories", entry.categories },
            { "enclosures", enclosures },
            { "thumbnail", json_text(entry.thumbnail) },
        });
    }
    nlohmann::ordered_json json {
        { "bozo", feed.bozo },
        { "bozo_message", json_text(feed.bozo_message) },
        { "encoding", feed.encoding },
        { "format", to_string(feed.format) },
        { "feed", {
            { "title", feed.title },
            { "link", feed.link },
            { "language", feed.language },
            { "updated", json_time(feed.updated) },
            { "published", json_time(feed.published) },
            { "self_link", json_text(feed.self_link) },
            { "update_interval_seconds", feed.update_interval ? nlohmann::ordered_json(feed.update_interval->count()) : nlohmann::ordered_json(nullptr) },
        } },
        { "entries", entries },
    };
    if (feed.truncated) // only then: the suite's object stays as it was for every other feed
        json["truncated"] = true;
    return json;
}

nlohmann::ordered_json page_to_json(const ExtractedPage& page)
{
    nlohmann::ordered_json json = {
        { "url", json_text(page.url) },
        { "status", to_string(page.status) },
        { "title", json_text(page.title) },
        { "author", json_text(page.author) },
        { "published", json_time(page.published) },
        { "modified", json_time(page.modified) },
        { "language", json_text(page.language) },
        { "canonical_url", json_text(page.canonical_url) },
        { "site_name", json_text(page.site_name) },
        { "categories", page.categories },
        { "lead_image", json_text(page.lead_image) },
        { "description", json_text(page.description) },
        { "encoding", json_text(page.encoding) },
        { "body", page.body },
        { "body_html", page.body_html },
    };
    if (page.truncated) // only then: the documented object (INTERFACE.md) stays as it was for every other page
        json["truncated"] = true;
    return json;
}

nlohmann::ordered_json feed_json(const store::FeedRecord& feed)
{
    return {
        { "id", feed.id },
        { "url", feed.url },
        { "title", json_text(feed.name.empty() ? feed.title : feed.name) },
        { "health", to_string(feed.health) },
        { "last_error", json_text(feed.health == store::FeedHealth::ok ? std::string() : feed.last_error) },
        { "last_fetch", json_time(feed.last_fetch) },
        { "next_fetch", json_time(feed.health == store::FeedHealth::retired ? std::nullopt : feed.next_fetch) },
        { "articles", feed.articles },
    };
}

} // namespace feedkeeper::daemon

// parse/feed/json_feed.cpp — JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) with nlohmann-json.
// Pure; safe on any thread.
#include "parse/feed/json_feed.hpp"

#include "core/text.hpp"
#include "parse/feed/html_urls.hpp"

#include <nlohmann/json.hpp>

namespace feedkeeper::parse {
namespace {

using Json = nlohmann::json;

std::string string_field(const Json& object, const char* name)
{
    auto found = object.find(name);
    if (found == object.end())
        return {};
    if (found->is_string())
        return trim(found->get_ref<const std::string&>());
    if (found->is_number_integer())
        return std::to_string(found->get<long long>());
    return {};
}

std::string first_author(const Json& object)
{
    for (const char* key : { "authors", "author" }) {
        auto found = object.find(key);
        if (found == object.end())
            continue;
        const Json* author = &*found;
        if (author->is_array() && !author->empty())
            author = &(*author)[0];
        if (author->is_object())
            return string_field(*author, "name");
        if (author->is_string())
            return trim(author->get_ref<const std::string&>());
    }
    return {};
}

} // namespace

bool looks_like_json_feed(std::string_view utf8)
{
    std::size_t i = 0;
    while (i < utf8.size() && (utf8[i] == ' ' || utf8[i] == '\t' || utf8[i] == '\r' || utf8[i] == '\n'))
        ++i;
    return i < utf8.size() && utf8[i] == '{';
}

Result<FeedDocument> parse_json_feed(std::string_view utf8, const JsonFeedOptions& options)
{
    if (!json_nesting_within(utf8, options.max_depth))
        return Error(Errc::too_deep, "JSON feed nested deeper than " + std::to_string(options.max_depth) + " levels");
    const Json root = Json::parse(utf8.begin(), utf8.end(), nullptr, false);
    if (root.is_discarded() || !root.is_object())
        return Error(Errc::parse, "not a JSON Feed: the document is not a JSON object");
    const std::string version = string_field(root, "version");
    if (!version.starts_with("https://jsonfeed.org/version/") && !version.starts_with("http://jsonfeed.org/version/"))
        return Error(Errc::parse, "not a JSON Feed: no jsonfeed.org version");
    FeedDocument feed;
    feed.format = version.ends_with("/1") ? FeedFormat::json10 : FeedFormat::json11;
    feed.encoding = "utf-8";
    std::string base = options.base;
    if (std::string self = string_field(root, "feed_url"); !self.empty()) {
        feed.self_link = resolve_reference(base, self);
        if (base.empty())
            base = feed.self_link;
    }
    feed.title = string_field(root, "title");
    feed.link = resolve_reference(base, string_field(root, "home_page_url"));
    feed.language = string_field(root, "language");
    if (feed.language.empty())
        feed.language = options.default_language;
    auto items = root.find("items");
    if (items == root.end() || !items->is_array())
        return feed;
    for (const Json& item : *items) {
        if (!item.is_object())
            continue;
        if (feed.entries.size() >= options.max_entries) {
            feed.truncated = true;
            break;
        }
        FeedEntry& entry = feed.entries.emplace_back();
        entry.id = string_field(item, "id");
        entry.link = resolve_reference(base, string_field(item, "url"));
        if (entry.link.empty())
            entry.link = resolve_reference(base, string_field(item, "external_url"));
        entry.title = string_field(item, "title");
        entry.summary = string_field(item, "summary");
        if (std::string html = string_field(item, "content_html"); !html.empty()) {
            entry.content = normalize_html_fragment(html, entry.link.empty() ? base : entry.link);
            entry.content_kind = TextKind::html;
        } else {
            entry.content = string_field(item, "content_text");
        }
        entry.published = parse_feed_date(string_field(item, "date_published"), options.dates);
        entry.updated = parse_feed_date(string_field(item, "date_modified"), options.dates);
        entry.author = first_author(item);
        if (entry.author.empty())
            entry.author = first_author(root);
        if (auto tags = item.find("tags"); tags != item.end() && tags->is_array())
            for (const Json& tag : *tags)
                if (tag.is_string() && !trim(tag.get_ref<const std::string&>()).empty())
                    entry.categories.push_back(trim(tag.get_ref<const std::string&>()));
        if (auto attachments = item.find("attachments"); attachments != item.end() && attachments->is_array()) {
            for (const Json& attachment : *attachments) {
                if (!attachment.is_object())
                    continue;
                const std::string url = resolve_reference(base, string_field(attachment, "url"));
                if (!url.empty())
                    entry.enclosures.push_back({ url, string_field(attachment, "mime_type"), string_field(attachment, "size_in_bytes") });
            }
        }
        entry.thumbnail = resolve_reference(base, string_field(item, "image"));
    }
    return feed;
}

} // namespace feedkeeper::parse

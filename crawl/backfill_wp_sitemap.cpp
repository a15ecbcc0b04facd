// crawl/backfill_wp_sitemap.cpp — two sources of a site's past: the WordPress REST API (posts with
// their dates, authors' and categories' names, rendered content kept as the item's feed content)
// and XML sitemaps (robots.txt, /sitemap.xml, indexes, gzip, Google News).
// Threading: coroutines on Runtime::io; JSON, XML and HTML work on cpu; the archive on store.
#include "crawl/backfill_walk.hpp"

#include "core/url.hpp"
#include "crawl/backfill_sources.hpp"
#include "parse/extract/extract.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace feedkeeper::crawl::backfill_detail {
namespace {

using Kind = SourceEnd::Kind;

constexpr int wp_per_page = 100;

std::string origin_of(const std::string& url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    const auto slash = url.find('/', scheme + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
}

std::optional<std::int64_t> header_number(const HttpHeaders& headers, std::string_view name)
{
    auto value = find_header(headers, name);
    if (!value)
        return std::nullopt;
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (error != std::errc() || number < 0)
        return std::nullopt;
    return number;
}

// The names of `ids` not known yet, fetched with one request per 100 (include=…); an endpoint that
// refuses (users often answer 401) leaves them unnamed, and is not asked again.
asio::awaitable<void> resolve_names(Walk& walk, const std::string& root, std::string_view route, const std::set<std::int64_t>& ids,
    std::map<std::int64_t, std::string>& names, bool& refused)
{
    std::vector<std::int64_t> unknown;
    for (std::int64_t id : ids)
        if (id > 0 && !names.contains(id))
            unknown.push_back(id);
    for (std::size_t at = 0; at < unknown.size() && !refused; at += wp_per_page) {
        std::string include;
        for (std::size_t i = at; i < std::min(unknown.size(), at + wp_per_page); ++i)
            include += (include.empty() ? "" : ",") + std::to_string(unknown[i]);
        const std::string url = wp_endpoint(root, route, fmt::format("include={}&per_page={}", include, wp_per_page));
        auto response = co_await fetch_listing(walk, url, fetch::FetchPurpose::article);
        if (!response || response->status != 200) {
            refused = true;
            break;
        }
        if (auto parsed = parse_wp_names(response->body))
            names.insert(parsed->begin(), parsed->end());
        for (std::size_t i = at; i < std::min(unknown.size(), at + wp_per_page); ++i)
            names.try_emplace(unknown[i], std::string()); // asked: not asked again
    }
}

asio::awaitable<std::optional<std::string>> discover_wp_api(Walk& walk)
{
    auto home = co_await fetch_listing(walk, walk.site_url, fetch::FetchPurpose::article);
    if (!home || home->status != 200)
        co_return std::nullopt;
    const std::string base = home->final_url.empty() ? walk.site_url : home->final_url;
    if (auto link = find_header(home->headers, "link"))
        if (auto root = wp_api_root_from_link_header(*link, base))
            co_return root;
    const std::string content_type(find_header(home->headers, "content-type").value_or(""));
    co_return co_await run_on(walk.runtime.cpu, [&] { return wp_api_root_from_html(home->body, content_type, base); });
}

} // namespace

asio::awaitable<SourceEnd> walk_wp_json(Walk& walk)
{
    nlohmann::json& state = walk.cursor["wp-json"];
    if (!state.is_object())
        state = { { "root", "" }, { "page", 1 }, { "seen", nlohmann::json::array() } };
    if (state["root"].get<std::string>().empty()) {
        auto root = co_await discover_wp_api(walk);
        if (!root)
            co_return SourceEnd { Kind::unavailable, fmt::format("the site ({}) announces no WordPress REST API (no rel=\"https://api.w.org/\")", walk.site_url) };
        if (!on_site(walk, *root))
            co_return SourceEnd { Kind::unavailable, fmt::format("the REST API it announces ({}) is not on the feed's site", *root) };
        state["root"] = *root;
    }
    const std::string root = state["root"].get<std::string>();
    std::map<std::int64_t, std::string> categories;
    std::map<std::int64_t, std::string> authors;
    bool categories_refused = false;
    bool authors_refused = false;
    const auto max_pages = static_cast<std::int64_t>(walk.options.limits.max_pages);
    while (true) {
        const std::int64_t page = state["page"].get<std::int64_t>();
        if (page > max_pages)
            co_return SourceEnd { Kind::ended, fmt::format("stopped at the limit of {} pages", max_pages) };
        if (state.contains("total") && page > state["total"].get<std::int64_t>())
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {} of {}", page - 1, state["total"].get<std::int64_t>()) };
        const std::string url = wp_endpoint(root, "wp/v2/posts", fmt::format("per_page={}&page={}&orderby=date&order=desc", wp_per_page, page));
        auto response = co_await fetch_listing(walk, url, fetch::FetchPurpose::article);
        if (!response && response.error().code == Errc::blocked)
            co_return SourceEnd { page == 1 ? Kind::unavailable : Kind::ended, fmt::format("robots.txt disallows {}", url) };
        if (!response)
            co_return SourceEnd { Kind::stopped, fmt::format("page {} ({}): {}", page, url, response.error().message) };
        const long status = response->status;
        if (page > 1 && status == 400) // rest_post_invalid_page_number: past the last page
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {}", page - 1) };
        if (is_pause_status(status))
            co_return SourceEnd { Kind::stopped, fmt::format("page {} ({}): HTTP {}, the site asks to wait", page, url, status) };
        if (status != 200)
            co_return SourceEnd { page == 1 ? Kind::unavailable : Kind::stopped, fmt::format("page {} ({}): HTTP {}", page, url, status) };
        if (auto total = header_number(response->headers, "x-wp-totalpages"))
            state["total"] = *total;
        auto posts = co_await run_on(walk.runtime.cpu, [&] { return parse_wp_posts(response->body, wp_per_page); });
        if (!posts)
            co_return SourceEnd { page == 1 ? Kind::unavailable : Kind::stopped, fmt::format("page {} ({}): {}", page, url, posts.error().message) };
        if (posts->empty())
            co_return SourceEnd { Kind::ended, fmt::format("ended after page {} (page {} lists no posts)", page - 1, page) };
        std::vector<std::string> keys;
        std::set<std::int64_t> category_ids;
        std::set<std::int64_t> author_ids;
        for (const WpPost& post : *posts) {
            keys.push_back(std::to_string(post.id) + post.link);
            category_ids.insert(post.categories.begin(), post.categories.end());
            author_ids.insert(post.author);
        }
        const std::string fingerprint = page_fingerprint(keys);
        if (std::find(state["seen"].begin(), state["seen"].end(), fingerprint) != state["seen"].end())
            co_return SourceEnd { Kind::ended, fmt::format("stopped at page {}: it repeats an earlier page's posts (the API ignores page=)", page) };
        if (!categories_refused)
            co_await resolve_names(walk, root, "wp/v2/categories", category_ids, categories, categories_refused);
        if (!authors_refused)
            co_await resolve_names(walk, root, "wp/v2/users", author_ids, authors, authors_refused);
        std::vector<store::EntryInput> entries = co_await run_on(walk.runtime.cpu, [&] {
            std::vector<store::EntryInput> built;
            for (const WpPost& post : *posts) {
                store::EntryInput input;
                FeedEntry& entry = input.entry;
                entry.id = post.guid;
                entry.link = post.link;
                entry.title = post.title;
                entry.published = post.published;
                entry.updated = post.modified;
                if (auto author = authors.find(post.author); author != authors.end())
                    entry.author = author->second;
                for (std::int64_t id : post.categories)
                    if (auto name = categories.find(id); name != categories.end() && !name->second.empty())
                        entry.categories.push_back(name->second);
                entry.content = post.content_html;
                entry.content_kind = TextKind::html;
                entry.summary = post.excerpt_html;
                entry.summary_kind = TextKind::html;
                input.key = !post.guid.empty() ? "id:" + post.guid : "link:" + normalize_url(post.link);
                input.link_is_unique = true;
                parse::ExtractOptions options;
                options.url = post.link;
                input.body = parse::extract_fragment(post.content_html, TextKind::html, options);
                input.body.source = input.body.body.empty() ? BodySource::none : BodySource::feed;
                if (input.body.body.empty()) {
                    input.body = parse::extract_fragment(post.excerpt_html, TextKind::html, options);
                    input.body.source = input.body.body.empty() ? BodySource::none : BodySource::summary;
                }
                built.push_back(std::move(input));
            }
            return built;
        });
        const bool reached_since = all_older_than_since(walk, entries);
        std::erase_if(entries, [&](const store::EntryInput& input) { return !in_range(walk, input.entry.published) || !on_site(walk, input.entry.link); });
        state["seen"].push_back(fingerprint);
        state["page"] = page + 1;
        const auto found = static_cast<std::int64_t>(entries.size());
        auto saved = co_await save_page(walk, "wp-json", std::move(entries), found);
        if (!saved)
            co_return SourceEnd { Kind::stopped, saved.error().message };
        if (remaining_items(walk) == 0)
            co_return SourceEnd { Kind::max_reached, fmt::format("stopped at page {}: --max reached", page) };
        if (reached_since)
            co_return SourceEnd { Kind::ended, fmt::format("ended at page {}: its posts are older than --since", page) };
        if (static_cast<int>(posts->size()) < wp_per_page && !state.contains("total"))
            co_return SourceEnd { Kind::ended, fmt::format("ended at page {} (a short page)", page) };
    }
}

asio::awaitable<SourceEnd> walk_sitemaps(Walk& walk)
{
    nlohmann::json& state = walk.cursor["sitemap"];
    if (!state.is_object()) {
        // Where the site says its sitemaps are; else where they usually are.
        const std::string origin = origin_of(walk.site_url);
        std::vector<std::string> named;
        auto robots = co_await fetch_listing(walk, origin + "/robots.txt", fetch::FetchPurpose::feed);
        if (robots && robots->status == 200)
            for (std::string& url : robots_sitemaps(robots->body, origin + "/robots.txt", 50))
                if (on_site(walk, url))
                    named.push_back(std::move(url));
        const bool guessed = named.empty();
        if (guessed)
            named = { origin + "/sitemap.xml", origin + "/wp-sitemap.xml" };
        state = { { "pending", named }, { "done", nlohmann::json::array() }, { "guessed", guessed }, { "read", 0 }, { "parsed", 0 }, { "notes", nlohmann::json::array() } };
    }
    const auto note = [&state](std::string text) {
        if (state["notes"].size() < 20)
            state["notes"].push_back(std::move(text));
    };
    const auto summary = [&state](std::string_view head) {
        std::string text(head);
        for (const auto& line : state["notes"])
            text += "; " + line.get<std::string>();
        return text;
    };
    while (!state["pending"].empty()) {
        if (state["read"].get<std::size_t>() >= walk.options.limits.max_sitemaps)
            co_return SourceEnd { Kind::ended, summary(fmt::format("stopped at the limit of {} sitemaps", walk.options.limits.max_sitemaps)) };
        const std::string url = state["pending"][0].get<std::string>();
        auto response = co_await fetch_listing(walk, url, fetch::FetchPurpose::article);
        if (!response && response.error().code == Errc::blocked) {
            note(fmt::format("{} skipped: robots.txt disallows it", url));
            state["pending"].erase(0);
            state["done"].push_back(url);
            continue;
        }
        if (!response)
            co_return SourceEnd { Kind::stopped, fmt::format("{}: {}", url, response.error().message) };
        if (is_pause_status(response->status))
            co_return SourceEnd { Kind::stopped, fmt::format("{}: HTTP {}, the site asks to wait", url, response->status) };
        auto done_with = [&] {
            state["pending"].erase(0);
            state["done"].push_back(url);
            state["read"] = state["read"].get<std::size_t>() + 1;
        };
        Result<Sitemap> sitemap = Error(Errc::parse, "");
        if (response->status != 200) {
            sitemap = Error(Errc::http_status, fmt::format("HTTP {}", response->status));
        } else {
            const std::size_t cap = walk.options.limits.max_sitemap_bytes;
            const std::size_t urls = walk.options.limits.max_sitemap_urls;
            sitemap = co_await run_on(walk.runtime.cpu, [&]() -> Result<Sitemap> {
                std::string xml = std::move(response->body);
                if (looks_gzipped(xml)) {
                    auto inflated = gunzip(xml, cap);
                    if (!inflated)
                        return inflated.error();
                    xml = std::move(*inflated);
                } else if (xml.size() > cap) {
                    return Error(Errc::too_large, fmt::format("more than {} MiB", cap / (1024 * 1024)));
                }
                return parse_sitemap(xml, url, urls);
            });
        }
        if (!sitemap) {
            // A guessed address that is not there says nothing; a named one that fails is noted.
            if (!(state["guessed"].get<bool>() && sitemap.error().code == Errc::http_status))
                note(fmt::format("{} skipped: {}", url, sitemap.error().message));
            done_with();
            auto saved = co_await save_page(walk, "sitemap", {}, 0);
            if (!saved)
                co_return SourceEnd { Kind::stopped, saved.error().message };
            continue;
        }
        state["parsed"] = state["parsed"].get<std::size_t>() + 1;
        if (sitemap->truncated)
            note(fmt::format("{} lists more than {} entries; the rest were not read", url, walk.options.limits.max_sitemap_urls));
        std::vector<store::EntryInput> entries;
        if (sitemap->index) {
            // Post and news sitemaps first; listings (taxonomies, users) hold no articles.
            std::stable_partition(sitemap->sitemaps.begin(), sitemap->sitemaps.end(), [](const std::string& child) { return child.find("news") != std::string::npos; });
            for (const std::string& child : sitemap->sitemaps) {
                const bool seen = child == url || std::find(state["done"].begin(), state["done"].end(), child) != state["done"].end()
                    || std::find(state["pending"].begin(), state["pending"].end(), child) != state["pending"].end();
                if (child == url)
                    note(fmt::format("the index {} lists itself (not read again)", url));
                else if (seen)
                    note(fmt::format("{} is listed twice (read once)", child));
                else if (!on_site(walk, child))
                    note(fmt::format("{} is not on the feed's site (skipped)", child));
                else if (!is_listing_sitemap(child))
                    state["pending"].push_back(child);
            }
        } else {
            std::vector<SitemapUrl> urls = std::move(sitemap->urls);
            std::erase_if(urls, [&](const SitemapUrl& item) { return !on_site(walk, item.loc) || article_score(item.loc) < 0 || !in_range(walk, item.published); });
            // Article-looking URLs first: a --max or a stop leaves the listings, not the articles.
            std::stable_sort(urls.begin(), urls.end(), [](const SitemapUrl& a, const SitemapUrl& b) { return article_score(a.loc) > article_score(b.loc); });
            for (SitemapUrl& item : urls) {
                store::EntryInput input;
                input.key = "link:" + normalize_url(item.loc);
                input.link_is_unique = true;
                input.entry.link = std::move(item.loc);
                input.entry.title = std::move(item.title);
                input.entry.published = item.published;
                entries.push_back(std::move(input));
            }
        }
        done_with();
        const auto found = static_cast<std::int64_t>(entries.size());
        auto saved = co_await save_page(walk, "sitemap", std::move(entries), found);
        if (!saved)
            co_return SourceEnd { Kind::stopped, saved.error().message };
        if (remaining_items(walk) == 0)
            co_return SourceEnd { Kind::max_reached, summary(fmt::format("stopped after {}: --max reached", url)) };
    }
    if (state["parsed"].get<std::size_t>() == 0)
        co_return SourceEnd { Kind::unavailable, summary(state["guessed"].get<bool>() ? "the site names no sitemap in robots.txt and has none at /sitemap.xml or /wp-sitemap.xml"
                                                                                       : "no sitemap robots.txt names could be read") };
    co_return SourceEnd { Kind::ended, summary(fmt::format("ended: {} sitemaps read", state["read"].get<std::size_t>())) };
}

} // namespace feedkeeper::crawl::backfill_detail

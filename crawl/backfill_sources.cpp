// crawl/backfill_sources.cpp — the readers of backfill_sources.hpp. XML through pugixml (no DTD,
// no entity beyond XML's five), JSON through nlohmann-json, HTML through the extractor's own decode,
// pre-scan and Gumbo document. Threading: pure functions.
#include "crawl/backfill_sources.hpp"

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/html/decode.hpp"
#include "parse/html/document.hpp"
#include "parse/html/prescan.hpp"
#include "parse/text/date.hpp"
#include "parse/text/entities.hpp"
#include "store/zlib_stream.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>

namespace feedkeeper::crawl {
namespace {

constexpr std::string_view wp_rel = "https://api.w.org/";

std::string_view local_name(const char* name)
{
    std::string_view view(name);
    const auto colon = view.rfind(':');
    return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trimmed(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return std::string(text);
}

pugi::xml_parse_result load_xml(pugi::xml_document& document, std::string_view xml)
{
    return document.load_buffer(xml.data(), xml.size(), pugi::parse_cdata | pugi::parse_eol | pugi::parse_escapes);
}

// The text of the first child element with this local name.
std::string child_text(pugi::xml_node node, std::string_view name)
{
    for (pugi::xml_node child : node.children())
        if (child.type() == pugi::node_element && local_name(child.name()) == name)
            return trimmed(child.child_value());
    return {};
}

bool rel_has(std::string_view rels, std::string_view wanted)
{
    const std::string all = lower(rels);
    std::size_t at = 0;
    while (at < all.size()) {
        while (at < all.size() && std::isspace(static_cast<unsigned char>(all[at])))
            ++at;
        std::size_t end = at;
        while (end < all.size() && !std::isspace(static_cast<unsigned char>(all[end])))
            ++end;
        if (std::string_view(all).substr(at, end - at) == wanted)
            return true;
        at = end;
    }
    return false;
}

std::string json_string(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object()) { // WordPress's {"rendered": "..."}
        auto rendered = it->find("rendered");
        if (rendered != it->end() && rendered->is_string())
            return rendered->get<std::string>();
    }
    return {};
}

std::optional<Timestamp> json_date(const nlohmann::json& object, const char* gmt_key, const char* local_key)
{
    // date_gmt has no zone suffix: it is UTC, which parse_feed_date assumes for a bare date.
    if (std::string text = json_string(object, gmt_key); !text.empty())
        if (auto date = parse::parse_feed_date(text))
            return date;
    if (std::string text = json_string(object, local_key); !text.empty())
        return parse::parse_feed_date(text);
    return std::nullopt;
}

} // namespace

FeedPagingLinks feed_paging_links(std::string_view xml, const std::string& document_url)
{
    FeedPagingLinks links;
    pugi::xml_document document;
    if (!load_xml(document, xml))
        return links;
    pugi::xml_node root = document.document_element();
    pugi::xml_node scope = root;
    if (local_name(root.name()) == "rss")
        scope = root.child("channel");
    if (!scope)
        return links;
    for (pugi::xml_node child : scope.children()) {
        if (child.type() != pugi::node_element || local_name(child.name()) != "link")
            continue;
        const char* href = child.attribute("href").value();
        if (!*href)
            continue;
        const std::string_view rel = child.attribute("rel").value();
        auto absolute = resolve_url(document_url, href);
        if (!absolute)
            continue;
        if (links.next.empty() && rel_has(rel, "next"))
            links.next = *absolute;
        if (links.prev_archive.empty() && (rel_has(rel, "prev-archive") || rel_has(rel, "previous-archive")))
            links.prev_archive = *absolute;
    }
    return links;
}

std::string wordpress_feed_page(const std::string& feed_url, int page)
{
    std::string base = feed_url;
    const auto fragment = base.find('#');
    if (fragment != std::string::npos)
        base.erase(fragment);
    // Drop an existing paged= parameter.
    if (const auto query = base.find('?'); query != std::string::npos) {
        std::string kept;
        std::string_view rest = std::string_view(base).substr(query + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const std::string_view part = rest.substr(0, amp);
            if (!part.starts_with("paged=") && !part.empty())
                kept += (kept.empty() ? "" : "&") + std::string(part);
            rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        }
        base.erase(query);
        if (!kept.empty())
            base += "?" + kept;
    }
    return base + (base.find('?') == std::string::npos ? "?" : "&") + "paged=" + std::to_string(page);
}

std::optional<std::string> wp_api_root_from_link_header(std::string_view header, const std::string& base_url)
{
    // Link: <https://example.org/wp-json/>; rel="https://api.w.org/", <…>; rel="alternate"
    std::size_t at = 0;
    while ((at = header.find('<', at)) != std::string_view::npos) {
        const auto close = header.find('>', at);
        if (close == std::string_view::npos)
            break;
        const std::string_view target = header.substr(at + 1, close - at - 1);
        const auto next = header.find('<', close);
        const std::string_view params = header.substr(close + 1, next == std::string_view::npos ? std::string_view::npos : next - close - 1);
        if (params.find(wp_rel) != std::string_view::npos)
            return resolve_url(base_url, trimmed(target));
        at = close;
    }
    return std::nullopt;
}

std::optional<std::string> wp_api_root_from_html(std::string_view html, std::string_view content_type, const std::string& base_url)
{
    const parse::DecodedText decoded = parse::decode_html(html, content_type);
    parse::PrescanLimits limits;
    limits.max_nodes = 100'000;
    const parse::PrescannedHtml scanned = parse::prescan_html(decoded.utf8, limits);
    const parse::HtmlDocument document(scanned.html, limits.max_nodes);
    for (std::uint32_t i = 0; i < document.size(); ++i) {
        const parse::DomNode& node = document[i];
        if (node.is_text || node.tag != GUMBO_TAG_LINK)
            continue;
        if (trimmed(document.attribute(i, "rel")) != wp_rel)
            continue;
        const std::string href = trimmed(document.attribute(i, "href"));
        if (!href.empty())
            return resolve_url(base_url, href);
    }
    return std::nullopt;
}

std::string wp_endpoint(const std::string& api_root, std::string_view route, std::string_view query)
{
    // ?rest_route=/ form: the route goes into the parameter, the query follows with '&'.
    if (api_root.find("rest_route=") != std::string::npos) {
        std::string url = api_root;
        if (url.back() != '/')
            url += '/';
        return url + std::string(route) + (query.empty() ? "" : "&" + std::string(query));
    }
    std::string url = api_root;
    if (url.back() != '/')
        url += '/';
    return url + std::string(route) + (query.empty() ? "" : "?" + std::string(query));
}

Result<std::vector<WpPost>> parse_wp_posts(std::string_view text, std::size_t max_posts)
{
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return Error(Errc::parse, "the posts page is not JSON");
    if (!json.is_array())
        return Error(Errc::parse, "the posts page is not a JSON array of posts");
    std::vector<WpPost> posts;
    for (const nlohmann::json& item : json) {
        if (posts.size() >= max_posts)
            break;
        if (!item.is_object())
            continue;
        WpPost post;
        if (auto id = item.find("id"); id != item.end() && id->is_number_integer())
            post.id = id->get<std::int64_t>();
        post.link = json_string(item, "link");
        post.guid = json_string(item, "guid");
        post.title = trimmed(parse::decode_references(json_string(item, "title")));
        post.content_html = json_string(item, "content");
        post.excerpt_html = json_string(item, "excerpt");
        post.published = json_date(item, "date_gmt", "date");
        post.modified = json_date(item, "modified_gmt", "modified");
        if (auto author = item.find("author"); author != item.end() && author->is_number_integer())
            post.author = author->get<std::int64_t>();
        if (auto categories = item.find("categories"); categories != item.end() && categories->is_array())
            for (const nlohmann::json& category : *categories)
                if (category.is_number_integer() && post.categories.size() < 64)
                    post.categories.push_back(category.get<std::int64_t>());
        if (!post.link.empty())
            posts.push_back(std::move(post));
    }
    return posts;
}

Result<std::map<std::int64_t, std::string>> parse_wp_names(std::string_view text)
{
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !(json.is_array() || json.is_object()))
        return Error(Errc::parse, "not a JSON list of names");
    std::map<std::int64_t, std::string> names;
    auto read = [&names](const nlohmann::json& item) {
        if (!item.is_object())
            return;
        auto id = item.find("id");
        if (id == item.end() || !id->is_number_integer())
            return;
        std::string name = trimmed(parse::decode_references(json_string(item, "name")));
        if (!name.empty())
            names[id->get<std::int64_t>()] = std::move(name);
    };
    if (json.is_array())
        for (const nlohmann::json& item : json)
            read(item);
    else
        read(json);
    return names;
}

std::vector<std::string> robots_sitemaps(std::string_view robots, const std::string& robots_url, std::size_t max)
{
    std::vector<std::string> sitemaps;
    std::size_t at = 0;
    while (at < robots.size() && sitemaps.size() < max) {
        auto end = robots.find('\n', at);
        if (end == std::string_view::npos)
            end = robots.size();
        std::string line = trimmed(robots.substr(at, end - at));
        at = end + 1;
        if (const auto hash = line.find('#'); hash != std::string::npos)
            line = trimmed(std::string_view(line).substr(0, hash));
        const auto colon = line.find(':');
        if (colon == std::string::npos || lower(trimmed(std::string_view(line).substr(0, colon))) != "sitemap")
            continue;
        if (auto url = resolve_url(robots_url, trimmed(std::string_view(line).substr(colon + 1))); url && is_http_url(*url)
            && std::find(sitemaps.begin(), sitemaps.end(), *url) == sitemaps.end())
            sitemaps.push_back(*url);
    }
    return sitemaps;
}

Result<Sitemap> parse_sitemap(std::string_view xml, const std::string& sitemap_url, std::size_t max_entries)
{
    pugi::xml_document document;
    if (auto loaded = load_xml(document, xml); !loaded)
        return Error(Errc::parse, std::string("not well-formed XML: ") + loaded.description());
    const pugi::xml_node root = document.document_element();
    const std::string_view kind = local_name(root.name());
    Sitemap sitemap;
    if (kind == "sitemapindex") {
        sitemap.index = true;
        for (pugi::xml_node child : root.children()) {
            if (child.type() != pugi::node_element || local_name(child.name()) != "sitemap")
                continue;
            if (sitemap.sitemaps.size() >= max_entries) {
                sitemap.truncated = true;
                break;
            }
            if (auto url = resolve_url(sitemap_url, child_text(child, "loc")); url && is_http_url(*url))
                sitemap.sitemaps.push_back(*url);
        }
        return sitemap;
    }
    if (kind != "urlset")
        return Error(Errc::parse, "neither a <urlset> nor a <sitemapindex>");
    for (pugi::xml_node child : root.children()) {
        if (child.type() != pugi::node_element || local_name(child.name()) != "url")
            continue;
        if (sitemap.urls.size() >= max_entries) {
            sitemap.truncated = true;
            break;
        }
        auto url = resolve_url(sitemap_url, child_text(child, "loc"));
        if (!url || !is_http_url(*url))
            continue;
        SitemapUrl entry;
        entry.loc = std::move(*url);
        // Google News: <news:news><news:publication_date>…</news:publication_date><news:title>…</news:title></news:news>
        for (pugi::xml_node part : child.children()) {
            if (part.type() != pugi::node_element || local_name(part.name()) != "news")
                continue;
            entry.published = parse::parse_feed_date(child_text(part, "publication_date"));
            entry.title = child_text(part, "title");
        }
        if (!entry.published)
            entry.published = parse::parse_feed_date(child_text(child, "lastmod"));
        sitemap.urls.push_back(std::move(entry));
    }
    return sitemap;
}

bool looks_gzipped(std::string_view bytes)
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> gunzip(std::string_view compressed, std::size_t max_bytes)
{
    store::InflateHandle stream(new z_stream {});
    // 15 + 32: a gzip or zlib header, detected.
    if (inflateInit2(stream.get(), 15 + 32) != Z_OK) {
        delete stream.release(); // inflateEnd on a stream whose init failed is not allowed
        return Error(Errc::io, "zlib could not start");
    }
    std::string out;
    char buffer[64 * 1024];
    stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream->avail_in = static_cast<uInt>(compressed.size());
    for (;;) {
        stream->next_out = reinterpret_cast<Bytef*>(buffer);
        stream->avail_out = sizeof buffer;
        const int status = inflate(stream.get(), Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR)
            return Error(Errc::parse, "corrupt gzip data");
        const std::size_t produced = sizeof buffer - stream->avail_out;
        if (out.size() + produced > max_bytes)
            return Error(Errc::too_large, "more than " + std::to_string(max_bytes / (1024 * 1024)) + " MiB once decompressed");
        out.append(buffer, produced);
        if (status == Z_STREAM_END)
            return out;
        if (status == Z_BUF_ERROR || (stream->avail_in == 0 && produced == 0))
            return Error(Errc::parse, "gzip data ends early");
    }
}

int article_score(std::string_view url)
{
    const std::string host = url_host(url);
    std::string path;
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        const auto slash = url.find('/', scheme + 3);
        path = slash == std::string_view::npos ? "/" : lower(url.substr(slash));
    }
    if (host.empty())
        return -10;
    if (path.empty() || path == "/" || path.starts_with("/?") || path.starts_with("/#"))
        return -10;
    for (std::string_view listing : { "/tag/", "/tags/", "/category/", "/categories/", "/author/", "/authors/", "/page/", "/feed", "/search",
             "/wp-json", "/wp-admin", "/wp-content/", "/comments/", "/label/", "/topics/", "/archive/", "/archives/" })
        if (path.find(listing) != std::string::npos)
            return -5;
    int score = 0;
    // Dated paths (/2023/05/…) and long slugs are what articles look like.
    int digits_run = 0;
    bool dated = false;
    for (char c : path) {
        digits_run = std::isdigit(static_cast<unsigned char>(c)) ? digits_run + 1 : 0;
        if (digits_run == 4)
            dated = true;
    }
    if (dated)
        score += 2;
    const auto last = path.find_last_not_of('/');
    const std::string_view tail = last == std::string::npos ? std::string_view() : std::string_view(path).substr(0, last + 1);
    const std::string_view slug = tail.substr(tail.rfind('/') + 1);
    if (std::count(slug.begin(), slug.end(), '-') >= 2)
        score += 2;
    if (slug.ends_with(".html") || slug.ends_with(".htm") || path.find("?p=") != std::string::npos)
        score += 1;
    if (std::count(path.begin(), path.end(), '/') <= 1 && slug.find('-') == std::string_view::npos)
        score -= 1; // a top-level page: /about, /contact
    return score;
}

bool is_listing_sitemap(std::string_view url)
{
    const std::string text = lower(url);
    for (std::string_view listing : { "taxonom", "users", "author", "category", "categories", "tag-", "tags", "-tag", "page-sitemap" })
        if (text.find(listing) != std::string::npos)
            return true;
    return false;
}

} // namespace feedkeeper::crawl

// tests/support/wordpress_site.cpp — the generated site's documents. Threading: pure, read-only.
#include "tests/support/wordpress_site.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

namespace feedkeeper::testing {
namespace {

constexpr std::int64_t newest_post = 1764504000; // 2025-11-30T12:00:00Z
constexpr std::int64_t five_years = 5 * 365 * 86400;
const char* const category_names[] = { "Politics", "Economy", "Culture", "Society", "Region" };
constexpr std::int64_t first_category_id = 11;
const char* const author_names[] = { "Ani Petrosyan", "Giorgi Beridze", "Leyla Aliyeva" };
const char* const vocabulary[] = { "parliament", "budget", "harbour", "minister", "river", "election", "village", "council", "railway", "market",
    "winter", "treaty", "museum", "teachers", "farmers", "bridge", "festival", "court", "border", "energy", "vineyard", "mountain", "pipeline", "school" };

std::string strftime_utc(std::int64_t seconds, const char* format)
{
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm parts {};
    gmtime_r(&time, &parts);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, format, &parts);
    return buffer;
}

std::string word(int a, int b) { return vocabulary[static_cast<std::size_t>((a * 31 + b * 17 + a * b) % 24)]; }

std::string prose(int post, int paragraph)
{
    std::string text;
    for (int i = 0; i < 55; ++i) {
        text += word(post + i, paragraph * 7 + i * (post % 11 + 2));
        text += i % 11 == 10 ? ". " : " ";
    }
    return fmt::format("Dispatch {} reports that {}The account goes on with point {} of {}.", post, text, paragraph + 1, post);
}

std::string body_html(int post)
{
    std::string html;
    for (int paragraph = 0; paragraph < 4; ++paragraph)
        html += "<p>" + prose(post, paragraph) + "</p>";
    return html;
}

std::string json_escape(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '/')
            out += "\\"; // WordPress escapes slashes
        out += c;
    }
    return out;
}

std::map<std::string, std::string> query_of(const std::string& target)
{
    std::map<std::string, std::string> query;
    const auto mark = target.find('?');
    if (mark == std::string::npos)
        return query;
    std::string rest = target.substr(mark + 1);
    std::size_t at = 0;
    while (at <= rest.size()) {
        auto amp = rest.find('&', at);
        if (amp == std::string::npos)
            amp = rest.size();
        const std::string part = rest.substr(at, amp - at);
        const auto equals = part.find('=');
        if (equals != std::string::npos)
            query[part.substr(0, equals)] = part.substr(equals + 1);
        at = amp + 1;
    }
    return query;
}

int number_or(const std::map<std::string, std::string>& query, const std::string& key, int fallback)
{
    auto it = query.find(key);
    if (it == query.end() || it->second.empty() || it->second.find_first_not_of("0123456789") != std::string::npos || it->second.size() > 6)
        return fallback;
    return std::stoi(it->second);
}

std::set<std::int64_t> include_of(const std::map<std::string, std::string>& query)
{
    std::set<std::int64_t> ids;
    auto it = query.find("include");
    if (it == query.end())
        return ids;
    std::string list = it->second;
    for (std::size_t at = 0; at < list.size();) {
        auto comma = list.find_first_of(",%", at); // "," or "%2C"
        if (comma == std::string::npos)
            comma = list.size();
        if (comma > at)
            ids.insert(std::stoll(list.substr(at, comma - at)));
        at = list[comma < list.size() ? comma : 0] == '%' ? comma + 3 : comma + 1;
    }
    return ids;
}

TestResponse xml(std::string body, const char* type = "application/xml; charset=UTF-8")
{
    return TestResponse { .headers = { { "Content-Type", type } }, .body = std::move(body) };
}

TestResponse json(std::string body, std::vector<std::pair<std::string, std::string>> extra = {})
{
    extra.insert(extra.begin(), { "Content-Type", "application/json; charset=UTF-8" });
    return TestResponse { .headers = std::move(extra), .body = std::move(body) };
}

} // namespace

std::string rfc3339(std::int64_t seconds) { return strftime_utc(seconds, "%Y-%m-%dT%H:%M:%SZ"); }

WordPressSite::WordPressSite(int posts, WordPressTrap trap) : m_trap(trap)
{
    const std::int64_t spacing = five_years / std::max(posts, 1);
    for (int n = 1; n <= posts; ++n) {
        WordPressPost post;
        post.number = n;
        post.id = 100 + n;
        post.published = newest_post - static_cast<std::int64_t>(posts - n) * spacing;
        post.title = fmt::format("Post {}: the {} and the {}", n, word(n, 1), word(n, 2));
        post.path = fmt::format("/{}/post-{}-{}-{}/", strftime_utc(post.published, "%Y/%m"), n, word(n, 1), word(n, 2));
        post.category = category_names[n % 5];
        post.author = author_names[n % 3];
        m_posts.push_back(std::move(post));
    }
}

std::string WordPressSite::post_page(const WordPressPost& post) const
{
    return fmt::format(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0} – Test Watch</title>"
        "<meta property=\"og:type\" content=\"article\"><meta property=\"article:published_time\" content=\"{1}\">"
        "<meta property=\"article:section\" content=\"{2}\"><meta name=\"author\" content=\"{3}\"></head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/category/politics/\">Politics</a></nav>"
        "<article><h1>{0}</h1><p class=\"byline\">By {3}</p>{4}</article><footer>Test Watch, a generated site</footer></body></html>",
        post.title, rfc3339(post.published), post.category, post.author, body_html(post.number));
}

std::string WordPressSite::feed_page(const std::string& base, int page) const
{
    const int count = static_cast<int>(m_posts.size());
    std::string links = fmt::format("<atom:link href=\"{}/feed/\" rel=\"self\" type=\"application/rss+xml\"/>", base);
    if (m_trap == WordPressTrap::next_cycle) {
        const int next = page >= 3 ? 2 : page + 1; // page 3 leads back to page 2
        links += fmt::format("<atom:link href=\"{}/feed/?pg={}\" rel=\"next\"/>", base, next);
    }
    if (m_trap == WordPressTrap::archived_feed && page * feed_items < count)
        links += fmt::format("<atom:link href=\"{}/feed/?archive={}\" rel=\"prev-archive\"/>", base, page + 1);
    std::string items;
    for (int i = count - 1 - (page - 1) * feed_items; i >= 0 && i > count - 1 - page * feed_items; --i) {
        const WordPressPost& post = m_posts[static_cast<std::size_t>(i)];
        items += fmt::format("<item><title>{0}</title><link>{1}{2}</link><guid isPermaLink=\"false\">{1}/?p={3}</guid>"
                             "<pubDate>{4}</pubDate><dc:creator><![CDATA[{5}]]></dc:creator><category><![CDATA[{6}]]></category>"
                             "<description><![CDATA[Dispatch {7} in short.]]></description><content:encoded><![CDATA[{8}]]></content:encoded></item>",
            post.title, base, post.path, post.id, strftime_utc(post.published, "%a, %d %b %Y %H:%M:%S +0000"), post.author, post.category,
            post.number, body_html(post.number));
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
                       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel><title>Test Watch</title>"
                       "<link>{}/</link>{}<description>A generated WordPress-like site</description><generator>https://wordpress.org/?v=6.4</generator>{}</channel></rss>",
        base, links, items);
}

std::string WordPressSite::api_posts(const std::string& base, int page, int per_page) const
{
    const int count = static_cast<int>(m_posts.size());
    std::string out = "[";
    for (int i = count - 1 - (page - 1) * per_page; i >= 0 && i > count - 1 - page * per_page; --i) {
        const WordPressPost& post = m_posts[static_cast<std::size_t>(i)];
        const std::string date = strftime_utc(post.published, "%Y-%m-%dT%H:%M:%S");
        std::int64_t category_id = first_category_id;
        for (std::int64_t c = 0; c < 5; ++c)
            if (post.category == category_names[c])
                category_id = first_category_id + c;
        std::int64_t author_id = 1;
        for (std::int64_t a = 0; a < 3; ++a)
            if (post.author == author_names[a])
                author_id = a + 1;
        if (out.size() > 1)
            out += ',';
        out += fmt::format("{{\"id\":{0},\"date\":\"{1}\",\"date_gmt\":\"{1}\",\"guid\":{{\"rendered\":\"{2}\\/?p={0}\"}},\"modified\":\"{1}\","
                           "\"modified_gmt\":\"{1}\",\"slug\":\"post-{3}\",\"status\":\"publish\",\"type\":\"post\",\"link\":\"{4}\","
                           "\"title\":{{\"rendered\":\"{5}\"}},\"content\":{{\"rendered\":\"{6}\",\"protected\":false}},"
                           "\"excerpt\":{{\"rendered\":\"<p>Dispatch {3} in short.<\\/p>\",\"protected\":false}},\"author\":{7},\"categories\":[{8}],\"tags\":[]}}",
            post.id, date, json_escape(base), post.number, json_escape(base + post.path), json_escape(post.title), json_escape(body_html(post.number)),
            author_id, category_id);
    }
    return out + "]";
}

std::string WordPressSite::sitemap(const std::string& base, int first, int last, bool news) const
{
    std::string urls;
    if (!news && first == 0)
        urls += fmt::format("<url><loc>{}/</loc></url>", base); // the home page: not an article
    for (int i = last; i >= first; --i) {
        const WordPressPost& post = m_posts[static_cast<std::size_t>(i)];
        if (news)
            urls += fmt::format("<url><loc>{}{}</loc><news:news><news:publication><news:name>Test Watch</news:name><news:language>en</news:language>"
                                "</news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
                base, post.path, rfc3339(post.published), post.title);
        else
            urls += fmt::format("<url><loc>{}{}</loc><lastmod>{}</lastmod></url>", base, post.path, rfc3339(post.published));
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
           "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
        + urls + "</urlset>";
}

TestResponse WordPressSite::answer(const RecordedRequest& request, const std::string& base) const
{
    const std::string path = request.target.substr(0, request.target.find('?'));
    const auto query = query_of(request.target);
    const int count = static_cast<int>(m_posts.size());
    const std::string api_link = fmt::format("<{}/wp-json/>; rel=\"https://api.w.org/\"", base);
    if (path == "/")
        return TestResponse { .headers = { { "Content-Type", "text/html; charset=UTF-8" }, { "Link", api_link } },
            .body = fmt::format("<!doctype html><html><head><title>Test Watch</title><link rel=\"https://api.w.org/\" href=\"{0}/wp-json/\">"
                                "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{0}/feed/\"></head><body><h1>Test Watch</h1></body></html>",
                base) };
    if (path == "/feed/") {
        int page = m_trap == WordPressTrap::next_cycle ? number_or(query, "pg", 1)
            : m_trap == WordPressTrap::archived_feed && query.contains("archive") ? number_or(query, "archive", 1)
                                                                                 : number_or(query, "paged", 1);
        if (m_trap == WordPressTrap::paged_repeats)
            page = 1;
        if (page < 1 || (page - 1) * feed_items >= count)
            return TestResponse { .status = 404, .headers = { { "Content-Type", "text/html" } }, .body = "<h1>Not found</h1>" };
        return xml(feed_page(base, page), "application/rss+xml; charset=UTF-8");
    }
    if (path == "/wp-json/wp/v2/posts") {
        const int per_page = std::clamp(number_or(query, "per_page", 10), 1, api_per_page_max);
        const int page = number_or(query, "page", 1);
        const int pages = (count + per_page - 1) / per_page;
        if (page < 1 || page > pages)
            return TestResponse { .status = 400, .headers = { { "Content-Type", "application/json" } },
                .body = "{\"code\":\"rest_post_invalid_page_number\",\"message\":\"The page number requested is larger than the number of pages available.\"}" };
        return json(api_posts(base, page, per_page), { { "X-WP-Total", std::to_string(count) }, { "X-WP-TotalPages", std::to_string(pages) }, { "Link", api_link } });
    }
    if (path == "/wp-json/wp/v2/categories" || path == "/wp-json/wp/v2/users") {
        const bool categories = path.ends_with("categories");
        const auto wanted = include_of(query);
        std::string out = "[";
        for (std::int64_t i = 0; i < (categories ? 5 : 3); ++i) {
            const std::int64_t id = categories ? first_category_id + i : i + 1;
            if (!wanted.empty() && !wanted.contains(id))
                continue;
            if (out.size() > 1)
                out += ',';
            out += fmt::format("{{\"id\":{},\"name\":\"{}\"}}", id, categories ? category_names[i] : author_names[i]);
        }
        return json(out + "]");
    }
    if (path == "/robots.txt")
        return TestResponse { .headers = { { "Content-Type", "text/plain" } },
            .body = fmt::format("User-agent: *\nDisallow: /wp-admin/\n{}\nSitemap: {}/sitemap_index.xml\n",
                m_trap == WordPressTrap::robots_closes_api ? "Disallow: /wp-json/\n" : "", base) };
    if (path == "/sitemap_index.xml") {
        std::string entries;
        auto entry = [&](const std::string& name) { entries += fmt::format("<sitemap><loc>{}/{}</loc></sitemap>", base, name); };
        entry("news-sitemap.xml.gz");
        entry("post-sitemap1.xml.gz");
        entry("post-sitemap2.xml.gz");
        entry("category-sitemap.xml");
        if (m_trap == WordPressTrap::sitemap_self_index) {
            entry("sitemap_index.xml");
            entry("news-sitemap.xml.gz");
        }
        return xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">" + entries + "</sitemapindex>");
    }
    const int news = std::min(100, count);
    const int older = count - news;
    auto gz = [](std::string body) { return TestResponse { .headers = { { "Content-Type", "application/x-gzip" } }, .body = gzip(body) }; };
    if (path == "/news-sitemap.xml.gz")
        return gz(sitemap(base, older, count - 1, true));
    if (path == "/post-sitemap1.xml.gz")
        return gz(sitemap(base, 0, older / 2 - 1, false));
    if (path == "/post-sitemap2.xml.gz")
        return gz(sitemap(base, older / 2, older - 1, false));
    if (path == "/category-sitemap.xml") {
        std::string urls;
        for (const char* name : category_names)
            urls += fmt::format("<url><loc>{}/category/{}/</loc></url>", base, name);
        return xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">" + urls + "</urlset>");
    }
    for (const WordPressPost& post : m_posts)
        if (post.path == path)
            return TestResponse { .headers = { { "Content-Type", "text/html; charset=UTF-8" } }, .body = post_page(post) };
    return TestResponse { .status = 404, .headers = { { "Content-Type", "text/html" } }, .body = "<h1>Not found</h1>" };
}

} // namespace feedkeeper::testing

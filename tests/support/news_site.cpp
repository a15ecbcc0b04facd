// tests/support/news_site.cpp — generated feeds and article pages. Threading: pure functions.
#include "tests/support/news_site.hpp"

#include <fmt/format.h>

namespace feedkeeper::testing {
namespace {

std::string prose(int host, int article, int paragraph)
{
    static const char* vocabulary[] = { "parliament", "budget", "harbour", "minister", "river", "election", "village", "council", "railway", "market",
        "winter", "treaty", "museum", "teachers", "farmers", "bridge", "festival", "court", "border", "energy" };
    std::string text;
    for (int i = 0; i < 60; ++i) {
        text += vocabulary[(host * 7 + article * 13 + paragraph * 3 + i * (article + 2)) % 20];
        text += i % 12 == 11 ? ". " : " ";
    }
    return fmt::format("Report {} from host {} says: {}The story continues with {} more details.", article, host, text, paragraph);
}

} // namespace

std::string news_article_page(int host, int article)
{
    std::string body;
    for (int paragraph = 0; paragraph < 5; ++paragraph)
        body += "<p>" + prose(host, article, paragraph) + "</p>\n";
    return fmt::format("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {1} of host {0}</title></head><body>"
                       "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>Story {1} of host {0}</h1>\n{2}</article>"
                       "<footer>Host {0} news</footer></body></html>",
        host, article, body);
}

std::string news_feed(const std::string& base_url, int host, int first, int count)
{
    std::string items;
    for (int article = first; article < first + count; ++article)
        items += fmt::format("<item><title>Story {0} of host {1}</title><link>{2}/a/{0}.html</link><guid>{2}/a/{0}.html</guid>"
                             "<pubDate>Tue, 06 Dec 2022 {3:02}:{4:02}:00 GMT</pubDate></item>",
            article, host, base_url, (article / 60) % 24, article % 60);
    return fmt::format("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Host {}</title><link>{}/</link>{}</channel></rss>", host, base_url, items);
}

std::string news_opml(const std::vector<std::string>& feed_urls)
{
    std::string outlines;
    for (std::size_t i = 0; i < feed_urls.size(); ++i)
        outlines += fmt::format("<outline type=\"rss\" text=\"feed {}\" xmlUrl=\"{}\"/>", i + 1, feed_urls[i]);
    return "<?xml version=\"1.0\"?><opml version=\"2.0\"><body>" + outlines + "</body></opml>";
}

} // namespace feedkeeper::testing

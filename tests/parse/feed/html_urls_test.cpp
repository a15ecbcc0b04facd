// tests/parse/feed/html_urls_test.cpp — relative URLs: xml:base (nested), Content-Location, the
// document URL, links inside HTML content, IRIs.
#include "parse/feed/html_urls.hpp"
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::testing;

TEST(FeedUrls, ResolvesHtmlContentAgainstTheDocumentUrl)
{
    const auto options = options_with("http://127.0.0.1:8097/tests/wellformed/base/http_item_description_base_docuri.xml");
    const FeedDocument feed = parse_fixture("feedparser/wellformed/base/http_item_description_base_docuri.xml", options);
    EXPECT_EQ(feed.entries.at(0).summary, "<a href=\"http://127.0.0.1:8097/relative/uri\">click here</a>");
}

TEST(FeedUrls, ContentLocationIsTheBaseWhenItIsHttp)
{
    const auto options = options_with("http://127.0.0.1:8097/x.xml", { { "Content-Location", "http://example.com/" } });
    const FeedDocument feed = parse_fixture("feedparser/wellformed/base/http_entry_content_base_content_location.xml", options);
    EXPECT_NE(feed.entries.at(0).content.find("href=\"http://example.com/relative/uri\""), std::string::npos);
    const auto unsafe = options_with("http://127.0.0.1:8097/x.xml", { { "Content-Location", "javascript:alert('unsafe');" } });
    EXPECT_EQ(parse_fixture("feedparser/wellformed/http/headers_content_location-unsafe.xml", unsafe).link, "http://127.0.0.1:8097/abs");
}

TEST(FeedUrls, NestedXmlBaseInheritsAndOverrides)
{
    const FeedDocument feed = parse_fixture("feedparser/wellformed/atom10/relative_uri_inherit_2.xml");
    EXPECT_EQ(feed.title, "Example <a href=\"http://example.com/test/test.html\">test</a>");
    const FeedDocument rss = parse_ok(R"(<rss version="2.0" xml:base="http://example.org/feeds/"><channel>
        <item xml:base="sub/"><link>post/1</link><enclosure url="../a.mp3"/></item></channel></rss>)");
    EXPECT_EQ(rss.entries.at(0).link, "http://example.org/feeds/sub/post/1");
    EXPECT_EQ(rss.entries.at(0).enclosures.at(0).url, "http://example.org/feeds/a.mp3");
}

TEST(FeedUrls, KeepsNonAsciiCharactersOfResolvedIris)
{
    const FeedDocument feed = parse_fixture("feedparser/wellformed/base/rel_uri_with_unicode_character.xml");
    EXPECT_EQ(feed.entries.at(0).content, "<a href=\"http://any.test/\xC3\x80\">uri</a>");
}

TEST(FeedUrls, LeavesAbsoluteUrlsAndIdsAsWritten)
{
    EXPECT_EQ(parse::resolve_reference("http://base/", "HTTP://www.EXAMPLE.org/%7ebob"), "HTTP://www.EXAMPLE.org/%7ebob");
    EXPECT_EQ(parse::resolve_reference("http://base/", "mailto:a@b.c"), "mailto:a@b.c");
    EXPECT_EQ(parse::resolve_reference("", "relative"), "relative");
    EXPECT_EQ(parse::resolve_reference("http://a/b/c/d;p?q", " ../g "), "http://a/b/g");
}

TEST(FeedUrls, RewritesOnlyRelativeUrlAttributesInHtml)
{
    const std::string html = "<p><a href='/x?a=1&amp;b=2'>x</a> <img src=\"http://abs/i.png\" alt=\"a<b\">"
                             "<img srcset=\"/s.png, /s2.png 2x\"><span title=\"/not-a-url\">t</span></p>";
    EXPECT_EQ(parse::normalize_html_fragment(html, "https://example.com/feed/"),
        "<p><a href=\"https://example.com/x?a=1&amp;b=2\">x</a> <img src=\"http://abs/i.png\" alt=\"a<b\">"
        "<img srcset=\"https://example.com/s.png, https://example.com/s2.png 2x\"><span title=\"/not-a-url\">t</span></p>");
    EXPECT_EQ(parse::normalize_html_fragment("<b>no links</b>", ""), "<b>no links</b>");
}

TEST(FeedUrls, MakesForeignNamespacesAndBogusDeclarationsExplicitInHtml)
{
    EXPECT_EQ(parse::normalize_html_fragment("<mrow xlink:href=\"http://x/\">a</mrow>", ""),
        "<mrow xlink:href=\"http://x/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">a</mrow>");
    EXPECT_EQ(parse::normalize_html_fragment("&lt;!' <a href=\"foo\">", ""), "&lt;!' <a href=\"foo\">");
    EXPECT_EQ(parse::normalize_html_fragment("<!' <a href=\"foo\">", ""), "&lt;!' <a href=\"foo\">");
    EXPECT_EQ(parse::normalize_html_fragment("<!-- c --><!DOCTYPE html>", ""), "<!-- c --><!DOCTYPE html>");
}

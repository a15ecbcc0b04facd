// tests/crawl/backfill_sources_test.cpp — the backfill's pure readers: feed paging links, WordPress
// paging and REST discovery, robots.txt sitemap lines, sitemaps (caps included), gzip with its cap,
// and which URLs look like articles.
#include "crawl/backfill_sources.hpp"
#include "tests/support/http_server.hpp"

#include <gtest/gtest.h>

namespace feedkeeper::crawl {
namespace {

TEST(BackfillSources, FeedPagingLinksAreReadFromAnRssChannelAndAnAtomFeed)
{
    const std::string rss = R"(<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>x</title>
        <atom:link rel="self" href="https://example.org/feed/"/><atom:link rel="next" href="/feed/?page=2"/>
        <item><title>a</title><atom:link rel="next" href="/not-this"/></item></channel></rss>)";
    EXPECT_EQ(feed_paging_links(rss, "https://example.org/feed/").next, "https://example.org/feed/?page=2");
    const std::string atom = R"(<feed xmlns="http://www.w3.org/2005/Atom"><link rel="prev-archive" href="2019/12.xml"/></feed>)";
    const FeedPagingLinks links = feed_paging_links(atom, "https://example.org/archive/current.xml");
    EXPECT_EQ(links.next, "");
    EXPECT_EQ(links.prev_archive, "https://example.org/archive/2019/12.xml");
    EXPECT_EQ(feed_paging_links("not xml <<<", "https://example.org/").next, "");
}

TEST(BackfillSources, WordPressPagingReplacesAnEarlierPageAndKeepsOtherParameters)
{
    EXPECT_EQ(wordpress_feed_page("https://example.org/feed/", 2), "https://example.org/feed/?paged=2");
    EXPECT_EQ(wordpress_feed_page("https://example.org/?feed=rss2&paged=4", 5), "https://example.org/?feed=rss2&paged=5");
    EXPECT_EQ(wordpress_feed_page("https://example.org/feed/#top", 3), "https://example.org/feed/?paged=3");
}

TEST(BackfillSources, TheRestApiIsFoundInALinkHeaderOrTheHomePage)
{
    EXPECT_EQ(wp_api_root_from_link_header(R"(<https://example.org/wp-json/>; rel="https://api.w.org/", <https://example.org/?p=1>; rel=shortlink)",
                  "https://example.org/"),
        "https://example.org/wp-json/");
    EXPECT_FALSE(wp_api_root_from_link_header(R"(<https://example.org/?p=1>; rel=shortlink)", "https://example.org/"));
    const std::string html = R"(<html><head><link rel='https://api.w.org/' href='/wp-json/' /></head><body></body></html>)";
    EXPECT_EQ(wp_api_root_from_html(html, "text/html; charset=UTF-8", "https://example.org/"), "https://example.org/wp-json/");
    EXPECT_EQ(wp_endpoint("https://example.org/wp-json/", "wp/v2/posts", "page=2"), "https://example.org/wp-json/wp/v2/posts?page=2");
    EXPECT_EQ(wp_endpoint("https://example.org/?rest_route=/", "wp/v2/posts", "page=2"), "https://example.org/?rest_route=/wp/v2/posts&page=2");
}

TEST(BackfillSources, PostsAreReadWithTheirDatesAndAPageIsCapped)
{
    const std::string json = R"([{"id":7,"date_gmt":"2023-05-01T08:30:00","link":"https:\/\/example.org\/2023\/05\/a-b-c\/","guid":{"rendered":"https:\/\/example.org\/?p=7"},
        "title":{"rendered":"Council&#8217;s budget"},"content":{"rendered":"<p>Text<\/p>"},"author":2,"categories":[3,4]},
        {"id":8,"link":"https:\/\/example.org\/b\/"},{"id":9,"link":""}])";
    auto posts = parse_wp_posts(json, 100);
    ASSERT_TRUE(posts);
    ASSERT_EQ(posts->size(), 2u) << "a post without a link is no item";
    EXPECT_EQ((*posts)[0].title, "Council\u2019s budget");
    EXPECT_EQ(format_rfc3339(*(*posts)[0].published), "2023-05-01T08:30:00Z");
    EXPECT_EQ((*posts)[0].categories, (std::vector<std::int64_t> { 3, 4 }));
    EXPECT_EQ(parse_wp_posts(json, 1)->size(), 1u);
    EXPECT_FALSE(parse_wp_posts(R"({"code":"rest_no_route"})", 100));
    auto names = parse_wp_names(R"([{"id":3,"name":"Politics &amp; Law"}])");
    ASSERT_TRUE(names);
    EXPECT_EQ(names->at(3), "Politics & Law");
}

TEST(BackfillSources, RobotsSitemapLinesInAnyCaseAreTakenOnceAndCapped)
{
    const std::string robots = "User-agent: *\nDisallow: /wp-admin/\nSITEMAP: /sitemap_index.xml # main\nsitemap:https://example.org/news.xml\n"
                               "Sitemap: https://example.org/news.xml\nSitemap: ftp://example.org/x.xml\n";
    EXPECT_EQ(robots_sitemaps(robots, "https://example.org/robots.txt", 10),
        (std::vector<std::string> { "https://example.org/sitemap_index.xml", "https://example.org/news.xml" }));
    EXPECT_EQ(robots_sitemaps(robots, "https://example.org/robots.txt", 1).size(), 1u);
}

TEST(BackfillSources, SitemapsIndexesAndNewsDatesAreReadAndTheEntryCapHolds)
{
    const std::string news = R"(<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>https://example.org/2024/01/a-b-c/</loc><lastmod>2024-02-01</lastmod><news:news><news:publication_date>2024-01-05T10:00:00+01:00</news:publication_date>
        <news:title>A</news:title></news:news></url><url><loc>/2024/01/d-e-f/</loc><lastmod>2024-01-06</lastmod></url><url><loc>https://example.org/x/</loc></url></urlset>)";
    auto sitemap = parse_sitemap(news, "https://example.org/news-sitemap.xml", 2);
    ASSERT_TRUE(sitemap);
    EXPECT_FALSE(sitemap->index);
    EXPECT_TRUE(sitemap->truncated);
    ASSERT_EQ(sitemap->urls.size(), 2u);
    EXPECT_EQ(format_rfc3339(*sitemap->urls[0].published), "2024-01-05T09:00:00Z") << "the news date, not lastmod";
    EXPECT_EQ(sitemap->urls[0].title, "A");
    EXPECT_EQ(sitemap->urls[1].loc, "https://example.org/2024/01/d-e-f/");
    auto index = parse_sitemap(R"(<sitemapindex><sitemap><loc>https://example.org/a.xml.gz</loc></sitemap></sitemapindex>)", "https://example.org/i.xml", 10);
    ASSERT_TRUE(index);
    EXPECT_TRUE(index->index);
    EXPECT_EQ(index->sitemaps, (std::vector<std::string> { "https://example.org/a.xml.gz" }));
    EXPECT_FALSE(parse_sitemap("<html><body>Not found</body></html>", "https://example.org/s.xml", 10));
}

TEST(BackfillSources, GzipIsInflatedUpToItsCapAndABombIsRefused)
{
    const std::string text(200'000, 'x');
    const std::string packed = feedkeeper::testing::gzip(text);
    EXPECT_TRUE(looks_gzipped(packed));
    EXPECT_FALSE(looks_gzipped(text));
    auto inflated = gunzip(packed, 1024 * 1024);
    ASSERT_TRUE(inflated);
    EXPECT_EQ(*inflated, text);
    auto bomb = gunzip(packed, 100'000);
    ASSERT_FALSE(bomb);
    EXPECT_EQ(bomb.error().code, Errc::too_large);
    EXPECT_FALSE(gunzip(packed.substr(0, packed.size() / 2), 1024 * 1024)) << "a cut stream";
}

TEST(BackfillSources, ArticleLookingUrlsScoreAboveListings)
{
    EXPECT_LT(article_score("https://example.org/"), 0);
    EXPECT_LT(article_score("https://example.org/category/politics/"), 0);
    EXPECT_LT(article_score("https://example.org/tag/energy/"), 0);
    EXPECT_LT(article_score("https://example.org/author/ani/"), 0);
    EXPECT_LT(article_score("https://example.org/page/3/"), 0);
    EXPECT_GT(article_score("https://example.org/2024/01/armenia-and-azerbaijan-talks/"), article_score("https://example.org/about/"));
    EXPECT_GE(article_score("https://example.org/news/a-long-article-slug"), 2);
    EXPECT_TRUE(is_listing_sitemap("https://example.org/wp-sitemap-taxonomies-category-1.xml"));
    EXPECT_TRUE(is_listing_sitemap("https://example.org/author-sitemap.xml"));
    EXPECT_FALSE(is_listing_sitemap("https://example.org/post-sitemap2.xml.gz"));
}

} // namespace
} // namespace feedkeeper::crawl

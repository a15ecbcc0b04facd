// tests/core/url_test.cpp — RFC 3986 resolution and identity normalisation.
#include "core/url.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;

TEST(Url, ResolvesRelativeReferencesPerRfc3986)
{
    EXPECT_EQ(resolve_url("http://a/b/c/d;p?q", "../g"), "http://a/b/g");
    EXPECT_EQ(resolve_url("http://a/b/c/d;p?q", "//g/x"), "http://g/x");
    EXPECT_EQ(resolve_url("http://example.com/feed/", "/news/1.html"), "http://example.com/news/1.html");
    EXPECT_EQ(resolve_url("", "https://example.org/x"), "https://example.org/x");
    EXPECT_EQ(resolve_url("", "relative/only"), std::nullopt);
}

TEST(Url, ResolvesTheNormalExamplesOfRfc3986)
{
    // RFC 3986 section 5.4.1, all but "g:h": libcurl parses no scheme without "//", and we say so.
    const std::string base = "http://a/b/c/d;p?q";
    const std::pair<const char*, const char*> examples[] = {
        { "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" }, { "/g", "http://a/g" },
        { "//g", "http://g/" }, // "http://g" in the RFC; libcurl writes the empty path as "/" (6.2.3)
        { "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" }, { "#s", "http://a/b/c/d;p?q#s" },
        { "g#s", "http://a/b/c/g#s" }, { "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
        { "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" }, { "", "http://a/b/c/d;p?q" },
        { ".", "http://a/b/c/" }, { "./", "http://a/b/c/" }, { "..", "http://a/b/" }, { "../", "http://a/b/" },
        { "../g", "http://a/b/g" }, { "../..", "http://a/" }, { "../../", "http://a/" }, { "../../g", "http://a/g" },
    };
    for (const auto& [reference, expected] : examples)
        EXPECT_EQ(resolve_url(base, reference), std::string(expected)) << "reference \"" << reference << '"';
    EXPECT_EQ(resolve_url(base, "g:h"), std::nullopt);
}

TEST(Url, EmptyAndFragmentOnlyReferencesKeepTheWholeBase)
{
    EXPECT_EQ(resolve_url("http://a/b/c/d;p?q#f", ""), "http://a/b/c/d;p?q");
    EXPECT_EQ(resolve_url("http://a/b/c/d;p?q#f", "  "), "http://a/b/c/d;p?q");
    EXPECT_EQ(resolve_url("http://a/b/c/d;p?q#f", "#s"), "http://a/b/c/d;p?q#s");
    // Encoded as in any other reference: what must be, and only that.
    EXPECT_EQ(resolve_url("https://example.com/a?b", "#fn 1"), "https://example.com/a?b#fn%201");
    EXPECT_EQ(resolve_url("https://example.com/a?b", "#x%20y\xC3\xA9"), "https://example.com/a?b#x%20y%c3%a9");
    EXPECT_EQ(resolve_url("https://example.com/a?b", "#fn%201"), resolve_url("https://example.com/a?b", "a?b#fn%201"));
    EXPECT_EQ(resolve_url("", "#s"), std::nullopt);
}

TEST(Url, NormalizationDropsFragmentTrackersAndDefaultPort)
{
    EXPECT_EQ(normalize_url("HTTPS://Example.COM:443/a?utm_source=x&id=7&fbclid=abc#top"), "https://example.com/a?id=7");
    EXPECT_EQ(normalize_url("http://example.com:8080/a"), "http://example.com:8080/a");
}

TEST(Url, SameOriginMeansSchemeHostAndPortWithTheHttpsUpgradeAllowed)
{
    EXPECT_TRUE(same_origin_or_https_upgrade("http://Feed.Example/rss", "http://feed.example:80/a?b"));
    EXPECT_TRUE(same_origin_or_https_upgrade("http://feed.example/rss", "https://feed.example/rss"));
    EXPECT_FALSE(same_origin_or_https_upgrade("https://feed.example/rss", "http://feed.example/rss")) << "a downgrade";
    EXPECT_FALSE(same_origin_or_https_upgrade("http://localhost:3000/", "http://localhost:6379/")) << "another service";
    EXPECT_FALSE(same_origin_or_https_upgrade("http://feed.example:8080/", "https://feed.example/"));
    EXPECT_FALSE(same_origin_or_https_upgrade("http://feed.example/", "http://other.example/"));
    EXPECT_FALSE(same_origin_or_https_upgrade("relative/path", "relative/path"));
}

TEST(Url, SplitsHostSchemeAndPort)
{
    EXPECT_EQ(url_host("http://127.0.0.1:8080/x"), "127.0.0.1");
    EXPECT_EQ(url_port("https://example.com/"), 443);
    EXPECT_TRUE(is_http_url("https://example.com/"));
    EXPECT_FALSE(is_http_url("ftp://example.com/"));
}

TEST(Url, SameSiteMeansOneHostWithOrWithoutWww)
{
    EXPECT_TRUE(same_site("https://www.News.example/2012/a", "http://news.example/"));
    EXPECT_TRUE(same_site("http://news.example/a", "http://news.example:8080/b")) << "the host, not the origin";
    EXPECT_FALSE(same_site("http://news.example/a", "http://blog.news.example/a"));
    EXPECT_FALSE(same_site("http://news.example/a", "http://news.example.org/a"));
    EXPECT_FALSE(same_site("relative/path", "relative/path")) << "no host, no site";
    EXPECT_FALSE(same_site("", ""));
}

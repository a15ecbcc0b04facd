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

TEST(Url, NormalizationDropsFragmentTrackersAndDefaultPort)
{
    EXPECT_EQ(normalize_url("HTTPS://Example.COM:443/a?utm_source=x&id=7&fbclid=abc#top"), "https://example.com/a?id=7");
    EXPECT_EQ(normalize_url("http://example.com:8080/a"), "http://example.com:8080/a");
}

TEST(Url, SplitsHostSchemeAndPort)
{
    EXPECT_EQ(url_host("http://127.0.0.1:8080/x"), "127.0.0.1");
    EXPECT_EQ(url_port("https://example.com/"), 443);
    EXPECT_TRUE(is_http_url("https://example.com/"));
    EXPECT_FALSE(is_http_url("ftp://example.com/"));
}

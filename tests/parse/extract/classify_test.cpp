// tests/parse/extract/classify_test.cpp — page status: consent walls, paywalls, error pages,
// non-articles, and an article with a cookie banner that stays an article.
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

TEST(Extract, ClassifiesConsentWallAndKeepsItsTextOutOfTheBody)
{
    const std::string html = "<html><head><title>Before you continue</title></head><body><div class=\"wrapper\">"
        "<h1>We value your privacy</h1><p>We and our partners use cookies and similar technologies to store and access "
        "personal data on your device, such as your browsing behaviour and unique identifiers, for personalised ads and "
        "content, measurement and audience insights.</p><p>You can accept all, reject all or manage your preferences "
        "at any time in the privacy settings. Some partners rely on legitimate interest.</p>"
        "<button>Accept all</button><button>Reject all</button></div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::consent_wall);
    EXPECT_TRUE(page.body.empty());
    EXPECT_TRUE(page.body_html.empty());
}

TEST(Extract, ClassifiesGermanConsentWall)
{
    const std::string html = "<html lang=\"de\"><body><div id=\"cmp-overlay\" class=\"consent\"><p>Wir und unsere "
        "Partner verwenden Cookies und verarbeiten personenbezogene Daten, um Inhalte zu personalisieren. Mit Klick auf "
        "Zustimmen willigen Sie ein; in den Einstellungen können Sie Ihre Einwilligung jederzeit widerrufen.</p>"
        "<a href=\"#\">Zustimmen</a> <a href=\"#\">Einstellungen</a></div></body></html>";
    EXPECT_EQ(extract(html).status, PageStatus::consent_wall);
}

TEST(Extract, TheRetryWithoutNamesFindsTheArticleBehindAConsentLayerButNeverTheLayer)
{
    // A consent dialog open over the page sets aria-hidden on everything behind it. Pruning by name
    // and visibility leaves nothing, so extraction retries without names: the article behind is
    // found, and the consent layer still goes.
    std::string layer = "<div id=\"cmp-overlay\" class=\"consent-layer\"><h2>We value your privacy</h2>";
    for (int i = 0; i < 8; ++i)
        layer += "<p>We and our " + std::to_string(10 + i) + " partners use cookies and similar technologies to store and "
            "access personal data on your device, for personalised ads and content, measurement and audience insights, "
            "and some of them rely on legitimate interest.</p>";
    layer += "<button>Accept all</button><button>Reject all</button></div>";
    const ExtractedPage page = extract("<html><body><div class=\"page\" aria-hidden=\"true\"><nav><a href=\"/\">Home</a>"
        "</nav><div class=\"story\"><p>" + prose(1) + "</p><p>" + prose(2) + "</p><p>" + prose(3) + "</p></div></div>"
        + layer + "</body></html>");
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3));
}

TEST(Extract, ArticleWithCookieBannerStaysAnArticle)
{
    const std::string html = "<html><body><article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p><p>" + prose(3) + "</p></div></article><div id=\"cookie-notice\"><span>We use cookies to improve our "
        "service. You can accept or reject them in the settings.</span><a href=\"#\">Accept</a></div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3));
}

TEST(Extract, ClassifiesPaywallAndKeepsTheTeaser)
{
    const std::string html = "<html><head><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
        "\"@type\":\"NewsArticle\",\"headline\":\"Bridge costs\",\"isAccessibleForFree\":\"False\"}</script></head><body>"
        "<article><div class=\"article-body\"><p>" + prose(1) + "</p></div><div class=\"paywall-prompt\"><p>Subscribe "
        "now to continue reading. Already a subscriber? Log in.</p></div></article></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::paywall);
    EXPECT_EQ(page.body, prose(1));
}

TEST(Extract, ClassifiesErrorPage)
{
    const std::string html = "<html><head><title>Page not found – The Valley Times</title></head><body><h1>404: Page "
        "not found</h1><p>Sorry, the page you were looking for does not exist or has been moved. Try the search or go "
        "back to the home page.</p></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::error_page);
    EXPECT_TRUE(page.body.empty());
}

TEST(Extract, ClassifiesNavigationOnlyPageAsNotArticle)
{
    std::string links;
    for (int i = 0; i < 30; ++i)
        links += "<li><a href=\"/s/" + std::to_string(i) + "\">Section number " + std::to_string(i) + "</a></li>";
    const ExtractedPage page = extract("<html><body><ul>" + links + "</ul></body></html>");
    EXPECT_EQ(page.status, PageStatus::not_article);
    EXPECT_TRUE(page.body.empty());
}

TEST(Extract, ClassifiesEmptyInputAsNotArticle)
{
    EXPECT_EQ(extract("").status, PageStatus::not_article);
    EXPECT_EQ(extract("<html><body></body></html>").status, PageStatus::not_article);
}

TEST(Extract, RefusesInputOverTheByteCap)
{
    parse::ExtractOptions options;
    options.limits.max_input_bytes = 100;
    const auto page = parse::extract_page(std::string(200, 'x'), options);
    ASSERT_FALSE(page.has_value());
    EXPECT_EQ(page.error().code, Errc::too_large);
}

TEST(Extract, ShortArticleWithCookieNoticeInItsColumnStaysAnArticle)
{
    const std::string html = "<html><body><div class=\"column\"><p>" + prose(1, 2) + "</p><p>" + prose(2, 2)
        + "</p><p>We use cookies and process personal data with our partners. Accept or manage your settings.</p>"
          "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1, 2)));
}

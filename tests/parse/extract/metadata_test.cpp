// tests/parse/extract/metadata_test.cpp — metadata sources: JSON-LD, Open Graph / article meta,
// <time>, bylines, URL dates, title suffixes, language, categories; and the date reader itself.
#include "test_support.hpp"

#include "parse/extract/json_ld.hpp"
#include "parse/extract/metadata.hpp"
#include "parse/extract/page_dates.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

std::string with_head(const std::string& head, const std::string& body = "")
{
    return "<html><head>" + head + "</head><body>" + body + "<div class=\"text\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p></div></body></html>";
}

} // namespace

TEST(Extract, ReadsMetadataFromJsonLd)
{
    const ExtractedPage page = extract(with_head("<script type=\"application/ld+json\">[{\"@type\":\"WebSite\","
        "\"name\":\"Valley\"},{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"NewsArticle\",\"headline\":"
        "\"Bridge &amp; tunnel\",\"datePublished\":\"2022-12-06T10:14:00+01:00\",\"dateModified\":\"2022-12-07\","
        "\"author\":[{\"@type\":\"Person\",\"name\":\"Anna Berg\"},{\"@type\":\"Person\",\"name\":\"Ivan Petrov\"}],"
        "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Valley Times\"},\"articleSection\":[\"Local\",\"Politics\"],"
        "\"image\":{\"@type\":\"ImageObject\",\"url\":\"https://valley.example/bridge.jpg\"}}]}]</script>"));
    EXPECT_EQ(page.title, "Bridge & tunnel");
    EXPECT_EQ(page.author, "Anna Berg, Ivan Petrov");
    EXPECT_EQ(format_rfc3339(page.published), "2022-12-06T09:14:00Z");
    EXPECT_EQ(format_rfc3339(page.modified), "2022-12-07T00:00:00Z");
    EXPECT_EQ(page.site_name, "Valley Times");
    EXPECT_EQ(page.categories, (std::vector<std::string> { "Local", "Politics" }));
    EXPECT_EQ(page.lead_image, "https://valley.example/bridge.jpg");
}

TEST(Extract, ReadsMetadataFromMetaTagsAndStripsSiteNameFromTitle)
{
    parse::ExtractOptions options;
    options.url = "https://valley.example/news/bridge";
    const ExtractedPage page = extract(with_head(
        "<title>Bridge plan delayed again | Valley Times</title>"
        "<meta property=\"og:site_name\" content=\"Valley Times\">"
        "<meta name=\"author\" content=\"By Anna Berg\">"
        "<meta property=\"article:published_time\" content=\"2022-12-06T09:14:00Z\">"
        "<meta property=\"article:modified_time\" content=\"Tue, 06 Dec 2022 11:00:00 GMT\">"
        "<meta property=\"article:section\" content=\"Local\">"
        "<meta property=\"og:image\" content=\"/img/bridge.jpg\">"
        "<link rel=\"canonical\" href=\"/news/bridge-plan\">"), options);
    EXPECT_EQ(page.title, "Bridge plan delayed again");
    EXPECT_EQ(page.author, "Anna Berg");
    EXPECT_EQ(format_rfc3339(page.published), "2022-12-06T09:14:00Z");
    EXPECT_EQ(format_rfc3339(page.modified), "2022-12-06T11:00:00Z");
    EXPECT_EQ(page.categories, (std::vector<std::string> { "Local" }));
    EXPECT_EQ(page.canonical_url, "https://valley.example/news/bridge-plan");
    EXPECT_EQ(page.lead_image, "https://valley.example/img/bridge.jpg");
}

TEST(Extract, ReadsDateFromTimeElementAndAuthorFromByline)
{
    const ExtractedPage page = extract(with_head("<title>x</title>",
        "<div class=\"byline\">von <span class=\"author vcard\"><a class=\"url fn n\" href=\"/a\">Tamar Beridze</a></span>"
        "</div><time class=\"entry-date published\" datetime=\"2022-12-05T16:40:00+00:00\">05.12.2022</time>"));
    EXPECT_EQ(page.author, "Tamar Beridze");
    EXPECT_EQ(format_rfc3339(page.published), "2022-12-05T16:40:00Z");
}

TEST(Extract, FallsBackToTheDateInTheUrl)
{
    parse::ExtractOptions options;
    options.url = "https://valley.example/2021/03/09/bridge-plan/";
    EXPECT_EQ(format_rfc3339(extract(with_head("<title>x</title>"), options).published), "2021-03-09T00:00:00Z");
}

TEST(Extract, TakesLanguageFromHtmlThenHeaderThenText)
{
    EXPECT_EQ(extract("<html lang=\"de-DE\"><body><p>" + prose(1) + "</p></body></html>").language, "de");
    parse::ExtractOptions options;
    options.headers = { { "Content-Language", "ru-RU, en" } };
    EXPECT_EQ(extract("<html><body><p>" + prose(1) + "</p></body></html>", options).language, "ru");
    const std::string german = "Der Rat der Stadt hat am Dienstag beschlossen, dass die Brücke nicht vor dem Jahr 2030 "
                               "gebaut wird, und die Bürger sind mit dieser Entscheidung nicht zufrieden, weil sie schon "
                               "seit Jahren auf eine Lösung für den Verkehr im Tal warten.";
    EXPECT_EQ(extract("<html><body><p>" + german + "</p><p>" + german + "</p></body></html>").language, "de");
}

TEST(Extract, TakesCategoriesFromCategoryAndTagLinks)
{
    const ExtractedPage page = extract(with_head("<title>x</title>",
        "<span class=\"cat-links\"><a href=\"/c/n\" rel=\"category tag\">Nachricht</a>, <a href=\"/c/p\" "
        "rel=\"category tag\">Politik</a></span><a href=\"/t/g\" rel=\"tag\">Georgien</a><a href=\"/t/n\" rel=\"tag\">"
        "Nachricht</a>"));
    EXPECT_EQ(page.categories, (std::vector<std::string> { "Nachricht", "Politik", "Georgien" }));
}

TEST(JsonLd, SurvivesBrokenAndHostileScripts)
{
    const std::string deep(100'000, '[');
    const auto facts = parse::read_json_ld({ "{not json", deep, "{\"@type\":\"Article\",\"headline\":\"Line\nbreak\","
                                                                "\"isAccessibleForFree\":false}" });
    EXPECT_TRUE(facts.article);
    EXPECT_EQ(facts.headline, "Line break"); // a raw newline inside a string is tolerated
    EXPECT_EQ(facts.accessible_for_free, false);
}

TEST(HtmlDates, ReadsTheFormatsPagesUse)
{
    const auto rfc = [](std::string_view text) { return format_rfc3339(parse::parse_html_date(text)); };
    EXPECT_EQ(rfc("2022-12-06T09:14:00+00:00"), "2022-12-06T09:14:00Z");
    EXPECT_EQ(rfc("2022-12-06T10:14:00.123+0100"), "2022-12-06T09:14:00Z");
    EXPECT_EQ(rfc("2022-12-06 09:14"), "2022-12-06T09:14:00Z");
    EXPECT_EQ(rfc("2022-12-06"), "2022-12-06T00:00:00Z");
    EXPECT_EQ(rfc("Tue, 06 Dec 2022 09:14:00 GMT"), "2022-12-06T09:14:00Z");
    EXPECT_EQ(rfc("December 6, 2022 4:14 AM EST"), "2022-12-06T09:14:00Z");
    EXPECT_EQ(rfc("6 December 2022"), "2022-12-06T00:00:00Z");
    EXPECT_EQ(rfc("2022-02-30"), "");
    EXPECT_EQ(rfc("yesterday"), "");
    EXPECT_EQ(format_rfc3339(parse::date_from_url("https://x.example/news/20221206/story")), "2022-12-06T00:00:00Z");
    EXPECT_FALSE(parse::date_from_url("https://x.example/2022/13/06/story"));
}

TEST(HtmlDates, ReadsEveryDateTheFeedReaderReads)
{
    // One grammar for feeds and pages: the extractor once had its own reader, which lost these.
    for (const char* text : { "Fri, 31 Mar 2023 20:19:00 MESZ", "5. Januar 2006", "Sun Jan  4 16:29:06 2004",
             "01:38:07 PM IST Nov 20, 2019", "Thu Aug 30 2012 17:26:16 +0200", "2003-335", "20221206T091400Z" }) {
        SCOPED_TRACE(text);
        ASSERT_TRUE(parse::parse_feed_date(text));
        EXPECT_EQ(parse::parse_html_date(text), parse::parse_feed_date(text));
    }
    EXPECT_EQ(format_rfc3339(parse::parse_html_date("01:38:07 PM IST Nov 20, 2019")), "2019-11-20T08:08:07Z");
}

TEST(HtmlDates, RefusesPlaceholderYears)
{
    EXPECT_FALSE(parse::parse_html_date("0001-01-01T00:00:00Z")); // Go's zero time.Time
    EXPECT_FALSE(parse::parse_html_date("9999-12-31"));
    EXPECT_TRUE(parse::parse_feed_date("0001-01-01T00:00:00Z")); // a feed may say so; a page's metadata does not mean it
}

TEST(Extract, ReadsIanaZonesInPageDatesWithTheCallersZoneDatabase)
{
    const parse::ZoneOffsetLookup lookup = [](std::string_view zone, Timestamp) -> std::optional<std::chrono::seconds> {
        if (zone == "America/Los_Angeles")
            return std::chrono::hours(-7);
        return std::nullopt;
    };
    const std::string html = with_head("<meta property=\"article:published_time\" content=\"Fri, 31 Mar 2023 20:19:00 America/Los_Angeles\">");
    parse::ExtractOptions options;
    options.dates.zones = &lookup;
    EXPECT_EQ(format_rfc3339(extract(html, options).published), "2023-04-01T03:19:00Z");
    EXPECT_EQ(format_rfc3339(extract(html).published), "2023-03-31T20:19:00Z"); // without a database: as UTC
}

TEST(Metadata, StripsSiteNameOnEitherSide)
{
    EXPECT_EQ(parse::strip_site_name("Bridge plan delayed – Valley Times", "Valley Times"), "Bridge plan delayed");
    EXPECT_EQ(parse::strip_site_name("Valley Times | Bridge plan delayed", "Valley Times"), "Bridge plan delayed");
    EXPECT_EQ(parse::strip_site_name("Bridge plan delayed again - VT", ""), "Bridge plan delayed again");
    EXPECT_EQ(parse::strip_site_name("Left - right", "Valley Times"), "Left - right");
}

TEST(Metadata, ATitlePartThePageShowsAsAHeadingIsTheHeadline)
{
    // The tail is the site's long tagline, too long to be taken for a site name by its length.
    const std::string tagline = "<title>Paper leaves for crafting - Things to make and do, crafts and activities for kids</title>";
    EXPECT_EQ(extract(with_head(tagline, "<h2>Things to make and do</h2><h3>Paper leaves for crafting</h3>")).title, "Paper leaves for crafting");
    EXPECT_EQ(extract(with_head(tagline, "<h2>Paper Leaves For Crafting </h2>")).title, "Paper leaves for crafting") << "in any case";
    EXPECT_EQ(extract(with_head(tagline)).title, "Paper leaves for crafting - Things to make and do, crafts and activities for kids")
        << "no heading confirms a part";
    EXPECT_EQ(extract(with_head("<title>News | Bridge plan delayed again</title>", "<h2>News</h2>")).title, "News | Bridge plan delayed again")
        << "a one-word part is a section's name, not a headline";
    EXPECT_EQ(extract(with_head("<title>Left - right</title>", "<h1>Left - right</h1><h2>Left side</h2>")).title, "Left - right")
        << "a title the page shows whole is kept whole";
}

TEST(Metadata, ALogoHeadingThatLinksHomeIsNotTheHeadline)
{
    const std::string title = "<title>Study Notes &raquo; Blog Archive &raquo; My new project</title>";
    // The blog's name is the page's first h1, a link to the front page; the post's heading is an h2.
    EXPECT_EQ(extract(with_head(title, "<h1><a href=\"/\">Study Notes</a></h1><h2><a href=\"/2012/11/my-new-project/\">My new project</a></h2>")).title,
        "My new project");
    // The blog lives under /blog; the canonical address says the page is below it.
    EXPECT_EQ(extract(with_head(title + "<link rel=\"canonical\" href=\"http://notes.example/blog/2012/11/my-new-project/\">",
                          "<h1><a href=\"http://notes.example/blog\">Study Notes</a></h1><h2>My new project</h2>"))
                  .title,
        "My new project");
    // A headline that links to the article itself is the headline.
    EXPECT_EQ(extract(with_head("<title>Bridge plan delayed</title><link rel=\"canonical\" href=\"http://notes.example/2012/bridge/\">",
                          "<h1><a href=\"http://notes.example/2012/bridge/\">Bridge plan delayed</a></h1>"))
                  .title,
        "Bridge plan delayed");
}

TEST(Extract, TakesCategoriesFromArticleTagsWhenThereAreNoLinks)
{
    const ExtractedPage page = extract(with_head("<meta property=\"article:section\" content=\"Local politics\">"
                                                 "<meta property=\"article:tag\" content=\"bridge, council,valley\">"));
    EXPECT_EQ(page.categories, (std::vector<std::string> { "Local politics", "bridge", "council", "valley" }));
}

TEST(Extract, TakesLeadImageBesideTheTextWhenNoMetaNamesOne)
{
    parse::ExtractOptions options;
    options.url = "https://valley.example/news/bridge";
    const ExtractedPage page = extract("<html><body><header><img src=\"/logo.png\"></header><article>"
        "<div class=\"thumb\"><img src=\"\"><img src=\" \"><img src=\"/img/lead.jpg\"></div><div class=\"entry-content\"><p>" + prose(1) + "</p><p>"
        + prose(2) + "</p></div></article></body></html>", options);
    EXPECT_EQ(page.lead_image, "https://valley.example/img/lead.jpg");
}

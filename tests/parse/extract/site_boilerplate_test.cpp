// tests/parse/extract/site_boilerplate_test.cpp — site-level boilerplate: fingerprints, the template rule, and
// extract_page with a learned SiteProfile, both ways (template text goes, repeated article text stays).
#include "test_support.hpp"

#include "parse/extract/site_boilerplate.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

const std::string appeal = "Independent reporting from the valley depends on readers like you, and every contribution "
                           "helps us to keep our reporters in the field for another year.";

std::string article_page(int first, const std::string& tail)
{
    return "<html><body><div class=\"column\"><p>" + prose(first) + "</p><p>" + prose(first + 1) + "</p><p>"
        + prose(first + 2) + "</p><p>" + tail + "</p></div></body></html>";
}

// What the crawler would have learned: each fingerprint of each page counted once per page.
SiteProfile learn(const std::vector<std::string>& pages)
{
    SiteProfile profile;
    profile.host = "valley-times.example";
    for (const std::string& html : pages) {
        const ExtractedPage page = extract(html);
        ++profile.pages;
        for (std::uint64_t fingerprint : page.block_fingerprints)
            ++profile.block_pages[fingerprint];
    }
    return profile;
}

} // namespace

TEST(SiteBoilerplate, FingerprintIgnoresCaseSpacingPunctuationAndNumbers)
{
    EXPECT_EQ(parse::block_fingerprint("Support us! (c) 2022 The Valley Times"),
        parse::block_fingerprint("  support US  (c) 2023 the valley   times."));
    EXPECT_NE(parse::block_fingerprint("Support us today, dear readers"), parse::block_fingerprint("Support them today, dear readers"));
    EXPECT_EQ(parse::block_fingerprint("Hi!"), 0u); // too short to judge
}

TEST(SiteBoilerplate, RuleNeedsEnoughPagesAndAShareOfThem)
{
    SiteProfile site;
    site.pages = 10;
    site.block_pages = { { 1, 9 }, { 2, 2 }, { 3, 3 } };
    EXPECT_TRUE(parse::is_site_template(1, site));
    EXPECT_FALSE(parse::is_site_template(2, site)); // 2 pages: below the minimum
    EXPECT_TRUE(parse::is_site_template(3, site));  // 3 of 10 pages: enough
    site.pages = 100;
    EXPECT_FALSE(parse::is_site_template(3, site)); // 3 of 100 pages: a quote reused, not a template
    site.pages = 3;
    EXPECT_FALSE(parse::is_site_template(1, site)); // too few pages of this host seen yet
}

TEST(SiteBoilerplate, DropsEdgeRunsAndNoticesButNeverHalfTheBody)
{
    using parse::BodyBlock;
    // Template at both edges and a notice-like one in the middle: all three go.
    std::vector<BodyBlock> body = { { 100, true, false }, { 500, false, false }, { 50, true, true }, { 500, false, false },
        { 80, true, false } };
    EXPECT_EQ(parse::site_template_drops(body), (std::vector<bool> { true, false, true, false, true }));
    // A recurring paragraph in the middle that does not look like a notice stays.
    body = { { 500, false, false }, { 400, true, false }, { 500, false, false } };
    EXPECT_EQ(parse::site_template_drops(body), (std::vector<bool> { false, false, false }));
    // A page whose every block recurs (the same article under two URLs) keeps its body.
    body = { { 500, true, false }, { 400, true, false }, { 500, true, false } };
    EXPECT_EQ(parse::site_template_drops(body), (std::vector<bool> { false, false, false }));
}

TEST(Extract, DropsBlockRepeatedAcrossHostPages)
{
    std::vector<std::string> pages;
    for (int i = 0; i < 6; ++i)
        pages.push_back(article_page(10 * i, appeal));
    const SiteProfile site = learn(pages);
    const std::string html = article_page(100, appeal);
    EXPECT_TRUE(contains(extract(html).body, appeal)); // one page alone cannot tell: the appeal reads like prose
    parse::ExtractOptions options;
    options.site = &site;
    const ExtractedPage page = extract(html, options);
    EXPECT_EQ(page.body, prose(100) + "\n\n" + prose(101) + "\n\n" + prose(102));
}

TEST(Extract, KeepsRepeatedGenuineArticleText)
{
    // A background paragraph reused by a few articles of a series, inside the body: not template.
    const std::string background = "The bridge was first proposed in 1998, when the old ferry stopped running, and has "
                                   "been debated by every council since, without a decision on its cost.";
    std::vector<std::string> pages;
    for (int i = 0; i < 12; ++i) {
        const std::string middle = i < 3 ? background : prose(500 + i);
        pages.push_back("<html><body><div class=\"column\"><p>" + prose(10 * i) + "</p><p>" + middle + "</p><p>"
            + prose(10 * i + 1) + "</p></div></body></html>");
    }
    const SiteProfile site = learn(pages);
    parse::ExtractOptions options;
    options.site = &site;
    const std::string html = "<html><body><div class=\"column\"><p>" + prose(900) + "</p><p>" + background + "</p><p>"
        + prose(901) + "</p></div></body></html>";
    EXPECT_TRUE(contains(extract(html, options).body, background));
    // And a page seen before in full (re-crawled) keeps its whole body.
    const ExtractedPage again = extract(pages[5], options);
    EXPECT_EQ(again.body, extract(pages[5]).body);
}

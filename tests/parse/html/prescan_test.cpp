// tests/parse/html/prescan_test.cpp — the pre-Gumbo pass: stripping, JSON-LD capture,
// canonical tags, escaped stray '<', and the depth, formatting and node caps (with timing bounds).
#include "../extract/test_support.hpp"

#include "parse/html/document.hpp"
#include "parse/html/prescan.hpp"

#include <chrono>
#include <ctime>

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

std::uint32_t max_depth(const parse::HtmlDocument& document)
{
    std::uint32_t depth = 0;
    for (const parse::DomNode& node : document.nodes())
        depth = std::max(depth, node.depth);
    return depth;
}

// One second in an optimised build; sanitizer and -O0 builds run the same work many times slower.
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
constexpr double time_budget = 10.0;
#else
constexpr double time_budget = 1.0;
#endif

// The CPU time this thread spends extracting (extraction is single-threaded): what other tests
// running beside it on a busy machine take does not count against the budget, as wall time would.
double thread_seconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double seconds_to_extract(const std::string& html)
{
    const double start = thread_seconds();
    (void)parse::extract_page(html);
    return thread_seconds() - start;
}

} // namespace

TEST(Prescan, StripsScriptsStylesAndCommentsButKeepsJsonLd)
{
    const auto result = parse::prescan_html("<head><script>var a = '</div><div>';</script><style>p{}</style>"
        "<script type=\"application/ld+json\">{\"@type\":\"Article\"}</script><!-- <p>hidden</p> --></head>"
        "<body><p onclick=\"evil()\" class=\"x\">Text</p></body>");
    EXPECT_EQ(result.json_ld, (std::vector<std::string> { "{\"@type\":\"Article\"}" }));
    EXPECT_EQ(result.html, "<head></head><body><p class=\"x\">Text</p>"); // </body> is left to the parser
}

TEST(Prescan, EscapesStrayLessThanAndCanonicalisesAttributes)
{
    const auto result = parse::prescan_html("<p title='say \"hi\"' CLASS=a>1 < 2 <3</p>");
    EXPECT_EQ(result.html, "<p title=\"say &quot;hi&quot;\" class=\"a\">1 &lt; 2 &lt;3</p>");
}

TEST(Prescan, FlattensNestingBeyondTheDepthCap)
{
    std::string html = "<html><body>";
    for (int i = 0; i < 20'000; ++i)
        html += "<div>";
    html += "deep text";
    const auto result = parse::prescan_html(html);
    EXPECT_GT(result.dropped_start_tags, 19'000u);
    const parse::HtmlDocument document(result.html, 500'000);
    EXPECT_LE(max_depth(document), 410u);
    EXPECT_LT(seconds_to_extract(html), time_budget);
    EXPECT_TRUE(contains(extract(html).body, "deep text") || extract(html).status == PageStatus::not_article);
}

TEST(Prescan, BoundsReconstructedFormattingElements)
{
    // Unclosed formatting elements with distinct attributes are reconstructed in every paragraph:
    // quadratic in Gumbo unless their number is capped.
    std::string html = "<html><body>";
    for (int i = 0; i < 5'000; ++i)
        html += "<b id=\"" + std::to_string(i) + "\"><p>x";
    EXPECT_LT(seconds_to_extract(html), time_budget);
    // The node estimate counts what the parser reconstructs, so the cap bounds the real tree.
    parse::PrescanLimits limits;
    limits.max_nodes = 10'000;
    const auto result = parse::prescan_html(html, limits);
    EXPECT_TRUE(result.truncated);
    const parse::HtmlDocument document(result.html, 10'000'000);
    EXPECT_LE(document.size(), 10'100u);
    EXPECT_GT(document.size(), 2'500u); // and does not over-count wildly
}

TEST(Prescan, KeepsDepthBoundedAcrossMisnestedEndTags)
{
    // Each end tag is ignored by the tree builder (out of scope or behind a special element), so
    // a model that popped on them would let Gumbo's real depth grow without bound.
    std::string html = "<html><body>";
    for (int i = 0; i < 3'000; ++i)
        html += "<div><table><tr><td></div><span><div></span><b><div></b><form><div></form>";
    const auto result = parse::prescan_html(html);
    const parse::HtmlDocument document(result.html, 2'000'000);
    EXPECT_LE(max_depth(document), 1'000u);
    EXPECT_LT(seconds_to_extract(html), time_budget);
}

TEST(Prescan, KeepsLegitimateUnclosedParagraphsAndListItems)
{
    std::string html = "<html><body><div>";
    for (int i = 0; i < 1'000; ++i)
        html += "<p>para " + std::to_string(i) + "<ul><li>a<li>b</ul>";
    const auto result = parse::prescan_html(html);
    EXPECT_EQ(result.dropped_start_tags, 0u);
}

TEST(Extract, ReportsAPageCutAtTheNodeCap)
{
    std::string html = "<html><body><article><p>" + prose(1) + "</p><p>" + prose(2) + "</p>";
    for (int i = 0; i < 1'000; ++i)
        html += "<p>" + prose(3 + i % 5, 1) + "</p>";
    html += "</article></body></html>";
    parse::ExtractOptions options;
    options.limits.max_nodes = 200;
    const ExtractedPage cut = extract(html, options);
    EXPECT_TRUE(cut.truncated);
    EXPECT_TRUE(contains(cut.body, prose(2)));
    EXPECT_FALSE(extract(html).truncated);
}

TEST(Prescan, CutsTheInputAtTheNodeCap)
{
    std::string html;
    for (int i = 0; i < 1'000; ++i)
        html += "<span>x</span>";
    parse::PrescanLimits limits;
    limits.max_nodes = 100;
    const auto result = parse::prescan_html(html, limits);
    EXPECT_TRUE(result.truncated);
    EXPECT_LT(result.html.size(), 100u * 16u);
}

TEST(Prescan, DropsUnclosedSvgAndTemplateStartTagsInLinearTime)
{
    // Each unclosed <svg> once rescanned the rest of the page for its end tag: 80,000 of them took
    // 14 s, and these 500,000 would take many minutes, past CTest's timeout.
    std::string html = "<html><body><p>before</p>";
    for (int i = 0; i < 500'000; ++i)
        html += i % 2 ? "<svg>" : "<template>";
    html += "<p>after</p>";
    const auto result = parse::prescan_html(html);
    EXPECT_EQ(result.html, "<html><body><p>before</p><p>after</p>");
    EXPECT_FALSE(result.truncated);
    EXPECT_EQ(result.dropped_start_tags, 0u);
}

TEST(Prescan, DropsClosedSvgAndTemplateWithTheirContent)
{
    const auto result = parse::prescan_html("<p>a<svg><text>x</text></svg>b<svg>c<template>d</template>e<svg>f</svg>g"
                                            "<template>h</TEMPLATE >i<svg>j");
    // The second <svg> ends at the first </svg> after it; the last one has none and only its tag goes.
    EXPECT_EQ(result.html, "<p>abgij");
}

// tests/parse/extract/extract_test.cpp — the pipeline on small synthetic pages: text normalisation,
// text that is not in the rendered DOM, and status decided on the whole page.
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

TEST(Extract, DropsSoftHyphensAndComposesToNfc)
{
    const std::string html = "<html><body><article><p>Die Ver\xC2\xAD" "tei\xC2\xAD" "lung der Mittel wurde am Montag von "
        "der Stadt beschlossen, und Frau Mu\xCC\x88ller sagte, dass die Anwohner damit zufrieden seien. "
        + prose(1) + "</p><p>" + prose(2) + "</p></article></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_TRUE(contains(page.body, "Die Verteilung der Mittel")) << page.body;
    EXPECT_TRUE(contains(page.body, "Frau M\xC3\xBCller")) << page.body;
}

TEST(Extract, DropsRubyReadings)
{
    const std::string html = "<html><body><article><p>" + prose(1) + "</p><p><ruby>\xE6\x9D\xB1<rt>\xE3\x81\xA8\xE3\x81\x86</rt></ruby>"
        "\xE4\xBA\xAC\xE3\x81\xA7\xE4\xBC\x9A\xE8\xAD\xB0\xE3\x81\x8C\xE9\x96\x8B\xE3\x81\x8B\xE3\x82\x8C\xE3\x81\x9F\xE3\x80\x82</p><p>"
        + prose(2) + "</p></article></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_TRUE(contains(page.body, "\xE6\x9D\xB1\xE4\xBA\xAC")) << page.body; // the reading is gone from between the two
    EXPECT_FALSE(contains(page.body, "\xE3\x81\xA8\xE3\x81\x86")) << page.body;
}

TEST(Extract, AShortPostOfOneRealSentenceIsAnArticle)
{
    const std::string html = "<html><body><nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav>"
        "<div class=\"post\"><h2>Monday</h2><p>We walked to the lake on Sunday, and the water was still warm enough to swim.</p></div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, "We walked to the lake")) << page.body;
}

TEST(Extract, APageOfLinksAndLabelsIsNoArticle)
{
    const std::string html = "<html><body><div class=\"list\"><p><a href=\"/a\">First story</a></p>"
        "<p><a href=\"/b\">Second story</a></p><p>Page 1 of 20</p></div></body></html>";
    EXPECT_EQ(extract(html).status, PageStatus::not_article);
}

TEST(Extract, PrefersJsonLdArticleBodyWhenClearlyLongerThanTheVisibleBody)
{
    // The markup shows only an author bio of a few sentences; the article is in JSON-LD.
    const std::string article = prose(1) + "\\n" + prose(2) + "\\n" + prose(3) + "\\n" + prose(4);
    const std::string html = "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
        "\"headline\":\"A story\",\"articleBody\":\"" + article + "\"}</script></head><body><div class=\"shell\">"
        "<p>Jane Doe writes about the valley, its council and its people, and has done so for the paper since 2009. "
        "She lives by the lake with two cats and a very old bicycle.</p></div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(4))) << page.body;
    EXPECT_FALSE(contains(page.body, "two cats")) << page.body;
}

TEST(Extract, SentenceEndsOfOtherScriptsMakeProse)
{
    // One short sentence, as in AShortPostOfOneRealSentenceIsAnArticle, ended the way its script
    // ends sentences: Armenian ։ (U+0589), Devanagari । (U+0964), Arabic ؟ (U+061F).
    const auto post = [](const std::string& sentence) {
        return "<html><body><nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav><div class=\"post\"><h2>1</h2><p>" + sentence
            + "</p></div></body></html>";
    };
    for (const std::string sentence : {
             "Երեկ մենք գնացինք լիճ, եւ ջուրը դեռ տաք էր և մենք լողացինք մինչև երեկո։",
             "हम रविवार को झील तक पैदल गए और पानी अभी भी तैरने के लिए काफ़ी गर्म था।",
             "هل ذهبت إلى البحيرة يوم الأحد وكان الماء لا يزال دافئا بما يكفي للسباحة؟" }) {
        const ExtractedPage page = extract(post(sentence));
        EXPECT_EQ(page.status, PageStatus::article) << sentence;
        EXPECT_TRUE(contains(page.body, sentence)) << sentence << " -> " << page.body;
        // The same words without their sentence end are a label, not a post.
        const std::string label = sentence.substr(0, sentence.rfind(' '));
        EXPECT_NE(extract(post(label)).status, PageStatus::article) << label;
    }
}

TEST(ExtractFragment, AFeedItemsContentIsCleanedByThePageRules)
{
    // content:encoded as WordPress writes it: the text, a share bar, the "appeared first" footer.
    const std::string content = "<p>" + prose(1) + "</p><h2>Next steps</h2><p>" + prose(2) + "</p>"
        "<div class=\"sharedaddy\"><ul><li><a href=\"https://facebook.com/share\">Share on Facebook</a></li>"
        "<li><a href=\"https://x.com/share\">Share on X</a></li></ul></div>";
    parse::ExtractOptions options;
    options.url = "https://news.example/a";
    const FeedBody body = parse::extract_fragment(content, TextKind::html, options);
    EXPECT_EQ(body.body, prose(1) + "\n\nNext steps\n\n" + prose(2));
    EXPECT_NE(body.body_html.find("<h2>Next steps</h2>"), std::string::npos) << body.body_html;
    EXPECT_EQ(body.body_html.find("Facebook"), std::string::npos) << body.body_html;
}

TEST(ExtractFragment, AOneLineSummaryIsKeptAndPlainTextIsReadAsParagraphs)
{
    EXPECT_EQ(parse::extract_fragment("<p>Short news.</p>", TextKind::html).body, "Short news.");
    const FeedBody plain = parse::extract_fragment("First <paragraph> & more.\n\nSecond one.", TextKind::plain);
    EXPECT_EQ(plain.body, "First <paragraph> & more.\n\nSecond one.");
    EXPECT_NE(plain.body_html.find("&lt;paragraph&gt;"), std::string::npos) << plain.body_html;
    EXPECT_EQ(parse::extract_fragment("  \n ", TextKind::html).body, "");
    parse::ExtractOptions capped;
    capped.limits.max_input_bytes = 10;
    EXPECT_EQ(parse::extract_fragment("<p>More than ten bytes.</p>", TextKind::html, capped).body, "") << "over the cap: nothing";
}

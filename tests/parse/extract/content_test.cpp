// tests/parse/extract/content_test.cpp — main-content selection on small pages of its own:
// containers, in-content notices, <br><br> paragraphs, div-only layouts, sections and teasers.
#include "test_support.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

std::string page_around(const std::string& article, const std::string& head = "<title>A story</title>")
{
    return "<!DOCTYPE html><html lang=\"en\"><head>" + head + "</head><body>"
        "<header class=\"site-header\"><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li>"
        "<li><a href=\"/sport\">Sport</a></li></ul></nav></header>"
        "<div class=\"layout\">" + article +
        "<aside class=\"sidebar\"><h2>Most read</h2><ul><li><a href=\"/a\">Another story about the valley and its people</a></li>"
        "<li><a href=\"/b\">A second story that is only a link in a list</a></li></ul></aside></div>"
        "<footer><p>Copyright 2024 The Valley Times. All rights reserved. Imprint and privacy policy.</p></footer>"
        "</body></html>";
}

} // namespace

TEST(Extract, KeepsArticleParagraphsAndDropsNavigationSidebarAndFooter)
{
    const std::string html = page_around("<article><h1>A story</h1><div class=\"story-body\"><p>" + prose(1) + "</p><p>"
        + prose(2) + "</p><p>" + prose(3) + "</p></div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3));
    EXPECT_FALSE(contains(page.body, "Most read"));
    EXPECT_FALSE(contains(page.body, "Copyright"));
}

TEST(Extract, DropsRecruitmentNoticeInsideContent)
{
    const std::string notice = "<div class=\"wp-block-group box-17\"><p><em>The Valley Times is looking for local "
        "correspondents. Send your CV and a cover letter to jobs@valley-times.example.</em></p></div>";
    const std::string html = page_around("<article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p>" + notice + "</div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, KeepsBodyParagraphThatMerelyMentionsANewsletter)
{
    const std::string mention = "The mayor said the council would subscribe to the regional newsletter of the water "
        "board, because residents had asked for earlier warnings, and that the costs were small.";
    const std::string html = page_around("<article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + mention
        + "</p><p>" + prose(2) + "</p></div></article>");
    EXPECT_TRUE(contains(extract(html).body, mention));
}

TEST(Extract, DropsSeeAlsoListInsideContent)
{
    const std::string related = "<h3>Siehe auch</h3><ul><li><a href=\"/x\">Ein anderer Artikel über das Tal</a></li>"
        "<li><a href=\"/y\">Noch ein Artikel über den Rat</a></li><li><a href=\"/z\">Und ein dritter Artikel</a></li></ul>";
    const std::string html = page_around("<article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p>" + related + "</div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, SplitsBrBrTextIntoParagraphs)
{
    const std::string html = page_around("<div class=\"k2\">" + prose(1) + "<br><br>" + prose(2) + "<br>\n<br>" + prose(3)
        + "</div>");
    EXPECT_EQ(extract(html).body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3));
}

TEST(Extract, FindsBodyInDivOnlyLayoutWithMeaninglessClassNames)
{
    std::string body;
    for (int i = 1; i <= 4; ++i)
        body += "<div class=\"x9f" + std::to_string(i) + "\">" + prose(i) + "</div>";
    std::string chrome;
    for (int i = 0; i < 8; ++i)
        chrome += "<div class=\"q7\"><a href=\"/s" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a></div>";
    const std::string html = "<html><body><div class=\"a1\">" + chrome + "</div><div class=\"b2\"><div class=\"c3\">"
        + body + "</div></div><div class=\"d4\">" + chrome + "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3) + "\n\n" + prose(4));
}

TEST(Extract, DropsCommentSectionAfterItsHeading)
{
    const std::string comments = "<h2>Top Rated Comments</h2><div><p>I could not disagree more with the council, which "
        "has ignored the residents for years, and I will say so at the next meeting of the board.</p><p>Exactly, and the "
        "plan is far too expensive for a valley of this size, as anyone who lives here knows very well.</p></div>";
    const std::string html = page_around("<div class=\"main\"><h1>A story</h1><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p>" + comments + "</div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, DropsTeaserCardsOfOtherStoriesAfterTheArticle)
{
    std::string cards;
    for (int i = 0; i < 4; ++i) {
        cards += "<div class=\"card\"><h3><a href=\"/story" + std::to_string(i) + "\">Headline of another story number "
            + std::to_string(i) + "</a></h3><p>A teaser that says what the other story is about, in a sentence of its "
            "own, with a full stop at the end.</p></div>";
    }
    const std::string html = page_around("<div class=\"main\"><div class=\"text\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p></div><div class=\"more\">" + cards + "</div></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, KeepsSubheadingsListsAndQuotesInReadingOrder)
{
    const std::string html = page_around("<article><div class=\"article-body\"><p>" + prose(1)
        + "</p><h2>What happens next</h2><p>" + prose(2) + "</p><ul><li>First point of the plan.</li><li>Second point of "
        "the plan.</li></ul><blockquote><p>" + prose(3) + "</p></blockquote><p>" + prose(4) + "</p></div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\nWhat happens next\n\n" + prose(2)
        + "\n\nFirst point of the plan.\n\nSecond point of the plan.\n\n" + prose(3) + "\n\n" + prose(4));
}

TEST(Extract, RendersSanitizedBodyHtmlWithAbsoluteLinks)
{
    const std::string html = page_around("<article><div class=\"entry-content\"><p onclick=\"x()\">" + prose(1)
        + " See <a href=\"/report.pdf\" style=\"color:red\">the report</a>.</p><h2>Next</h2><p>" + prose(2)
        + "<script>alert(1)</script></p><ol><li>One</li><li>Two</li></ol><p>" + prose(3) + "</p>"
        "<figure><img src=\"img/map.png\" alt=\"Map\"><figcaption>The valley seen from the north.</figcaption></figure><p>"
        + prose(4) + "</p></div></article>");
    parse::ExtractOptions options;
    options.url = "https://valley-times.example/2024/05/story.html";
    const ExtractedPage page = extract(html, options);
    EXPECT_TRUE(contains(page.body_html, "<a href=\"https://valley-times.example/report.pdf\">the report</a>"));
    EXPECT_TRUE(contains(page.body_html, "<h2>Next</h2>"));
    EXPECT_TRUE(contains(page.body_html, "<ol><li>One</li><li>Two</li></ol>"));
    EXPECT_TRUE(contains(page.body_html, "<figure><img src=\"https://valley-times.example/2024/05/img/map.png\" alt=\"Map\">"
                                         "<figcaption>The valley seen from the north.</figcaption></figure>"));
    EXPECT_FALSE(contains(page.body_html, "onclick"));
    EXPECT_FALSE(contains(page.body_html, "style"));
    EXPECT_FALSE(contains(page.body_html, "alert"));
    EXPECT_FALSE(contains(page.body, "The valley seen from the north.")); // captions: body_html only by default
    options.captions = parse::CaptionText::body_too;
    EXPECT_TRUE(contains(extract(html, options).body, "The valley seen from the north."));
}

TEST(Extract, DropsTitleRepeatedAsFirstHeading)
{
    const std::string html = page_around("<div class=\"post\"><h1>Valley council delays the bridge</h1><p>" + prose(1)
        + "</p><p>" + prose(2) + "</p></div>", "<meta property=\"og:title\" content=\"Valley council delays the bridge\">");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.title, "Valley council delays the bridge");
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, DropsBylineAndDatelineAboveTheText)
{
    const std::string html = page_around("<div class=\"story\"><p>By Anna Berg</p><p>Updated at 1:23 p.m.</p><p>"
        + prose(1) + "</p><p>" + prose(2) + "</p></div>");
    EXPECT_EQ(extract(html).body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, KeepsALinkHeavySentenceBetweenParagraphs)
{
    const std::string linked = "<p>The <a href=\"/a\">council of the valley</a> met the <a href=\"/b\">water board and "
        "its engineers</a> on <a href=\"/c\">Tuesday evening in the town hall</a>, and the mayor said it was useful.</p>";
    const std::string html = page_around("<div class=\"story\"><p>" + prose(1) + "</p>" + linked + "<p>" + prose(2)
        + "</p></div>");
    EXPECT_TRUE(contains(extract(html).body, "The council of the valley met the water board and its engineers on"));
}

TEST(Extract, KeepsAnArticleWhoseWrapperHasABoilerplateWordInItsName)
{
    // Page-builder and theme wrappers carry words like "widget" or "sidebar"; what they hold decides.
    const std::string html = page_around("<div class=\"builder-widget-text-editor\"><div class=\"builder-widget-container\"><p>"
        + prose(1) + "</p><p>" + prose(2) + "</p><p>" + prose(3) + "</p></div></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1))) << page.body;
    EXPECT_TRUE(contains(page.body, prose(3))) << page.body;
}

TEST(Extract, KeepsATaggedPostWhoseTagSlugContainsABoilerplateWord)
{
    const std::string html = page_around("<div class=\"post type-post tag-credit-card-fees tag-comment-policy\"><p>"
        + prose(1) + "</p><p>" + prose(2) + "</p></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, WeighsLongCommentsAsBoilerplateEvenWhenTheyOutweighTheArticle)
{
    std::string comments = "<div class=\"comment-list\">";
    for (int i = 10; i < 16; ++i)
        comments += "<div class=\"comment-body\"><p>" + prose(i, 2) + "</p></div>";
    comments += "</div>";
    const std::string html = page_around("<div class=\"main\"><div class=\"entry\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p></div>" + comments + "</div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, KeepsTheWrapperOfThePagesLongestProseRunUnderAWidgetName)
{
    // A blog theme puts the post, its share bar and its links in one "widget", next to a sidebar
    // with more prose in all than the post: the post's long run still marks its container.
    std::string footer = "<div class=\"post-footer\">";
    for (int i = 0; i < 30; ++i)
        footer += "<a href=\"/label/" + std::to_string(i) + "\">Label number " + std::to_string(i) + " of the blog</a> ";
    footer += "</div>";
    std::string about = "<div class=\"about-the-author\">";
    for (int i = 7; i < 11; ++i)
        about += "<p>" + prose(i, 5) + "</p>";
    about += "</div>";
    const std::string html = page_around("<div class=\"widget Blog\"><h3>A story</h3><div class=\"post-body\">" + prose(1, 6)
        + "<br><br>" + prose(2, 6) + "</div>" + footer + "</div>" + about);
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1, 6))) << page.body;
    EXPECT_TRUE(contains(page.body, prose(2, 6))) << page.body;
}

TEST(Extract, KeepsAnArticleBodyNamedAsSuchInsideAWidgetWhenAnotherRunIsLonger)
{
    // Blogger wraps every post in "widget Blog"; when the author's profile beside it has the page's
    // longest single paragraph, the widget name alone must not make the post other people's text
    // (which would drop it from whatever container wins).
    const std::string html = page_around("<div class=\"widget Blog\"><div class=\"post\"><div class=\"post-body entry-content\"><div>"
        + prose(1) + "</div><div>" + prose(2) + "</div><div>" + prose(3) + "</div></div></div></div>"
        + "<div class=\"widget Profile\"><dl><dd>" + prose(8, 8) + "</dd><dd>" + prose(9, 4) + "</dd></dl></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3))) << page.body;
}

TEST(Extract, KeepsACommentsBodyNamedLikeAPostOtherPeoplesText)
{
    // The exception above stops at comments: a comment's "post-text" is still a comment.
    std::string comments = "<ol class=\"comment-list\">";
    for (int i = 10; i < 16; ++i)
        comments += "<li class=\"post-text\"><p>" + prose(i, 2) + "</p></li>";
    comments += "</ol>";
    const std::string html = page_around("<div class=\"entry\"><p>" + prose(1) + "</p><p>" + prose(2) + "</p></div>"
        + comments);
    EXPECT_EQ(extract(html).body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, RetriesWithoutNamesWhenNamesLeftNoProse)
{
    // Saved with a gallery modal open: the page behind is aria-hidden and the modal holds captions
    // (long ones, so that the hidden page holds under 3/4 of the prose and is pruned as hidden).
    // Pruning by name and visibility leaves nothing; the retry by tag finds the article.
    const std::string html = page_around("<div id=\"render-target\" aria-hidden=\"true\"><article><p>" + prose(1)
        + "</p><p>" + prose(2) + "</p><p>" + prose(3) + "</p></article></div><div class=\"gallery-modal\"><figure><img src=\"/a.jpg\">"
        "<figcaption>" + prose(7) + "</figcaption></figure><figure><img src=\"/b.jpg\"><figcaption>" + prose(8)
        + "</figcaption></figure></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1))) << page.body;
    EXPECT_TRUE(contains(page.body, prose(3))) << page.body;
    EXPECT_FALSE(contains(page.body, prose(7))) << page.body;
}

TEST(Extract, AShortArticleInATableLayoutWinsOverALongFooterLegalLine)
{
    // No names, no <article>: a page of table cells. The text is short sentences, a heading and a
    // list; the footer is one long line of links under a copyright notice, which as plain text
    // would outweigh the article's few sentences, and the links around make the whole page weigh less.
    const std::string article = "<table><tr><td><h2>If you want to sell your house this year, here is a good place to start "
        "reading.</h2><ul><li>Fast</li><li>For a fair price</li><li>With little hassle</li></ul>"
        "<p>This is the way houses have been sold for the past hundred years, and many agents still work like that.</p>"
        "<p>These traditional methods have proven to be less and less effective.</p>"
        "<p>That is why we use new tools and programs which go far beyond the old approach of the past.</p></td></tr></table>";
    std::string footer = "<div><b>ALL RIGHTS RESERVED &copy; Copyright - Website by <a href=\"/host\">Example Hosting</a>";
    for (int i = 10; i < 23; ++i)
        footer += " | <a href=\"/agent-" + std::to_string(i) + "\">Agent number " + std::to_string(i) + " homes</a> in the valley real estate";
    footer += "</b></div>";
    std::string navigation = "<table><tr><td>";
    for (int i = 0; i < 30; ++i)
        navigation += "<a href=\"/guide-" + std::to_string(i) + "\">Seller guide part " + std::to_string(i) + "</a><br>";
    navigation += "</td></tr></table>";
    const std::string html = "<!DOCTYPE html><html><head><title>Sell your house</title></head><body>" + navigation + article
        + footer + "</body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, "These traditional methods have proven to be less and less effective.")) << page.body;
    EXPECT_TRUE(contains(page.body, "That is why we use new tools")) << page.body;
    EXPECT_FALSE(contains(page.body, "ALL RIGHTS RESERVED")) << page.body;
    EXPECT_FALSE(contains(page.body, "Agent number")) << page.body;
}

TEST(Extract, KeepsAParagraphAboutCopyrightWrittenAsProse)
{
    const std::string paragraph = "The court ruled that the copyright of the photographs stays with the agency, and that "
        "the newspaper must pay the fees it had refused for three years.";
    const std::string html = page_around("<article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + paragraph
        + "</p><p>" + prose(2) + "</p></div></article>");
    EXPECT_TRUE(contains(extract(html).body, paragraph));
}

namespace {

// A blog page: one post, and a sidebar with the author's "about me" box (two sentences of prose)
// above the archive's links.
// A blog archive's month links, as list items: "Posts of month N<suffix>".
std::string month_links(int months, const std::string& suffix = "")
{
    std::string links;
    for (int month = 1; month <= months; ++month)
        links += "<li><a href=\"/2012/" + std::to_string(month) + "\">Posts of month " + std::to_string(month) + suffix + "</a></li>";
    return links;
}

std::string blog_page(const std::string& post)
{
    const std::string archive = month_links(12, " of 2012");
    return "<!DOCTYPE html><html lang=\"en\"><head><title>Creative food sculptures</title></head><body>"
           "<div id=\"page\"><div id=\"stream\">" + post + "</div><div id=\"column\"><div class=\"about\"><p>I live, "
           "I learn and I teach. And 140 characters on a short message service are limiting, so here I share the "
           "creativity of others.</p></div><ul>" + archive + "</ul></div></div></body></html>";
}

} // namespace

TEST(Extract, APhotoPostUnderTheHeadlineWinsOverTheAuthorsAboutBox)
{
    // The post's only text is a line that is no sentence; the about box is prose, and longer.
    const std::string html = blog_page("<div class=\"entry\"><h2>Creative food sculptures</h2><div class=\"body\">"
        "<img src=\"/sculpture.jpg\"><p>Food as sculpture, seen at the market via @someone</p></div></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, "Food as sculpture, seen at the market via @someone");
}

TEST(Extract, AOneLinePostIsTheArticleWhenNothingOnThePageReadsAsText)
{
    // The post's one line credits the artist with a link and ends on the name: no sentence. The page
    // around it is links and labels, so nothing weighs as text.
    const std::string archive = month_links(12);
    const std::string html = "<!DOCTYPE html><html lang=\"en\"><head><title>Pixel heroes and villains</title></head><body>"
        "<div id=\"content\"><div class=\"post\"><h3><a href=\"/p/1\">Pixel heroes and villains</a></h3><div class=\"text\">"
        "<p><img src=\"/1.jpg\"></p><p>You know me, I love pixels and I love heroes… Created by <a href=\"/artist\">Sam Painter</a></p></div>"
        "<div class=\"feedback\"><a href=\"/p/1#respond\">Comments (0)</a></div></div></div><ul>" + archive + "</ul></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, "You know me, I love pixels and I love heroes… Created by Sam Painter");
}

TEST(Extract, TheStandfirstInThePostsHeaderLeadsTheBody)
{
    // The body box wins on its name; the standfirst sits beside it, under the headline.
    const std::string standfirst = "The valley's council will vote on the bridge next week, and the mayor expects a narrow result.";
    const std::string html = page_around("<article><header><h1>Bridge vote set for next week</h1><p class=\"intro\">" + standfirst
            + "</p><p class=\"byline\">By Dana Writer, 12 March 2024</p></header><div class=\"article-body\"><p>" + prose(1) + "</p><p>" + prose(2)
            + "</p></div></article>",
        "<title>Bridge vote set for next week</title>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, standfirst + "\n\n" + prose(1) + "\n\n" + prose(2)) << "the byline stays out";
}

TEST(Extract, AListWrittenWithBulletSignsClosesTheArticle)
{
    // No <ul>: each item a <div> that starts with a bullet sign, after the article's last sentence.
    const std::string html = page_around("<article><h1>Where to read the magazine</h1><p>" + prose(1)
        + "</p><div>• Kindle and other readers</div><div>• Phones and tablets</div><div>– Any web browser</div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n• Kindle and other readers\n\n• Phones and tablets\n\n– Any web browser");
}

TEST(Extract, TheAboutMeBoxAfterThePostIsNoPartOfIt)
{
    // One column: the post, then the blogger's box under its own heading, prose too.
    const std::string html = page_around("<div class=\"column\"><h1>A week at the market</h1><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p><h2>About Me</h2><p>I have been writing about markets and the people who run them for nineteen years, first for "
          "newspapers and now here, and I still like it.</p></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, ALongLegalNoticeInACopyrightBoxDoesNotJoinTheArticle)
{
    // The site's notice is long prose (over the legal line's length) and sits outside the footer tag.
    std::string notice = "TheLeague.com is the official web site of the League.";
    while (notice.size() < 900)
        notice += " The League, the League shield and the names of its teams are marks of the League and its members, and may not be used without consent.";
    const std::string html = page_around("<div class=\"article\"><h1>Whalers win again</h1><div class=\"articleText\"><p>" + prose(1) + "</p><p>"
        + prose(2) + "</p></div></div><div id=\"copyright\">" + notice + "</div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, ASlideShowOfOtherStoriesInsideTheArticleBodyGoes)
{
    // The promotion box inside the body holds more prose than the article itself.
    std::string slides;
    for (int n = 3; n <= 8; ++n)
        slides += "<li><h4>Another story " + std::to_string(n) + "</h4><p>" + prose(n) + "</p></li>";
    const std::string html = page_around("<article><h1>Bridge vote set</h1><div class=\"articleBody\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p><p>Also on our site:</p><div class=\"promo_holder\"><ul class=\"slideshow\">" + slides + "</ul></div></div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(page.body.starts_with(prose(1) + "\n\n" + prose(2))) << page.body;
    EXPECT_FALSE(contains(page.body, prose(3)));
    EXPECT_FALSE(contains(page.body, "Another story"));
}

TEST(Extract, ASidebarAsideOfLiveNewsLongerThanTheReportIsNoPartOfIt)
{
    // A short report beside a live ticker of other news that holds more prose than the report.
    std::string ticker;
    for (int n = 3; n <= 7; ++n)
        ticker += "<li class=\"live-item\"><div class=\"live-item-title\">Update " + std::to_string(n) + ".</div><p>" + prose(n) + "</p></li>";
    const std::string html = page_around("<div class=\"main-content\"><section id=\"news-article\"><article><h1>Bridge vote set</h1><div class=\"article-body\"><p>"
        + prose(1) + "</p><p>" + prose(2) + "</p></div></article></section><aside class=\"mod\" id=\"sidebar\"><div class=\"live\"><ul>" + ticker
        + "</ul></div></aside></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, ASectionWhoseIdIsItsHeadingsSlugIsJudgedByItsTextNotByTheWordsOfItsId)
{
    // Documentation as docutils writes it: each section's id spells its heading. "sharing" in an id
    // is a share box's name elsewhere; here it is the first word of a heading.
    const auto section = [](std::string_view id, std::string_view heading, std::string_view paragraphs) {
        return "<div class=\"section\" id=\"" + std::string(id) + "\"><h2>" + std::string(heading) + "</h2>" + std::string(paragraphs) + "</div>";
    };
    const std::string html = page_around("<div class=\"content\"><div class=\"section\" id=\"shared-mutable-history\"><h1>Shared mutable history</h1><p>"
        + prose(1) + "</p>" + section("sharing-with-a-single-developer", "Sharing with a single developer", "<p>" + prose(2) + "</p><p>" + prose(3) + "</p>")
        + section("getting-into-trouble", "Getting into trouble", "<p>" + prose(4) + "</p><p>" + prose(5) + "</p>") + "</div></div>"
        + "<div id=\"related-stories\"><h2>Related stories</h2><p><a href=\"/a\">Another story about the valley</a></p><p><a href=\"/b\">And one more about the plan</a></p></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(2))) << page.body;
    EXPECT_TRUE(contains(page.body, prose(3)));
    EXPECT_TRUE(contains(page.body, prose(1)));
    EXPECT_TRUE(contains(page.body, prose(5)));
    EXPECT_FALSE(contains(page.body, "Another story")) << "a related box whose id spells its title stays out";
}

TEST(Extract, WordsLinkedInsideASentenceStayWhateverTheLinksAreNamed)
{
    // Topic links and glossary pop-up links inside sentences: their names ("meta", "popup") would
    // prune an element, but these are words of the sentence.
    const std::string sentence = "To many in <a class=\"meta-loc\" href=\"/topics/uk\">Britain</a>, the decision on Tuesday to charge eight of the most "
                                 "prominent editors was a <a class=\"popup\" href=\"javascript:void(0)\" onclick=\"return overlib('A note')\">dramatic step</a> "
                                 "toward accountability for the tangled web of the phone hacking affair, which has run for <a class=\"hidden_link\" href=\"/topics/years\">seven years</a>.";
    const std::string shares = "<p><a class=\"share-facebook\" href=\"/s/f\">Facebook</a> · <a class=\"share-twitter\" href=\"/s/t\">Twitter</a></p>";
    const std::string linked = "<p>The prosecutors published <a href=\"/charges.pdf\">their decision<span class=\"screen-reader-text\"> (opens in a new tab)</span></a> "
                               "on Tuesday, with the names of the eight editors and the offences each of them is charged with.</p>";
    const ExtractedPage page = extract(page_around("<article><h1>Editors charged</h1><p>" + sentence + "</p>" + linked + "<p>" + prose(1) + "</p><p>" + prose(2) + "</p>" + shares + "</article>"));
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, "To many in Britain, the decision on Tuesday")) << page.body;
    EXPECT_TRUE(contains(page.body, "was a dramatic step toward accountability"));
    EXPECT_TRUE(contains(page.body, "which has run for seven years.")) << "a link styled not to look like one is words all the same";
    EXPECT_FALSE(contains(page.body, "Facebook")) << "share links side by side, with no word between them, are still named boilerplate";
    EXPECT_TRUE(contains(page.body, "The prosecutors published their decision on Tuesday")) << "screen-reader-only text is no word of the sentence";
    EXPECT_FALSE(contains(page.body, "new tab"));
}

TEST(Extract, AStorySplitOverSiblingBodyBoxesIsOneBody)
{
    // The lede in one "articleBody", a figure, then the rest of the story in the next one; the
    // headline sits in a box of its own, so no post holds them all.
    const std::string lede = "CAIRO — The council voted on Tuesday to build the new bridge over the river, ending a dispute that had lasted for years.";
    std::string rest;
    for (int n = 2; n <= 7; ++n)
        rest += "<p>" + prose(n) + "</p>";
    const std::string html = page_around("<div class=\"headline-box\"><h1>Bridge vote set</h1></div><div class=\"column\"><div class=\"columnGroup\">"
        "<div class=\"articleBody\"><p>" + lede + "</p></div><div class=\"articleInline\"><figure><img src=\"/a.jpg\"><figcaption>The bridge at dusk.</figcaption></figure></div>"
        "<div class=\"articleBody\">" + rest + "</div></div></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(page.body.starts_with(lede + "\n\n" + prose(2))) << page.body.substr(0, 300);
    EXPECT_TRUE(page.body.ends_with(prose(7)));
}

TEST(Extract, ALabelsWordsInsideAParagraphOfProseAreWords)
{
    // An opening quote in italics that happens to say "also read": prose, not a "Read also" label.
    const std::string quote = "I moved to the city for an adventure, and it was also a lonely year. I cried a lot. I also read a lot. "
                              "A friend gave me a stack of books, and I used them to escape to other worlds, both real and imaginary, "
                              "on the long rides between my flat and the office.";
    const std::string html = page_around("<article><p><em>" + quote + "</em></p><p>" + prose(1) + "</p><p>" + prose(2) + "</p></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, quote + "\n\n" + prose(1) + "\n\n" + prose(2));

    const std::string zitat = "Wir teilen die Sorge der Anwohner, sagte die Bürgermeisterin am Dienstag. Die Brücke werde erst "
                              "gebaut, wenn das Gutachten vorliege, und bis dahin bleibe die alte Fähre in Betrieb, auch im Winter. Der Rat "
                              "stimmt im März darüber ab, und die Fähre fährt bis dahin jeden Tag.";
    const ExtractedPage german = extract(page_around("<article><p><em>" + zitat + "</em></p><p>" + prose(1) + "</p><p>" + prose(2) + "</p></article>"));
    EXPECT_EQ(german.body, zitat + "\n\n" + prose(1) + "\n\n" + prose(2)) << "'teilen' is a share button's label only alone";
}

TEST(Extract, TheHeadlinesPostIsTheArticleInAColumnOfOtherPosts)
{
    // Teasers of other posts, each a post with a paragraph, around the one whose headline the page has.
    std::string column;
    for (int n = 3; n <= 5; ++n)
        column += "<div class=\"hentry post\"><h2><a href=\"/" + std::to_string(n) + "\">Another story " + std::to_string(n) + "</a></h2><div class=\"entry-content\"><p>"
            + prose(n) + "</p></div><p><a href=\"/" + std::to_string(n) + "\">Continue reading</a></p></div>";
    const std::string article = "<div class=\"hentry post\"><h1>Bridge vote set for next week</h1><div class=\"entry-content\"><p>" + prose(1)
        + "</p><p>" + prose(2) + "</p></div></div>";
    const std::string html = page_around("<div class=\"column\">" + column + article + "</div>", "<title>Bridge vote set for next week</title>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, AVideoPostWithATwoWordHeadlineIsItsLine)
{
    // "La Muerte": short, but repeated as the post's heading; the post's one line has a link.
    const std::string archive = month_links(12);
    const std::string html = "<!DOCTYPE html><html lang=\"en\"><head><title>La Muerte</title></head><body><div id=\"content\">"
        "<div class=\"post\"><h3><a href=\"/p/2\">La Muerte</a></h3><div class=\"text\"><p><iframe src=\"/video\"></iframe></p>"
        "<p>Wonderful animated video for the band! Created by <a href=\"/artist\">Jo Arbol</a></p></div></div></div><ul>" + archive
        + "</ul></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, "Wonderful animated video for the band! Created by Jo Arbol");
    // A word that names a section, not a post, is no headline.
    const ExtractedPage home = extract("<!DOCTYPE html><html lang=\"en\"><head><title>Home</title></head><body><div class=\"post\"><h1>Home</h1>"
        "<p>Latest posts from the blog</p></div><ul>" + archive + "</ul></body></html>");
    EXPECT_NE(home.status, PageStatus::article);
}

TEST(Extract, AHeadlineBlockWithOnlyABylineDoesNotReplaceTheArticleBesideIt)
{
    // The headline's post holds nothing but a byline; the article's text sits in a sibling.
    const std::string html = blog_page("<div class=\"entry\"><h1>Creative food sculptures</h1>"
        "<p class=\"info\">By Dana Writer on Monday 12th November 2012 in Art</p></div>"
        "<div class=\"copy\"><p>" + prose(1, 2) + "</p></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1, 2));
}

TEST(Extract, AStandfirstBoxInsideThePostDoesNotReplaceThePostsBody)
{
    // Headline and a standfirst line in a box named like a post, the body beside it, both in one post.
    const std::string html = blog_page("<div class=\"post\"><div class=\"entry\"><h1>Creative food sculptures</h1>"
        "<p>Artists at the market carve vegetables into animals</p></div><div class=\"copy\"><p>" + prose(1, 2)
        + "</p></div></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_TRUE(contains(page.body, prose(1, 2)));
    EXPECT_FALSE(contains(page.body, "I live"));
}

TEST(Extract, AGallerysCaptionsAreItsText)
{
    // The story is told under the pictures: the captions hold all the prose there is.
    std::string slides;
    for (int n = 1; n <= 3; ++n)
        slides += "<div class=\"slide\"><img src=\"/" + std::to_string(n) + ".jpg\"><div class=\"caption\"><p>" + prose(n)
            + "</p></div></div>";
    const std::string html = page_around("<article><h1>The valley in pictures</h1><div class=\"gallery\">" + slides
        + "</div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2) + "\n\n" + prose(3));
}

TEST(Extract, APhotoPostsCaptionsAreItsTextBesideLongComments)
{
    // An intro line, then the pictures, each caption a sentence and the photographer's credit; the
    // comments under the post hold more prose than the post, so the page is no gallery as a whole.
    const std::string captions[] = { "Children in costumes walk to the parade in the old town, where the bands played until late at night.",
        "A mother carries her baby dressed as a pumpkin past the market stalls and the closed shops on the square.",
        "A man in a mask waits at the tram stop on the square while the first floats of the parade go by.",
        "Dancers rehearse on the steps of the town hall before the show, watched by a crowd of their neighbours.",
        "The last float of the parade, a dragon twenty metres long, turns into the harbour road after dark." };
    std::string post = "<p>The town does not trick or treat, but it loves its parade, and this year it was bigger than ever.</p>";
    for (const std::string& caption : captions)
        post += "<div class=\"wp-caption\"><img src=\"/p.jpg\"><p class=\"wp-caption-text\">" + caption + " (Jo Lens/Agency)</p></div>";
    const std::string html = page_around("<article><h1>The parade in pictures</h1><div class=\"entry-content\">" + post
        + "</div></article><div id=\"comments\"><h2>Comments</h2><ol class=\"commentlist\"><li class=\"comment\"><p>" + prose(3)
        + "</p></li><li class=\"comment\"><p>" + prose(4) + "</p></li></ol></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    for (const std::string& caption : captions)
        EXPECT_TRUE(contains(page.body, caption + " (Jo Lens/Agency)")) << caption;
    EXPECT_FALSE(contains(page.body, prose(3)));
}

TEST(Extract, AShortPostNamedAsTheArticleBodyWinsOverALongerBlurbBesideIt)
{
    // The page's title names the blog, not the post; the post's body is named as one, and shorter
    // than the sidebar's disclaimer.
    const std::string archive = month_links(6);
    const std::string html = "<!DOCTYPE html><html lang=\"en\"><head><title>A wedding blog</title></head><body>"
        "<div id=\"left\"><div class=\"module\"><p>If you see an image we have not linked or given credit to, please "
        "let us know so we can give proper credit, and if you would prefer we not post it, we will gladly remove it.</p>"
        "</div><ul>" + archive + "</ul></div><div id=\"right\"><div class=\"entry\"><h3>City chic</h3>"
        "<div class=\"entry-content\"><p>Happy Friday! We love this inspiration board and are excited to celebrate "
        "with a couple this weekend.</p></div></div></div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.status, PageStatus::article);
    EXPECT_EQ(page.body, "Happy Friday! We love this inspiration board and are excited to celebrate with a couple this weekend.");
}

TEST(Extract, ASectionUnderABoldLineEndsAtTheNextBoldLine)
{
    // Bold lines stand for the headings of this article; one of them reads like a comment section's
    // title. What it heads ends at the next bold line, like a heading's section at the next heading.
    const std::string html = page_around("<article><div class=\"entry-content\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p><p><strong>Results and discussion</strong></p><p>" + prose(3) + "</p><p><strong>Conclusion</strong></p><p>"
        + prose(4) + "</p><p>" + prose(5) + "</p></div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_TRUE(contains(page.body, prose(2)));
    EXPECT_TRUE(contains(page.body, "Conclusion\n\n" + prose(4) + "\n\n" + prose(5))) << page.body;
}

TEST(Extract, SentencesInALanguageWithoutStopWordListsAreStillProse)
{
    // An English page opens its article with a paragraph in Finnish, a language the stop-word lists
    // do not know: its shape (several sentences of running text) makes it prose.
    const std::string finnish = "Kaupunginvaltuusto päätti tiistaina, että sillan rakentaminen alkaa ensi keväänä. "
        "Hanke maksaa noin kaksikymmentä miljoonaa euroa. Asukkaat ovat odottaneet päätöstä vuosia. "
        "Työt kestävät kaksi vuotta, ja liikenne ohjataan sinä aikana vanhalle tielle.";
    const std::string html = page_around("<article><div class=\"quote\"><p>" + finnish + "</p></div><div class=\"rest\"><p>"
        + prose(1) + "</p></div><p><a href=\"/1\">link</a></p><p><a href=\"/2\">link</a></p><p><a href=\"/3\">link</a></p>"
        "<p><a href=\"/4\">link</a></p></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, finnish + "\n\n" + prose(1));
}

TEST(Extract, AHiddenCopyOfTheStoryIsNotRepeatedInTheBody)
{
    // A/B variants of one story: the hidden one first, then the one shown; plus a reprint notice.
    const std::string story = "<p>" + prose(1) + "</p><p>" + prose(2) + "</p>";
    const std::string html = page_around("<article><p>Reprints: This copy is for your personal, non-commercial use only. "
        "To order presentation-ready copies for distribution to colleagues or clients, visit www.reprints.example."
        "</p><div class=\"variant-b hidden\">" + story + "</div><div class=\"variant-a\">" + story + "</div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, DropsTheAuthorsBioBoxUnderTheArticle)
{
    // The bio is prose too, and the same on every article of its author.
    const std::string bio = "Dana Writer covers the valley's council for the paper. She has lived in the valley for "
        "twenty years, and before that she wrote about farming and water rights for a weekly in the north. Her book "
        "on the river came out in the spring.";
    const std::string html = page_around("<article><div class=\"copy\"><p>" + prose(1) + "</p><p>" + prose(2)
        + "</p></div><div class=\"author-box\"><img src=\"/dana.jpg\"><p>" + bio + "</p></div></article>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, prose(1) + "\n\n" + prose(2));
}

TEST(Extract, DropsTheAuthorsBioEvenWhenItIsThePagesLongestParagraph)
{
    // Short paragraphs of news, then one long paragraph about the author in a box named as a post
    // and as the author's.
    std::string bio = "Dana Writer is the founder and editor of the paper.";
    while (bio.size() < 700)
        bio += " She has written about the valley, its council, its farms and its river for twenty years, and she still likes it.";
    const std::string html = page_around("<article><div class=\"copy\"><p>The council met on Tuesday.</p><p>" + prose(1)
        + "</p><p>" + prose(2) + "</p></div></article><div class=\"post\" id=\"author\"><h3>Dana Writer</h3><p>" + bio + "</p></div>");
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.body, "The council met on Tuesday.\n\n" + prose(1) + "\n\n" + prose(2));
}

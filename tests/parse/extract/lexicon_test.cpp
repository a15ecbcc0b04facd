// tests/parse/extract/lexicon_test.cpp — class/id names as whole tokens, notice phrases and section titles on word
// boundaries.
#include "parse/extract/lexicon.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper::parse;

TEST(ClassHints, MatchesWholeTokensNotSubstrings)
{
    EXPECT_EQ(class_hints("commentary") & hint_comment, 0u);
    EXPECT_NE(class_hints("comment-list") & hint_comment, 0u);
    EXPECT_NE(class_hints("commentList") & hint_comment, 0u);      // camelCase
    EXPECT_NE(class_hints("commentlist") & hint_comment, 0u);      // glued to a structural word
    EXPECT_NE(class_hints("copyright") & hint_footer, 0u);         // the site's notices, wherever they sit
    EXPECT_NE(class_hints("site-disclaimer") & hint_footer, 0u);
    EXPECT_NE(class_hints("profile bio") & hint_byline, 0u);          // an author's bio box
    EXPECT_EQ(class_hints("biology-news") & hint_byline, 0u);
    EXPECT_NE(class_hints("postmetadata alt") & hint_byline, 0u);     // WordPress's "This entry was posted on …" line
    EXPECT_EQ(class_hints("subheadline") & hint_header, 0u);
    EXPECT_NE(class_hints("site_header") & hint_header, 0u);
    EXPECT_NE(class_hints("jp-relatedposts") & hint_related, 0u);
    EXPECT_NE(class_hints("sr-only") & hint_hidden, 0u);           // a keyword across two tokens
    EXPECT_NE(class_hints("screen-reader-text") & hint_screen_reader, 0u);
    EXPECT_EQ(class_hints("hidden_link") & hint_screen_reader, 0u); // hidden, but not text for screen readers alone
    EXPECT_NE(class_hints("articleBody") & hint_body_strong, 0u);
}

TEST(ClassHints, AComponentsHeaderIsNotTheSiteHeader)
{
    EXPECT_EQ(class_hints("table-header") & hint_header, 0u);
    EXPECT_EQ(class_hints("card-header") & hint_header, 0u);
    EXPECT_NE(class_hints("page header") & hint_header, 0u); // two class names: "header" stands alone
}

TEST(ClassHints, TaxonomySlugsAndStateModifiersSayNothing)
{
    EXPECT_EQ(class_hints("tag-creditshelf"), 0u);
    EXPECT_EQ(class_hints("tag-renewable-energy-credits"), 0u);
    EXPECT_EQ(class_hints("category-sidebar-news"), 0u);
    EXPECT_EQ(class_hints("entry-author-jane-doe") & hint_byline, 0u);
    EXPECT_NE(class_hints("tag-list") & hint_tags, 0u);
    EXPECT_NE(class_hints("author-bio") & hint_byline, 0u);
    EXPECT_EQ(class_hints("has-paywall"), 0u);
    EXPECT_EQ(class_hints("no-sidebar"), 0u);
    EXPECT_EQ(class_hints("field--label-hidden") & hint_hidden, 0u); // a BEM modifier
    EXPECT_EQ(class_hints("grid grid-layout--adrail") & negative_hints, 0u);
    EXPECT_NE(class_hints("site-footer--dark") & hint_footer, 0u);
}

TEST(ClassHints, IgnoresPiecesOfHashesAndNumbers)
{
    EXPECT_EQ(class_hints("entry-6a00d83451f23a69e2017d3caa770d970c") & negative_hints, 0u);
    EXPECT_EQ(class_hints("x9ad3") & hint_advert, 0u);
    EXPECT_NE(class_hints("ad-slot-3") & hint_advert, 0u);
}

TEST(NoticeKinds, MatchPhrasesOnWordBoundaries)
{
    EXPECT_EQ(notice_kinds("die mittel wurden gerecht verteilt und das verteilen ging schnell") & notice_share, 0u);
    EXPECT_EQ(notice_kinds("das hat viele vorteilen gebracht") & notice_share, 0u);
    EXPECT_NE(notice_kinds("artikel teilen:") & notice_share, 0u);
    EXPECT_EQ(notice_kinds("die werbungskosten steigen") & notice_advert, 0u);
    EXPECT_NE(notice_kinds("anzeige") & notice_advert, 0u);
    EXPECT_EQ(notice_kinds("in 1404 the city was founded") & notice_error, 0u);
    EXPECT_NE(notice_kinds("error 404") & notice_error, 0u);
    EXPECT_NE(notice_kinds("we use cookies to improve") & notice_consent, 0u); // a stem takes inflections
}

TEST(SectionTitles, MatchWholeWords)
{
    EXPECT_TRUE(is_boilerplate_section_title("related stories"));
    EXPECT_TRUE(is_boilerplate_section_title("top rated comments (12)"));
    EXPECT_TRUE(is_boilerplate_section_title("lesen sie auch:"));
    EXPECT_FALSE(is_boilerplate_section_title("unrelated costs"));
    EXPECT_FALSE(is_boilerplate_section_title("commentary"));
    EXPECT_FALSE(is_boilerplate_section_title("the trendingest hats")); // (a made-up word, still not "trending")
}

TEST(SectionTitles, TheAuthorsBoxIsASectionOfItsOwn)
{
    EXPECT_TRUE(is_boilerplate_section_title("about me"));
    EXPECT_TRUE(is_boilerplate_section_title("about the author"));
    EXPECT_TRUE(is_boilerplate_section_title("über mich"));
    EXPECT_TRUE(is_boilerplate_section_title("about"));
    EXPECT_FALSE(is_boilerplate_section_title("about the study")) << "an ordinary subheading";
    EXPECT_FALSE(is_boilerplate_section_title("what we know about mesut"));
}

TEST(NoticeKinds, ReprintAndTrademarkNoticesAreCopyrightNotices)
{
    EXPECT_NE(notice_kinds("this copy is for your personal, non-commercial use only.") & notice_copyright, 0u);
    EXPECT_NE(notice_kinds("order reprints of this article") & notice_copyright, 0u);
    EXPECT_EQ(notice_kinds("the museum reprints old maps for schools") & notice_copyright, 0u);
    EXPECT_NE(notice_kinds("the league's shield and word mark are trademarks of the league") & notice_copyright, 0u);
}

TEST(NoticeKinds, BlogInvitationsToCommentOrSubscribe)
{
    EXPECT_NE(notice_kinds("if you enjoyed this post, please consider leaving a comment") & notice_comments, 0u);
    EXPECT_NE(notice_kinds("no comments yet.") & notice_comments, 0u);
    EXPECT_NE(notice_kinds("subscribe to the rss feed to have future articles delivered") & notice_subscribe, 0u);
    EXPECT_NE(notice_kinds("fresh ideas right to your inbox!") & notice_subscribe, 0u);
    EXPECT_EQ(notice_kinds("the inbox filled with letters from readers") & notice_subscribe, 0u);
    EXPECT_NE(notice_kinds("this entry was posted on saturday, august 25th, 2012 at 12:23 am and is filed under news. you can "
                           "follow any responses to this entry through the rss 2.0 feed.") & notice_subscribe, 0u);
    EXPECT_EQ(notice_kinds("the entry was posted to the registry on monday") & notice_subscribe, 0u);
}

// tests/fetch/robots_test.cpp — robots.txt matching against the examples of RFC 9309.
#include "fetch/robots.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper::fetch;
using namespace std::chrono_literals;

namespace {

// RFC 9309 section 5.1, "Simple Example".
constexpr const char* rfc_simple_example = R"(User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
)";

} // namespace

TEST(Robots, FoobotMayOnlyFetchWhatItsGroupAllows)
{
    const auto rules = RobotsRules::parse(rfc_simple_example, "foobot");
    EXPECT_TRUE(rules.allowed("/example/page.html"));
    EXPECT_TRUE(rules.allowed("/example/allowed.gif"));
    EXPECT_FALSE(rules.allowed("/example/other.html"));
    EXPECT_FALSE(rules.allowed("/publications/"));
    EXPECT_FALSE(rules.allowed("/"));
}

TEST(Robots, AgentsListedTogetherShareOneGroup)
{
    for (const char* agent : { "barbot", "bazbot" }) {
        const auto rules = RobotsRules::parse(rfc_simple_example, agent);
        EXPECT_FALSE(rules.allowed("/example/page.html")) << agent;
        EXPECT_TRUE(rules.allowed("/example/other.html")) << agent;
        EXPECT_TRUE(rules.allowed("/image.gif")) << agent; // the * group does not apply to them
    }
}

TEST(Robots, AnEmptyGroupAllowsEverything)
{
    const auto rules = RobotsRules::parse(rfc_simple_example, "quxbot");
    EXPECT_TRUE(rules.allowed("/example/page.html"));
    EXPECT_TRUE(rules.allowed("/image.gif"));
}

TEST(Robots, OtherCrawlersFollowTheStarGroup)
{
    const auto rules = RobotsRules::parse(rfc_simple_example, "feedkeeper");
    EXPECT_FALSE(rules.allowed("/image.gif"));
    EXPECT_TRUE(rules.allowed("/image.gif?size=large")); // $ anchors at the end
    EXPECT_FALSE(rules.allowed("/example/"));
    EXPECT_FALSE(rules.allowed("/example/page.html"));
    EXPECT_TRUE(rules.allowed("/publications/"));
    EXPECT_TRUE(rules.allowed("/"));
}

TEST(Robots, TheLongestMatchWins)
{
    // RFC 9309 section 5.2, "Longest Match".
    const auto rules = RobotsRules::parse("User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n", "foobot");
    EXPECT_TRUE(rules.allowed("/example/page/"));
    EXPECT_TRUE(rules.allowed("/example/page/ok.html"));
    EXPECT_FALSE(rules.allowed("/example/page/disallowed.gif"));
}

TEST(Robots, AllowWinsATieOfEquallyLongRules)
{
    const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /page\nAllow: /page\n", "feedkeeper");
    EXPECT_TRUE(rules.allowed("/page"));
}

TEST(Robots, GroupsMatchingTheTokenAreMergedAndMatchedCaseInsensitively)
{
    const auto rules = RobotsRules::parse("User-agent: FeedKeeper\nDisallow: /a/\n\nUser-agent: *\nDisallow: /\n\nuser-agent: feedkeeper/2.0\ndisallow: /b/\n",
        "feedkeeper");
    EXPECT_FALSE(rules.allowed("/a/1"));
    EXPECT_FALSE(rules.allowed("/b/1"));
    EXPECT_TRUE(rules.allowed("/c/1")); // the * group is not used once ours exists
}

TEST(Robots, WildcardsMatchAnyRunAndDollarAnchors)
{
    const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /this/*/exactly$\nDisallow: /*.php\nAllow: /*.php?public=*\n", "feedkeeper");
    EXPECT_FALSE(rules.allowed("/this/path/exactly"));
    EXPECT_FALSE(rules.allowed("/this/a/b/exactly"));
    EXPECT_TRUE(rules.allowed("/this/path/exactly/more"));
    EXPECT_FALSE(rules.allowed("/index.php"));
    EXPECT_FALSE(rules.allowed("/dir/index.php?x=1"));
    EXPECT_TRUE(rules.allowed("/index.php?public=1"));
    EXPECT_TRUE(rules.allowed("/index.html"));
}

TEST(Robots, CommentsAndUnknownRecordsAreIgnored)
{
    const auto rules = RobotsRules::parse("# header\nUser-agent: * # everyone\nSitemap: https://example.com/sitemap.xml\nUser-agent: feedkeeper\n"
                                          "Disallow: /private # not public\nFoo: bar\nDisallow: /tmp\n",
        "feedkeeper");
    EXPECT_FALSE(rules.allowed("/private/x"));
    EXPECT_FALSE(rules.allowed("/tmp"));
    EXPECT_TRUE(rules.allowed("/public"));
}

TEST(Robots, RulesBeforeAnyUserAgentAndEmptyDisallowsApplyToNoOne)
{
    const auto rules = RobotsRules::parse("Disallow: /\nUser-agent: *\nDisallow:\n", "feedkeeper");
    EXPECT_TRUE(rules.allowed("/anything"));
}

TEST(Robots, PathsAndPatternsAreComparedInOnePercentEncoding)
{
    // RFC 9309 2.2.2: non-ASCII is percent-encoded, escapes of unreserved characters are not.
    const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /foo/bar/ツ\nDisallow: /baz\nDisallow: /path/file-with-a-%2A.html\n"
                                          "Disallow: /path/foo-%24\n",
        "feedkeeper");
    EXPECT_FALSE(rules.allowed("/foo/bar/%E3%83%84"));
    EXPECT_FALSE(rules.allowed("/foo/bar/%e3%83%84"));
    EXPECT_FALSE(rules.allowed("/foo/bar/ツ"));
    EXPECT_FALSE(rules.allowed("/%62%61%7A"));
    EXPECT_FALSE(rules.allowed("/path/file-with-a-*.html")); // a literal * spelled %2A in the pattern
    EXPECT_TRUE(rules.allowed("/path/file-with-a-x.html"));
    EXPECT_FALSE(rules.allowed("/path/foo-$"));
    EXPECT_TRUE(rules.allowed("/path/foo-"));
}

TEST(Robots, MatchingIsCaseSensitive)
{
    const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /Private\n", "feedkeeper");
    EXPECT_FALSE(rules.allowed("/Private/a"));
    EXPECT_TRUE(rules.allowed("/private/a"));
}

TEST(Robots, RobotsTxtItselfIsAlwaysAllowed)
{
    EXPECT_TRUE(RobotsRules::parse("User-agent: *\nDisallow: /\n", "feedkeeper").allowed("/robots.txt"));
    EXPECT_TRUE(RobotsRules::disallow_all().allowed("/robots.txt"));
    EXPECT_FALSE(RobotsRules::disallow_all().allowed("/"));
    EXPECT_TRUE(RobotsRules::allow_all().allowed("/anything"));
}

TEST(Robots, ReadsCrawlDelayFromTheMatchingGroup)
{
    const auto rules = RobotsRules::parse("User-agent: *\nCrawl-delay: 10\n\nUser-agent: feedkeeper\nCrawl-delay: 2.5\nDisallow: /x\n", "feedkeeper");
    ASSERT_TRUE(rules.crawl_delay());
    EXPECT_EQ(*rules.crawl_delay(), 2500ms);
    EXPECT_FALSE(RobotsRules::parse("User-agent: *\nCrawl-delay: soon\n", "feedkeeper").crawl_delay());
    EXPECT_FALSE(RobotsRules::parse("User-agent: *\nCrawl-delay: -1\n", "feedkeeper").crawl_delay());
}

TEST(Robots, ToleratesAByteOrderMarkAndCarriageReturns)
{
    const auto rules = RobotsRules::parse("\xEF\xBB\xBFUser-agent: *\r\nDisallow: /private\r\n", "feedkeeper");
    EXPECT_FALSE(rules.allowed("/private"));
    EXPECT_TRUE(rules.allowed("/public"));
}

TEST(Robots, ReadsOnlyTheFirst500KibibytesAndStaysFastOnHostileFiles)
{
    std::string text = "User-agent: *\n";
    while (text.size() < 600 * 1024)
        text += "Disallow: /*a*a*a*a*a*a*a*a*b\n";
    text += "Disallow: /\n"; // beyond the limit: never read
    const auto rules = RobotsRules::parse(text, "feedkeeper");
    EXPECT_TRUE(rules.allowed("/" + std::string(200, 'a')));
}

TEST(Robots, OldMacLineEndingsEndLinesToo)
{
    const auto rules = RobotsRules::parse("User-agent: *\rDisallow: /private\r\rUser-agent: feedkeeper-other\rDisallow: /\r", "feedkeeper");
    EXPECT_FALSE(rules.allowed("/private"));
    EXPECT_TRUE(rules.allowed("/public"));
}

// A pattern of one '*' and a long literal against a long path made the old backtracking matcher
// retry the literal at every offset: seconds on the io thread for one robots.txt.
TEST(Robots, MatchingStaysFastOnPatternsThatMakeBacktrackingQuadratic)
{
    std::string text = "User-agent: *\n";
    for (int i = 0; i < 450; ++i) // 450 KiB: within the 500 KiB that are read
        text += "Disallow: /*" + std::string(1000, 'a') + "b" + std::to_string(i) + "\n";
    const auto rules = RobotsRules::parse(text, "feedkeeper");
    const std::string path = "/" + std::string(20'000, 'a');
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(rules.allowed(path));
    EXPECT_FALSE(rules.allowed(path + "b7"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s); // the backtracking matcher: 7 s (RelWithDebInfo)
}

TEST(Robots, TooLongPatternsAndRulesBeyondTheCapAreIgnored)
{
    std::string text = "User-agent: *\nDisallow: /" + std::string(3000, 'x') + "\n";
    for (int i = 0; i < 20'000; ++i)
        text += "Disallow: /r" + std::to_string(i) + "/\n";
    const auto rules = RobotsRules::parse(text, "feedkeeper");
    EXPECT_TRUE(rules.allowed("/" + std::string(3000, 'x')));
    EXPECT_FALSE(rules.allowed("/r0/"));
    EXPECT_FALSE(rules.allowed("/r9998/"));
    EXPECT_TRUE(rules.allowed("/r19999/")); // past the 10 000 rules kept
}

TEST(Robots, PiecesBetweenWildcardsMatchInOrderWithoutOverlapping)
{
    const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /a*bc*cd$\nDisallow: *x*\nDisallow: /only$\n", "feedkeeper");
    EXPECT_FALSE(rules.allowed("/a-bc-cd"));
    EXPECT_FALSE(rules.allowed("/abccd"));
    EXPECT_TRUE(rules.allowed("/abcd"));     // "bc" and "cd" may not share the 'c'
    EXPECT_TRUE(rules.allowed("/abc-cd-e")); // anchored: "cd" must end the path
    EXPECT_FALSE(rules.allowed("/box"));
    EXPECT_FALSE(rules.allowed("/only"));
    EXPECT_TRUE(rules.allowed("/onlyme"));
}

TEST(Robots, ProductTokenIsTheLeadingNameOfTheUserAgent)
{
    EXPECT_EQ(product_token("feedkeeper/0.1 (+https://example.com)"), "feedkeeper");
    EXPECT_EQ(product_token("FooBot"), "foobot");
    EXPECT_EQ(product_token("Mozilla/5.0 (compatible; Foo-Bot/1.0)"), "mozilla");
}

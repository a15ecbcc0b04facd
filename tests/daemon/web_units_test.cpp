// tests/daemon/web_units_test.cpp — the web view's pure parts: escaping, safe links, query
// strings, the template layer and the word diff.
#include "daemon/web/diff.hpp"
#include "daemon/web/html.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper::daemon::web;

namespace {

std::string show(const std::vector<DiffPiece>& pieces)
{
    std::string out;
    for (const auto& piece : pieces)
        out += piece.op == DiffOp::same ? piece.text : piece.op == DiffOp::removed ? "[-" + piece.text + "]" : "{+" + piece.text + "}";
    return out;
}

} // namespace

TEST(WebHtml, EscapesEveryCharacterThatOpensMarkupOrEndsAnAttribute)
{
    EXPECT_EQ(escape_html("<script>\"a\" & 'b'</script>"), "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
    EXPECT_EQ(escape_html("caf\xC3\xA9"), "caf\xC3\xA9") << "valid UTF-8 stays";
    EXPECT_EQ(escape_html(std::string("a\xFF", 2)), "a\xEF\xBF\xBD") << "invalid bytes become U+FFFD";
}

TEST(WebHtml, LinksKeepOnlyHttpAndHttpsAddresses)
{
    EXPECT_EQ(safe_href("https://example.org/a?b=1"), "https://example.org/a?b=1");
    EXPECT_EQ(safe_href("  http://example.org/ "), "http://example.org/");
    for (const char* hostile : { "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>",
             "vbscript:x", "file:///etc/passwd", "//evil.example/", "/relative", "http://exa\nmple.org/", "" })
        EXPECT_EQ(safe_href(hostile), "") << hostile;
}

TEST(WebHtml, QueryStringsAreDecodedWithinTheirCaps)
{
    const auto query = parse_query("q=caf%C3%A9+au+lait&feed=2&empty=&flag");
    ASSERT_TRUE(query);
    EXPECT_EQ(query->at("q"), "caf\xC3\xA9 au lait");
    EXPECT_EQ(query->at("feed"), "2");
    EXPECT_EQ(query->at("empty"), "");
    EXPECT_EQ(query->at("flag"), "");
    EXPECT_FALSE(parse_query("q=%zz"));
    EXPECT_FALSE(parse_query("q=%4"));
    EXPECT_FALSE(parse_query("q=" + std::string(max_query_value + 1, 'a')));
    std::string many;
    for (std::size_t i = 0; i <= max_query_parameters; ++i)
        many += "p" + std::to_string(i) + "=1&";
    EXPECT_FALSE(parse_query(many));
    EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(WebHtml, TheTemplateEscapesUnlessTheMarkupIsTrusted)
{
    EXPECT_EQ(render("<a title=\"{t}\">{body}</a>{{x}", { { "t", std::string("\"><img onerror=x>") }, { "body", Trusted { "<b>ok</b>" } } }),
        "<a title=\"&quot;&gt;&lt;img onerror=x&gt;\"><b>ok</b></a>{x}");
    EXPECT_THROW(render("{missing}", {}), std::logic_error) << "a forgotten value is a bug, not an empty string";
}

TEST(WebDiff, MarksWordsAddedAndRemovedBetweenCommonHeadAndTail)
{
    EXPECT_EQ(show(word_diff("the quick brown fox", "the quick red fox")), "the quick [-brown ]{+red }fox");
    EXPECT_EQ(show(word_diff("a b c", "a b c")), "a b c");
    EXPECT_EQ(show(word_diff("", "new text")), "{+new text}");
    EXPECT_EQ(show(word_diff("old text", "")), "[-old text]");
    EXPECT_EQ(show(word_diff("one two three four", "zero one three four five")), "{+zero }one [-two ]three four {+five}");
    EXPECT_EQ(show(word_diff("a\n\nb", "a b")), "a b") << "whitespace alone is no change";
}

TEST(WebDiff, PastItsCapTheChangedMiddleIsOneRemovalAndOneAddition)
{
    std::string before, after;
    for (int i = 0; i < 200; ++i) {
        before += "w" + std::to_string(i) + " ";
        after += "w" + std::to_string(i % 2 ? i : i + 1000) + " ";
    }
    const auto capped = word_diff("start " + before + "end", "start " + after + "end", 1000);
    ASSERT_EQ(capped.size(), 4u) << show(capped);
    EXPECT_EQ(capped[0].text, "start ");
    EXPECT_EQ(capped[1].op, DiffOp::removed);
    EXPECT_EQ(capped[2].op, DiffOp::added);
    EXPECT_EQ(capped[3].text, "w199 end") << "the common tail (odd words stayed)";
    EXPECT_GT(word_diff("start " + before + "end", "start " + after + "end").size(), 100u) << "within the cap, word by word";
}

// parse/extract/classify.cpp — page status from the extracted body and the page's evidence.
// Pure. Safe on any thread.
//
// Order matters: an error page or a consent wall can look like a short article, and a paywalled
// article is still an article with a short body, so those are decided before "too little text".
#include "parse/extract/classify.hpp"

#include "parse/extract/lexicon.hpp"
#include "parse/extract/tuning.hpp"
#include "parse/text/characters.hpp"

namespace feedkeeper::parse {
namespace {

constexpr std::uint32_t short_body = 1500;  // characters: a teaser, a notice, an error message
constexpr std::uint32_t minimal_body = 150; // characters: less is not an article (a brief has more)

// Distinct consent phrases in `lower` (each family counted once).
int consent_phrases(std::string_view lower)
{
    static constexpr std::string_view phrases[] = { "cookie", "consent", "privacy policy", "datenschutz",
        "partners", "einwilligung", "personal data", "personenbezogene", "legitimate interest",
        "berechtigtes interesse", "персональных данных", "согласие", "файлы cookie", "vendors", "données personnelles" };
    int count = 0;
    for (std::string_view phrase : phrases)
        count += lower.find(phrase) != std::string_view::npos;
    return count;
}

// The buttons of a consent dialog, as its text names them.
bool consent_actions(std::string_view lower)
{
    static constexpr std::string_view actions[] = { "accept", "i agree", "agree and", "akzeptieren", "zustimmen",
        "einverstanden", "reject", "ablehnen", "manage", "preferences", "einstellungen", "settings", "принять",
        "согласен", "accepter", "aceptar" };
    for (std::string_view action : actions) {
        if (lower.find(action) != std::string_view::npos)
            return true;
    }
    return false;
}

bool says_error(const PageEvidence& evidence)
{
    const auto error = [](std::string_view text) {
        const std::string lower = lower_utf8(text);
        return lower.size() < 200 && (notice_kinds(lower) & notice_error) != 0;
    };
    if (error(evidence.document_title))
        return true;
    for (const std::string& heading : evidence.headings) {
        if (error(heading))
            return true;
    }
    return false;
}

} // namespace

PageStatus classify_page(const PageEvidence& evidence)
{
    const std::string lower_body = lower_utf8(evidence.body.substr(0, 20'000));
    const std::string_view lower_container = evidence.container_text;
    if (evidence.body_chars < short_body && says_error(evidence))
        return PageStatus::error_page;

    // A consent wall: the body is consent text, or the page is a consent dialog around next to nothing.
    // The consent text must outweigh the body: a short article with a cookie banner stays an article.
    const bool body_is_consent = (evidence.body_chars < short_body || evidence.container_consent)
        && evidence.container_consent_chars >= evidence.body_chars && consent_phrases(lower_container) >= 2
        && consent_actions(lower_container);
    const bool wall_around_nothing = evidence.consent_chars >= 150 && evidence.body_chars < minimal_body;
    if (body_is_consent || wall_around_nothing)
        return PageStatus::consent_wall;

    const bool paywalled = evidence.accessible_for_free == false || evidence.paywall_chars > 0 || evidence.paywall_text
        || (notice_kinds(lower_body) & notice_paywall) != 0;
    if (paywalled && evidence.body_chars < short_body && (evidence.body_chars > 0 || evidence.structured_article))
        return PageStatus::paywall;

    // The post under the page's headline is the article however short it is (a photo post's one
    // line, a link post): the headline says which text the page is about.
    if (evidence.headline_post && evidence.body_chars >= tuning.headline_post_min_chars)
        return PageStatus::article;
    // "No article here" only when nothing in the body reads as prose: a short post of one real
    // sentence is an article; a page of links and labels is not.
    if (evidence.prose_chars == 0
        || (evidence.body_chars < minimal_body && evidence.prose_chars < tuning.minimal_prose_chars
            && !(evidence.structured_article && evidence.body_chars >= 60)))
        return PageStatus::not_article;
    // A listing: other stories' teasers outweigh the "body" many times over, nothing says article
    // and no paragraph of the body is long prose.
    if (!evidence.structured_article && !evidence.long_prose && evidence.teaser_chars > 4 * evidence.body_chars
        && evidence.body_blocks < 4)
        return PageStatus::not_article;
    return PageStatus::article;
}

} // namespace feedkeeper::parse

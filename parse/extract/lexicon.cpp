// parse/extract/lexicon.cpp — class/id keyword tables, notice phrases, section titles.
// Pure; the lookup tables are constants (function-local statics, built once). Safe on any thread.
#include "parse/extract/lexicon.hpp"

#include "core/text.hpp"

#include <array>
#include <cassert>
#include <unordered_map>
#include <utility>
#include <vector>

namespace feedkeeper::parse {
namespace {

struct Keyword {
    std::string_view text;
    std::uint32_t hints;
};

// Class and id names are cut into tokens (at '-', '_', ':', digits and camelCase humps) and
// matched as whole tokens: "header" fires on "site-header" but not inside "subheadline", "comment"
// not inside "commentary". A keyword may span adjacent tokens ("article-body", "sr-only") or be
// glued to a structural word ("commentlist", "topnav", "relatedposts"); a plural 's' is allowed.
constexpr Keyword token_keywords[] = {
    { "comment", hint_comment }, { "disqus", hint_comment }, { "respond", hint_comment },
    { "share", hint_share }, { "sharing", hint_share }, { "social", hint_share }, { "sociable", hint_share },
    { "addthis", hint_share }, { "followus", hint_share }, { "sharedaddy", hint_share },
    { "related", hint_related }, { "recommend", hint_related }, { "recommended", hint_related },
    { "recommendation", hint_related }, { "morestories", hint_related }, { "readnext", hint_related },
    { "alsoread", hint_related }, { "readalso", hint_related }, { "seealso", hint_related }, { "youmay", hint_related },
    { "youmight", hint_related }, { "upnext", hint_related }, { "recirc", hint_related }, { "trending", hint_related },
    { "mostpopular", hint_related }, { "mostread", hint_related }, { "popular", hint_related },
    { "outbrain", hint_advert }, { "taboola", hint_advert },
    { "newsletter", hint_promotion }, { "subscribe", hint_promotion }, { "signup", hint_promotion },
    { "donate", hint_promotion }, { "donation", hint_promotion }, { "recruit", hint_promotion },
    { "recruiting", hint_promotion }, { "optin", hint_promotion }, { "membership", hint_promotion },
    { "cookie", hint_consent }, { "consent", hint_consent }, { "gdpr", hint_consent }, { "onetrust", hint_consent },
    { "didomi", hint_consent }, { "cookiebot", hint_consent }, { "usercentrics", hint_consent }, { "cmp", hint_consent },
    { "advert", hint_advert }, { "advertisement", hint_advert }, { "adsense", hint_advert }, { "adslot", hint_advert },
    { "adunit", hint_advert }, { "adwrap", hint_advert }, { "adcontainer", hint_advert }, { "adbox", hint_advert },
    { "sponsor", hint_advert }, { "sponsored", hint_advert }, { "promoted", hint_advert }, { "googlead", hint_advert },
    { "dfpad", hint_advert }, { "ad", hint_advert }, { "adv", hint_advert }, { "dfp", hint_advert },
    { "promo", hint_advert },
    { "navbar", hint_navigation }, { "navigation", hint_navigation }, { "nav", hint_navigation },
    { "menu", hint_navigation }, { "breadcrumb", hint_navigation }, { "pagination", hint_navigation },
    { "pager", hint_navigation }, { "skiplink", hint_navigation }, { "skip", hint_navigation },
    { "sidebar", hint_sidebar }, { "widget", hint_sidebar }, { "rail", hint_sidebar }, { "aside", hint_sidebar },
    { "footer", hint_footer }, { "colophon", hint_footer }, { "copyright", hint_footer }, { "disclaimer", hint_footer },
    { "header", hint_header }, { "masthead", hint_header },
    { "byline", hint_byline }, { "author", hint_byline }, { "bio", hint_byline }, { "biography", hint_byline },
    { "dateline", hint_byline }, { "postedon", hint_byline },
    { "entrymeta", hint_byline }, { "postmeta", hint_byline }, { "postmetadata", hint_byline }, { "articlemeta", hint_byline },
    { "timestamp", hint_byline }, { "pubdate", hint_byline }, { "publishdate", hint_byline }, { "meta", hint_byline },
    { "date", hint_byline },
    { "caption", hint_caption }, { "credit", hint_caption },
    { "hidden", hint_hidden }, { "sronly", hint_hidden | hint_screen_reader }, { "screenreader", hint_hidden | hint_screen_reader },
    { "visuallyhidden", hint_hidden | hint_screen_reader }, { "offscreen", hint_hidden | hint_screen_reader }, { "invisible", hint_hidden },
    { "hide", hint_hidden },
    { "modal", hint_popup }, { "popup", hint_popup }, { "overlay", hint_popup }, { "lightbox", hint_popup },
    { "dialog", hint_popup }, { "backdrop", hint_popup },
    { "paywall", hint_paywall }, { "regwall", hint_paywall }, { "premium", hint_paywall }, { "meter", hint_paywall },
    { "taglist", hint_tags }, { "tagcloud", hint_tags }, { "keyword", hint_tags }, { "categories", hint_tags },
    { "catlinks", hint_tags }, { "tagslinks", hint_tags }, { "tag", hint_tags }, { "topic", hint_tags },
    { "toolbar", hint_tools }, { "rating", hint_tools }, { "fontsize", hint_tools }, { "textsize", hint_tools },
    { "print", hint_tools }, { "tool", hint_tools },
    { "articlebody", hint_body_strong }, { "articlecontent", hint_body_strong }, { "articletext", hint_body_strong },
    { "articlecopy", hint_body_strong }, { "entrycontent", hint_body_strong }, { "entrybody", hint_body_strong },
    { "entrytext", hint_body_strong }, { "postcontent", hint_body_strong }, { "postbody", hint_body_strong },
    { "posttext", hint_body_strong }, { "postentry", hint_body_strong }, { "storybody", hint_body_strong },
    { "storycontent", hint_body_strong }, { "storytext", hint_body_strong }, { "bodytext", hint_body_strong },
    { "bodycopy", hint_body_strong }, { "contentbody", hint_body_strong }, { "fieldbody", hint_body_strong },
    { "richtext", hint_body_strong },
    { "article", hint_body_weak | hint_post }, { "content", hint_body_weak }, { "entry", hint_body_weak | hint_post },
    { "hentry", hint_body_weak | hint_post }, { "post", hint_body_weak | hint_post }, { "story", hint_body_weak | hint_post },
    { "text", hint_body_weak }, { "body", hint_body_weak }, { "main", hint_body_weak }, { "blog", hint_body_weak },
};

// Words that say where or what shape a part is, not what it is: glued to a keyword they keep its
// meaning ("commentlist", "topnav", "sidebarleft").
constexpr std::string_view structural_words[] = { "list", "box", "bar", "area", "wrap", "wrapper", "container",
    "block", "section", "links", "link", "posts", "items", "item", "panel", "module", "holder", "inner", "outer",
    "form", "count", "button", "buttons", "title", "icons", "top", "bottom", "left", "right", "main", "site", "page",
    "global", "primary", "secondary", "sub", "mobile", "wp", "jp", "cloud", "bio", "info", "name", "avatar",
    "details", "card", "profile", "description", "label", "widget", "nav", "meta", "content", "head" };

// A first token that makes the rest a value, not a role: WordPress and Drupal taxonomy classes
// ("tag-creditshelf", "category-politics", "author-jane-doe", "format-standard") name the post's
// terms; a slug's words say nothing about the element.
constexpr std::string_view taxonomy_keys[] = { "tag", "category", "cat", "author", "format", "type", "status",
    "term", "topic", "postid", "pageid", "series", "genre", "taxonomy", "language", "lang", "user", "field" };

// A first token that makes the name a state of the page or element ("has-sidebar", "no-paywall",
// "is-premium", "with-comments"), not its role.
constexpr std::string_view state_modifiers[] = { "has", "no", "with", "without", "is", "enable", "enabled",
    "disable", "disabled", "show" };

// Components whose own header is their title row, not the site's masthead ("table-header",
// "card-header", "entry-header").
constexpr std::string_view components[] = { "table", "card", "entry", "post", "article", "story", "section",
    "widget", "panel", "box", "modal", "dialog", "comment", "comments", "block", "content", "item", "list", "tab",
    "accordion", "column", "col", "grid", "cell", "field", "teaser", "page", "module" };

template <std::size_t N>
bool is_one_of(std::string_view word, const std::string_view (&table)[N])
{
    for (std::string_view entry : table) {
        if (word == entry)
            return true;
    }
    return false;
}

const std::unordered_map<std::string_view, std::uint32_t>& keyword_table()
{
    static const std::unordered_map<std::string_view, std::uint32_t> table = [] {
        std::unordered_map<std::string_view, std::uint32_t> built;
        for (const Keyword& keyword : token_keywords)
            built[keyword.text] |= keyword.hints;
        return built;
    }();
    return table;
}


// The hints of one word: the word itself, its singular, or two known words glued together
// ("commentlist", "topnav", "commentbody": a keyword beside a structural word or another keyword).
std::uint32_t word_hints(std::string_view word)
{
    const auto& table = keyword_table();
    const auto exact = [&](std::string_view w) -> std::uint32_t {
        if (w.size() < 2)
            return 0;
        if (auto found = table.find(w); found != table.end())
            return found->second;
        if (w.size() > 3 && w.back() == 's') {
            if (auto found = table.find(w.substr(0, w.size() - 1)); found != table.end())
                return found->second;
        }
        return 0;
    };
    if (const std::uint32_t hints = exact(word))
        return hints;
    for (std::size_t cut = 2; cut + 2 <= word.size(); ++cut) {
        const std::string_view left = word.substr(0, cut);
        const std::string_view right = word.substr(cut);
        const std::uint32_t left_hints = exact(left);
        const std::uint32_t right_hints = exact(right);
        if ((left_hints || is_one_of(left, structural_words)) && (right_hints || is_one_of(right, structural_words))
            && (left_hints | right_hints))
            return left_hints | right_hints;
    }
    return 0;
}

std::uint32_t one_class_hints(std::string_view name)
{
    // BEM: after "--" comes a modifier, a variant of the block ("grid--adrail", "field--label-hidden"),
    // which says how it looks or what sits beside it, not what it is.
    name = name.substr(0, name.find("--"));
    std::vector<std::string> tokens;
    std::string word;
    bool after_digit = false; // the word touches a digit: short ones are pieces of a hash or a number
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    for (std::size_t i = 0; i <= name.size(); ++i) {
        const char c = i < name.size() ? name[i] : '\0';
        const bool hump = i > 0 && c >= 'A' && c <= 'Z' && name[i - 1] >= 'a' && name[i - 1] <= 'z';
        if (!is_ascii_letter(c) || hump) {
            if (!word.empty() && !((after_digit || is_digit(c)) && word.size() < 4))
                tokens.push_back(word);
            word.clear();
        }
        if (is_ascii_letter(c)) {
            if (word.empty())
                after_digit = i > 0 && is_digit(name[i - 1]);
            word.push_back(lower_ascii(c));
        }
    }
    if (tokens.empty())
        return 0;
    if (is_one_of(tokens[0], state_modifiers))
        return 0;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (is_one_of(tokens[i], taxonomy_keys) && !is_one_of(tokens[i + 1], structural_words)) {
            tokens.resize(i); // "entry-author-jane-doe": a post's term from here on
            break;
        }
    }
    std::uint32_t hints = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        std::uint32_t own = word_hints(tokens[i]);
        if ((own & hint_header) && i > 0 && is_one_of(tokens[i - 1], components))
            own &= ~hint_header; // a component's own header: its title row
        hints |= own;
        std::string joined = tokens[i];
        for (std::size_t j = i + 1; j < tokens.size() && j < i + 3; ++j) {
            joined += tokens[j];
            if (auto found = keyword_table().find(joined); found != keyword_table().end())
                hints |= found->second;
        }
    }
    return hints;
}

struct Phrase {
    std::string_view text;
    std::uint32_t kinds;
    bool prefix = false; // a stem: may be followed by more letters (inflections, compounds)
};

constexpr Phrase notice_phrases[] = {
    // subscribe / follow
    { "newsletter", notice_subscribe, true }, { "subscribe to", notice_subscribe }, { "sign up for", notice_subscribe },
    { "sign up to", notice_subscribe }, { "follow us", notice_subscribe }, { "join our", notice_subscribe },
    { "abonnieren", notice_subscribe, true }, { "melden sie sich", notice_subscribe }, { "folgen sie uns", notice_subscribe },
    { "подпишитесь", notice_subscribe }, { "подписаться", notice_subscribe }, { "рассылк", notice_subscribe, true },
    { "inscrivez-vous", notice_subscribe }, { "suscríbete", notice_subscribe }, { "iscriviti", notice_subscribe },
    { "rss feed", notice_subscribe }, { "subscribing to", notice_subscribe }, { "to your inbox", notice_subscribe },
    // a blog engine's line under the post ("This entry was posted on … You can follow any responses to this entry")
    { "this entry was posted", notice_subscribe }, { "responses to this entry", notice_subscribe },
    { "trackback from your own site", notice_subscribe },
    // recruiting
    { "we are hiring", notice_recruiting }, { "we're hiring", notice_recruiting }, { "join our team", notice_recruiting },
    { "send your cv", notice_recruiting }, { "send your resume", notice_recruiting }, { "cover letter", notice_recruiting },
    { "lebenslauf", notice_recruiting, true }, { "bewerbungsschreiben", notice_recruiting }, { "arbeitsprobe", notice_recruiting },
    { "stellenangebot", notice_recruiting, true }, { "sucht lokale", notice_recruiting }, { "резюме", notice_recruiting },
    { "вакансии", notice_recruiting }, { "ищем авторов", notice_recruiting },
    // donation
    { "donate", notice_donation }, { "donation", notice_donation, true }, { "support our journalism", notice_donation },
    { "support independent", notice_donation }, { "become a member", notice_donation }, { "patreon", notice_donation },
    { "spenden", notice_donation }, { "unterstützen sie uns", notice_donation }, { "пожертв", notice_donation, true },
    { "поддержите", notice_donation }, { "faire un don", notice_donation },
    // related
    { "see also", notice_related }, { "read more", notice_related }, { "read also", notice_related },
    { "also read", notice_related }, { "related:", notice_related }, { "related articles", notice_related },
    { "related stories", notice_related }, { "you may also like", notice_related }, { "you might also like", notice_related },
    { "more from", notice_related }, { "don't miss", notice_related }, { "siehe auch", notice_related },
    { "lesen sie auch", notice_related }, { "mehr zum thema", notice_related }, { "weiterlesen", notice_related },
    { "читайте также", notice_related }, { "смотрите также", notice_related }, { "читать далее", notice_related },
    { "lire aussi", notice_related }, { "voir aussi", notice_related }, { "lee también", notice_related },
    { "leggi anche", notice_related },
    // share
    { "share this", notice_share }, { "share on", notice_share }, { "click to share", notice_share },
    { "teilen", notice_share }, { "поделиться", notice_share }, { "partager", notice_share }, { "compartir", notice_share },
    // copyright
    { "all rights reserved", notice_copyright }, { "\xC2\xA9", notice_copyright }, { "copyright", notice_copyright },
    { "alle rechte vorbehalten", notice_copyright }, { "все права защищены", notice_copyright },
    { "tous droits réservés", notice_copyright }, { "todos los derechos", notice_copyright },
    { "non-commercial use only", notice_copyright }, { "order reprints", notice_copyright },
    { "reprints and permissions", notice_copyright }, { "nur zum persönlichen gebrauch", notice_copyright },
    { "registered trademark", notice_copyright }, { "are trademarks of", notice_copyright },
    { "is a trademark of", notice_copyright },
    // consent
    { "cookie", notice_consent, true }, { "consent", notice_consent, true }, { "we value your privacy", notice_consent },
    { "accept all", notice_consent }, { "privacy settings", notice_consent }, { "einwilligung", notice_consent, true },
    { "datenschutzeinstellungen", notice_consent, true }, { "alle akzeptieren", notice_consent }, { "zustimmen", notice_consent },
    { "файлы cookie", notice_consent }, { "согласие", notice_consent }, { "персональных данных", notice_consent },
    { "nous utilisons des cookies", notice_consent }, { "utilizamos cookies", notice_consent },
    // paywall
    { "subscribers only", notice_paywall }, { "for subscribers", notice_paywall }, { "to continue reading", notice_paywall },
    { "already a subscriber", notice_paywall }, { "subscribe now", notice_paywall }, { "start your free trial", notice_paywall },
    { "to read the full", notice_paywall }, { "create a free account", notice_paywall }, { "log in to read", notice_paywall },
    { "nur für abonnenten", notice_paywall }, { "jetzt abonnieren", notice_paywall }, { "weiterlesen mit", notice_paywall },
    { "exklusiv für abonnenten", notice_paywall }, { "только подписчикам", notice_paywall },
    { "оформите подписку", notice_paywall }, { "réservé aux abonnés", notice_paywall },
    // error
    { "page not found", notice_error }, { "404", notice_error }, { "not found", notice_error },
    { "no longer available", notice_error }, { "does not exist", notice_error }, { "can't find the page", notice_error },
    { "couldn't find the page", notice_error }, { "seite nicht gefunden", notice_error }, { "nicht gefunden", notice_error },
    { "existiert nicht", notice_error }, { "страница не найдена", notice_error }, { "page introuvable", notice_error },
    { "página no encontrada", notice_error }, { "pagina non trovata", notice_error },
    // advertisement labels
    { "advertisement", notice_advert }, { "anzeige", notice_advert }, { "werbung", notice_advert },
    { "реклама", notice_advert }, { "publicité", notice_advert }, { "sponsored", notice_advert },
    // credits
    { "photo:", notice_credit }, { "image:", notice_credit }, { "foto:", notice_credit }, { "bild:", notice_credit },
    { "фото:", notice_credit }, { "getty images", notice_credit }, { "image copyright", notice_credit },
    { "image caption", notice_credit }, { "photograph:", notice_credit }, { "credit:", notice_credit },
    // comments
    { "leave a comment", notice_comments }, { "leave a reply", notice_comments }, { "post a comment", notice_comments },
    { "leaving a comment", notice_comments }, { "no comments yet", notice_comments },
    { "schreibe einen kommentar", notice_comments }, { "kommentar schreiben", notice_comments },
    { "комментари", notice_comments, true },
};

// A letter or digit of any script (every byte of a multi-byte UTF-8 sequence counts as one): a
// phrase must not continue a word on either side ("teilen" is not in "verteilen").
bool is_word_byte(unsigned char c) { return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `phrase` in `lower_text` as whole words ("related" is not in "unrelated").
bool contains_words(std::string_view lower_text, std::string_view phrase)
{
    for (std::size_t at = lower_text.find(phrase); at != std::string_view::npos; at = lower_text.find(phrase, at + 1)) {
        const std::size_t end = at + phrase.size();
        const bool starts_word = at == 0 || !is_word_byte(static_cast<unsigned char>(lower_text[at - 1]));
        const bool ends_word = end == lower_text.size() || !is_word_byte(static_cast<unsigned char>(lower_text[end]));
        if (starts_word && ends_word)
            return true;
    }
    return false;
}

constexpr std::string_view section_titles[] = {
    "comments", "comment", "leave a reply", "leave a comment", "join the conversation", "discussion", "related",
    "more from", "more stories", "more news", "read more", "read next", "recommended", "you may also like",
    "you might also like", "you may be interested", "most popular", "most read", "most viewed", "trending",
    "latest news", "latest stories", "more on this", "around the web", "sponsored", "promoted", "also read",
    "don't miss", "siehe auch", "lesen sie auch", "mehr zum thema", "könnte sie auch interessieren", "kommentare",
    "verwandte artikel", "weitere artikel", "meistgelesen", "das könnte sie", "читайте также", "комментарии",
    "похожие статьи", "по теме", "популярное", "lire aussi", "commentaires", "à lire aussi", "te puede interesar",
    "comentarios", "noticias relacionadas", "leggi anche", "commenti",
    // The author's or the blog's box beside the post.
    "about me", "about the author", "about the authors", "about us", "about this blog", "about the blog", "über mich",
    "über den autor", "über die autorin", "à propos de l'auteur", "sobre el autor", "sobre mí",
};

} // namespace

bool is_boilerplate_section_title(std::string_view lower_text)
{
    if (lower_text.size() > 60)
        return false;
    if (lower_text == "about")
        return true; // alone; "about" in a longer heading is an ordinary word
    for (std::string_view title : section_titles) {
        if (contains_words(lower_text, title))
            return true;
    }
    return false;
}

std::uint32_t class_hints(std::string_view value)
{
    std::uint32_t hints = 0;
    for (std::string_view name : split(value, ' ')) {
        if (!name.empty())
            hints |= one_class_hints(name);
    }
    return hints;
}

// Phrases indexed by their first two bytes: one pass over the text finds them all.
struct PhraseIndex {
    std::vector<std::uint16_t> first;                  // per two-byte prefix: start in `phrases`
    std::vector<std::uint16_t> count;                  // and how many
    std::vector<const Phrase*> phrases;
};

const PhraseIndex& phrase_index()
{
    static const PhraseIndex index = [] {
        PhraseIndex built;
        built.first.assign(65536, 0);
        built.count.assign(65536, 0);
        const auto key = [](const Phrase& phrase) {
            return static_cast<std::size_t>(static_cast<unsigned char>(phrase.text[0])) << 8
                | static_cast<unsigned char>(phrase.text[1]);
        };
        std::vector<std::vector<const Phrase*>> buckets(65536);
        for (const Phrase& phrase : notice_phrases) {
            assert(phrase.text.size() >= 2); // indexed by the first two bytes
            buckets[key(phrase)].push_back(&phrase);
        }
        for (std::size_t k = 0; k < buckets.size(); ++k) {
            built.first[k] = static_cast<std::uint16_t>(built.phrases.size());
            built.count[k] = static_cast<std::uint16_t>(buckets[k].size());
            built.phrases.insert(built.phrases.end(), buckets[k].begin(), buckets[k].end());
        }
        return built;
    }();
    return index;
}

std::uint32_t notice_kinds(std::string_view lower_text)
{
    const PhraseIndex& index = phrase_index();
    std::uint32_t kinds = 0;
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(lower_text[at]); };
    for (std::size_t i = 0; i + 1 < lower_text.size(); ++i) {
        const std::size_t key = static_cast<std::size_t>(byte(i)) << 8 | byte(i + 1);
        const std::uint16_t count = index.count[key];
        if (count == 0 || (i > 0 && is_word_byte(byte(i - 1)) && is_word_byte(byte(i))))
            continue;
        for (std::uint16_t k = 0; k < count; ++k) {
            const Phrase& phrase = *index.phrases[index.first[key] + k];
            if (kinds & phrase.kinds || lower_text.substr(i, phrase.text.size()) != phrase.text)
                continue;
            // Phrases that are word stems ("рассылк", "комментари") or end in punctuation match as
            // prefixes; the others must end where a word ends.
            const std::size_t end = i + phrase.text.size();
            if (end < lower_text.size() && is_word_byte(byte(end)) && is_word_byte(byte(end - 1)) && !phrase.prefix)
                continue;
            kinds |= phrase.kinds;
        }
    }
    return kinds;
}

} // namespace feedkeeper::parse

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

// Matched anywhere inside one class name with '-', '_' and ':' removed ("jp-relatedposts").
constexpr Keyword substring_keywords[] = {
    { "comment", hint_comment }, { "disqus", hint_comment }, { "respond", hint_comment },
    { "share", hint_share }, { "sharing", hint_share }, { "social", hint_share }, { "sociable", hint_share },
    { "addthis", hint_share }, { "followus", hint_share },
    { "related", hint_related }, { "recommend", hint_related }, { "morestories", hint_related },
    { "readnext", hint_related }, { "alsoread", hint_related }, { "readalso", hint_related },
    { "seealso", hint_related }, { "youmay", hint_related }, { "youmight", hint_related }, { "upnext", hint_related },
    { "recirc", hint_related }, { "outbrain", hint_advert }, { "taboola", hint_advert }, { "trending", hint_related },
    { "mostpopular", hint_related }, { "mostread", hint_related }, { "popular", hint_related },
    { "newsletter", hint_promotion }, { "subscribe", hint_promotion }, { "signup", hint_promotion },
    { "donate", hint_promotion }, { "donation", hint_promotion }, { "recruit", hint_promotion },
    { "optin", hint_promotion }, { "membership", hint_promotion },
    { "cookie", hint_consent }, { "consent", hint_consent }, { "gdpr", hint_consent }, { "onetrust", hint_consent },
    { "didomi", hint_consent }, { "cookiebot", hint_consent }, { "usercentrics", hint_consent },
    { "advert", hint_advert }, { "adsense", hint_advert }, { "adslot", hint_advert }, { "adunit", hint_advert },
    { "adwrap", hint_advert }, { "adcontainer", hint_advert }, { "adbox", hint_advert }, { "sponsor", hint_advert },
    { "promoted", hint_advert }, { "googlead", hint_advert }, { "dfpad", hint_advert },
    { "navbar", hint_navigation }, { "navigation", hint_navigation }, { "menu", hint_navigation },
    { "breadcrumb", hint_navigation }, { "pagination", hint_navigation }, { "pager", hint_navigation },
    { "skiplink", hint_navigation }, { "sidebar", hint_sidebar }, { "widget", hint_sidebar },
    { "footer", hint_footer }, { "colophon", hint_footer }, { "header", hint_header }, { "masthead", hint_header },
    { "byline", hint_byline }, { "author", hint_byline }, { "dateline", hint_byline }, { "postedon", hint_byline },
    { "entrymeta", hint_byline }, { "postmeta", hint_byline }, { "articlemeta", hint_byline },
    { "timestamp", hint_byline }, { "pubdate", hint_byline }, { "publishdate", hint_byline },
    { "caption", hint_caption }, { "credit", hint_caption },
    { "hidden", hint_hidden }, { "sronly", hint_hidden }, { "screenreader", hint_hidden },
    { "visuallyhidden", hint_hidden }, { "offscreen", hint_hidden }, { "invisible", hint_hidden },
    { "modal", hint_popup }, { "popup", hint_popup }, { "overlay", hint_popup }, { "lightbox", hint_popup },
    { "paywall", hint_paywall }, { "regwall", hint_paywall }, { "premium", hint_paywall },
    { "taglist", hint_tags }, { "tagcloud", hint_tags }, { "keywords", hint_tags }, { "categories", hint_tags },
    { "catlinks", hint_tags }, { "tagslinks", hint_tags }, { "toolbar", hint_tools }, { "rating", hint_tools },
    { "fontsize", hint_tools }, { "textsize", hint_tools },
    { "articlebody", hint_body_strong }, { "articlecontent", hint_body_strong }, { "articletext", hint_body_strong },
    { "articlecopy", hint_body_strong }, { "entrycontent", hint_body_strong }, { "entrybody", hint_body_strong },
    { "entrytext", hint_body_strong }, { "postcontent", hint_body_strong }, { "postbody", hint_body_strong },
    { "posttext", hint_body_strong }, { "postentry", hint_body_strong }, { "storybody", hint_body_strong },
    { "storycontent", hint_body_strong }, { "storytext", hint_body_strong }, { "bodytext", hint_body_strong },
    { "bodycopy", hint_body_strong }, { "contentbody", hint_body_strong }, { "fieldbody", hint_body_strong },
    { "richtext", hint_body_strong },
};

// Matched against whole words of a class name (split at '-', '_', digits and camelCase humps).
constexpr Keyword word_keywords[] = {
    { "ad", hint_advert }, { "ads", hint_advert }, { "adv", hint_advert }, { "dfp", hint_advert },
    { "promo", hint_advert }, { "nav", hint_navigation }, { "skip", hint_navigation }, { "rail", hint_sidebar },
    { "aside", hint_sidebar }, { "meta", hint_byline }, { "date", hint_byline }, { "hide", hint_hidden },
    { "dialog", hint_popup }, { "meter", hint_paywall }, { "tags", hint_tags }, { "tag", hint_tags },
    { "topics", hint_tags }, { "print", hint_tools }, { "tools", hint_tools }, { "cmp", hint_consent },
    { "article", hint_body_weak }, { "content", hint_body_weak }, { "entry", hint_body_weak },
    { "hentry", hint_body_weak }, { "post", hint_body_weak }, { "story", hint_body_weak },
    { "text", hint_body_weak }, { "body", hint_body_weak }, { "main", hint_body_weak }, { "blog", hint_body_weak },
};

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool is_alpha_ascii(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void add_word_hints(std::string_view word, std::uint32_t& hints)
{
    for (const Keyword& keyword : word_keywords) {
        if (word == keyword.text)
            hints |= keyword.hints;
    }
}

std::uint32_t one_class_hints(std::string_view name)
{
    std::uint32_t hints = 0;
    std::string squashed;
    std::string word;
    squashed.reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool hump = i > 0 && c >= 'A' && c <= 'Z' && name[i - 1] >= 'a' && name[i - 1] <= 'z';
        if (!is_alpha_ascii(c) || hump) {
            add_word_hints(word, hints);
            word.clear();
        }
        if (is_alpha_ascii(c))
            word.push_back(lower_ascii(c));
        if (c != '-' && c != '_' && c != ':')
            squashed.push_back(lower_ascii(c));
    }
    add_word_hints(word, hints);
    for (const Keyword& keyword : substring_keywords) {
        if (squashed.find(keyword.text) != std::string::npos)
            hints |= keyword.hints;
    }
    return hints;
}

struct Phrase {
    std::string_view text;
    std::uint32_t kinds;
};

constexpr Phrase notice_phrases[] = {
    // subscribe / follow
    { "newsletter", notice_subscribe }, { "subscribe to", notice_subscribe }, { "sign up for", notice_subscribe },
    { "sign up to", notice_subscribe }, { "follow us", notice_subscribe }, { "join our", notice_subscribe },
    { "abonnieren", notice_subscribe }, { "melden sie sich", notice_subscribe }, { "folgen sie uns", notice_subscribe },
    { "подпишитесь", notice_subscribe }, { "подписаться", notice_subscribe }, { "рассылк", notice_subscribe },
    { "inscrivez-vous", notice_subscribe }, { "suscríbete", notice_subscribe }, { "iscriviti", notice_subscribe },
    // recruiting
    { "we are hiring", notice_recruiting }, { "we're hiring", notice_recruiting }, { "join our team", notice_recruiting },
    { "send your cv", notice_recruiting }, { "send your resume", notice_recruiting }, { "cover letter", notice_recruiting },
    { "lebenslauf", notice_recruiting }, { "bewerbungsschreiben", notice_recruiting }, { "arbeitsprobe", notice_recruiting },
    { "stellenangebot", notice_recruiting }, { "sucht lokale", notice_recruiting }, { "резюме", notice_recruiting },
    { "вакансии", notice_recruiting }, { "ищем авторов", notice_recruiting },
    // donation
    { "donate", notice_donation }, { "donation", notice_donation }, { "support our journalism", notice_donation },
    { "support independent", notice_donation }, { "become a member", notice_donation }, { "patreon", notice_donation },
    { "spenden", notice_donation }, { "unterstützen sie uns", notice_donation }, { "пожертв", notice_donation },
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
    // consent
    { "cookie", notice_consent }, { "consent", notice_consent }, { "we value your privacy", notice_consent },
    { "accept all", notice_consent }, { "privacy settings", notice_consent }, { "einwilligung", notice_consent },
    { "datenschutzeinstellungen", notice_consent }, { "alle akzeptieren", notice_consent }, { "zustimmen", notice_consent },
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
    { "schreibe einen kommentar", notice_comments }, { "kommentar schreiben", notice_comments },
    { "комментари", notice_comments },
};

constexpr std::string_view section_titles[] = {
    "comments", "comment", "leave a reply", "leave a comment", "join the conversation", "discussion", "related",
    "more from", "more stories", "more news", "read more", "read next", "recommended", "you may also like",
    "you might also like", "you may be interested", "most popular", "most read", "most viewed", "trending",
    "latest news", "latest stories", "more on this", "around the web", "sponsored", "promoted", "also read",
    "don't miss", "siehe auch", "lesen sie auch", "mehr zum thema", "könnte sie auch interessieren", "kommentare",
    "verwandte artikel", "weitere artikel", "meistgelesen", "das könnte sie", "читайте также", "комментарии",
    "похожие статьи", "по теме", "популярное", "lire aussi", "commentaires", "à lire aussi", "te puede interesar",
    "comentarios", "noticias relacionadas", "leggi anche", "commenti",
};

} // namespace

bool is_boilerplate_section_title(std::string_view lower_text)
{
    if (lower_text.size() > 60)
        return false;
    for (std::string_view title : section_titles) {
        if (lower_text.find(title) != std::string_view::npos)
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
    for (std::size_t i = 0; i + 1 < lower_text.size(); ++i) {
        const std::size_t key = static_cast<std::size_t>(static_cast<unsigned char>(lower_text[i])) << 8
            | static_cast<unsigned char>(lower_text[i + 1]);
        const std::uint16_t count = index.count[key];
        for (std::uint16_t k = 0; k < count; ++k) {
            const Phrase& phrase = *index.phrases[index.first[key] + k];
            if (!(kinds & phrase.kinds) && lower_text.substr(i, phrase.text.size()) == phrase.text)
                kinds |= phrase.kinds;
        }
    }
    return kinds;
}

} // namespace feedkeeper::parse

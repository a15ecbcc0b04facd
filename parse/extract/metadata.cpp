// parse/extract/metadata.cpp — one pass over the index collects the metadata sources; each field
// then takes the first source that has it, in a fixed order (JSON-LD, Open Graph and article:*
// meta, other meta, markup, URL). Pure. Safe on any thread.
#include "parse/extract/metadata.hpp"

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/extract/lexicon.hpp"
#include "parse/extract/page_dates.hpp"
#include "parse/text/characters.hpp"
#include "parse/text/entities.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

namespace feedkeeper::parse {
namespace {

constexpr std::size_t max_post_headings = 40;

std::string element_text(const HtmlDocument& document, std::uint32_t index, std::size_t max_bytes = 300)
{
    std::string text;
    for (std::uint32_t i = index + 1; i < document[index].end && text.size() < max_bytes; ++i) {
        if (document[i].is_text) {
            text += document[i].text;
            text += ' ';
        }
    }
    return collapse_whitespace(truncate_utf8(text, max_bytes));
}

bool has_token(std::string_view list, std::string_view token)
{
    for (std::string_view part : split(list, ' ')) {
        if (iequals(part, token))
            return true;
    }
    return false;
}

std::string clean_author(std::string_view raw)
{
    std::string author = collapse_whitespace(decode_references(raw));
    static constexpr std::string_view prefixes[] = { "by ", "von ", "from ", "автор: ", "автор ", "par ", "por " };
    for (std::string_view prefix : prefixes) {
        if (istarts_with(author, prefix))
            author = trim(std::string_view(author).substr(prefix.size()));
    }
    if (author.size() > 120 || author.find("://") != std::string::npos || author.find('@') != std::string::npos)
        return {};
    return author;
}

std::string primary_language(std::string_view tag)
{
    std::string language = ascii_lower(trim(tag));
    const std::size_t cut = language.find_first_of("-_");
    if (cut != std::string::npos)
        language.resize(cut);
    if (language.size() < 2 || language.size() > 3 || !std::all_of(language.begin(), language.end(), [](char c) {
            return c >= 'a' && c <= 'z';
        }))
        return {};
    return language;
}

// itemprop="author", an hCard name ("fn") inside a byline, or an author-name class.
bool is_author_markup(const HtmlDocument& document, const PageBlocks& page, std::uint32_t index)
{
    if (iequals(document[index].itemprop, "author"))
        return true;
    const std::string_view class_name = document[index].class_name;
    if (class_name.empty())
        return false;
    if (has_token(class_name, "fn")) {
        std::uint32_t at = index;
        for (int level = 0; level < 4 && at != no_node; ++level, at = document[at].parent) {
            if (page.hints[at] & hint_byline)
                return true;
        }
    }
    const std::string lower = ascii_lower(class_name);
    for (std::string_view name : { "author-name", "authorname", "author__name", "byline-name", "byline__name" }) {
        if (lower.find(name) != std::string::npos)
            return true;
    }
    return false;
}

struct Sources {
    std::unordered_map<std::string, std::string> meta; // lower-cased name/property/itemprop -> content
    std::string canonical;
    std::string base_href;
    std::string html_lang;
    std::string document_title;
    std::vector<std::string> headings;       // the first h1s (an error page's "404" shows there)
    std::vector<std::string> post_headings;  // the first h1-h3s, to find the headline in a title of parts
    // Headings that are one link, with its target: a logo heading links to the front page.
    std::vector<std::pair<std::string, std::string>> linked_headings;
    std::vector<std::string> category_links;
    std::vector<std::string> tag_links;
    std::string time_published; // <time> marked as the publication date
    std::string time_first;     // the first <time datetime> in the body
    std::string time_modified;
    std::string markup_author;  // rel=author, itemprop=author, .author .fn
};

void collect_sources(const HtmlDocument& document, const PageBlocks& page, Sources& sources)
{
    for (std::uint32_t i = 0; i < document.size(); ++i) {
        const DomNode& node = document[i];
        if (node.is_text)
            continue;
        switch (node.tag) {
        case GUMBO_TAG_HTML:
            sources.html_lang = document.attribute(i, "lang");
            if (sources.html_lang.empty())
                sources.html_lang = document.attribute(i, "xml:lang");
            break;
        case GUMBO_TAG_META: {
            const std::string_view content = document.attribute(i, "content");
            for (const char* key : { "property", "name", "itemprop", "http-equiv" }) {
                const std::string_view name = document.attribute(i, key);
                if (!name.empty() && !content.empty())
                    sources.meta.try_emplace(ascii_lower(name), content);
            }
            break;
        }
        case GUMBO_TAG_LINK:
            if (has_token(document.attribute(i, "rel"), "canonical") && sources.canonical.empty())
                sources.canonical = document.attribute(i, "href");
            break;
        case GUMBO_TAG_BASE:
            if (sources.base_href.empty())
                sources.base_href = document.attribute(i, "href");
            break;
        case GUMBO_TAG_TITLE:
            if (sources.document_title.empty())
                sources.document_title = element_text(document, i);
            break;
        case GUMBO_TAG_H1:
            if (sources.headings.size() < 3)
                sources.headings.push_back(element_text(document, i));
            [[fallthrough]];
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
            if (sources.post_headings.size() < max_post_headings) {
                sources.post_headings.push_back(element_text(document, i));
                if (node.chars > 0 && node.link_chars * 10 >= node.chars * 9) {
                    for (std::uint32_t a = i + 1; a < node.end; ++a) {
                        if (!document[a].is_text && document[a].tag == GUMBO_TAG_A) {
                            sources.linked_headings.emplace_back(sources.post_headings.back(), std::string(document.attribute(a, "href")));
                            break;
                        }
                    }
                }
            }
            break;
        case GUMBO_TAG_A: {
            const std::string_view rel = document.attribute(i, "rel");
            if (has_token(rel, "category") && sources.category_links.size() < 50)
                sources.category_links.push_back(element_text(document, i, 120));
            else if (has_token(rel, "tag") && sources.tag_links.size() < 50)
                sources.tag_links.push_back(element_text(document, i, 120));
            if (has_token(rel, "author") && sources.markup_author.empty())
                sources.markup_author = element_text(document, i, 150);
            break;
        }
        case GUMBO_TAG_TIME: {
            const std::string_view datetime = document.attribute(i, "datetime");
            if (datetime.empty())
                break;
            const std::string_view itemprop = node.itemprop;
            const std::string class_name = ascii_lower(node.class_name);
            if (itemprop == "dateModified" || class_name.find("updated") != std::string::npos
                || class_name.find("modified") != std::string::npos) {
                if (sources.time_modified.empty())
                    sources.time_modified = datetime;
            } else if (itemprop == "datePublished" || document.has_attribute(i, "pubdate")
                || class_name.find("publish") != std::string::npos || class_name.find("entry-date") != std::string::npos) {
                if (sources.time_published.empty())
                    sources.time_published = datetime;
            }
            if (sources.time_first.empty() && !page.removed[i])
                sources.time_first = datetime;
            break;
        }
        default:
            break;
        }
        if (sources.markup_author.empty() && node.tag != GUMBO_TAG_META && is_author_markup(document, page, i))
            sources.markup_author = element_text(document, i, 150);
    }
}

std::string meta_value(const Sources& sources, std::initializer_list<const char*> keys)
{
    for (const char* key : keys) {
        if (auto found = sources.meta.find(key); found != sources.meta.end()) {
            if (std::string value = collapse_whitespace(decode_references(found->second)); !value.empty())
                return value;
        }
    }
    return {};
}

std::optional<Timestamp> first_date(std::initializer_list<std::string_view> candidates, const DateParseOptions& dates)
{
    for (std::string_view candidate : candidates) {
        if (auto time = parse_html_date(candidate, dates))
            return time;
    }
    return std::nullopt;
}

std::string absolute(std::string_view base, std::string_view reference)
{
    if (trim(reference).empty())
        return {}; // resolved, "" would be the page itself
    auto resolved = resolve_url(base, trim(reference));
    return resolved && is_http_url(*resolved) ? *resolved : std::string();
}

// The path of an absolute URL without query, fragment and trailing slash ("" for the root).
std::string_view url_path_part(std::string_view url)
{
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return {};
    const std::size_t start = url.find('/', scheme + 3);
    if (start == std::string_view::npos)
        return {};
    std::string_view path = url.substr(start, url.find_first_of("?#", start) - start);
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    return path;
}

// A link to a page above `page` on its site: the front page, the blog's or the section's.
bool links_above(std::string_view link, std::string_view page)
{
    if (!same_site(link, page))
        return false;
    const std::string_view above = url_path_part(link);
    const std::string_view path = url_path_part(page);
    return above.size() < path.size() && path.starts_with(above) && path[above.size()] == '/';
}

// The texts of headings that are a link to a page above this one: a logo or a section's name, not
// the article's headline.
std::vector<std::string> site_headings(const Sources& sources, std::string_view base, std::string_view page)
{
    std::vector<std::string> names;
    for (const auto& [text, href] : sources.linked_headings) {
        const std::string link = absolute(base, href);
        if (links_above(link, page.empty() ? std::string_view(base) : page) || (page.empty() && base.empty() && trim(href) == "/"))
            names.push_back(text);
    }
    return names;
}

void add_unique(std::vector<std::string>& list, std::string value)
{
    value = collapse_whitespace(value);
    if (value.empty() || value.size() > 120)
        return;
    const bool seen = std::any_of(list.begin(), list.end(), [&](const std::string& other) { return iequals(other, value); });
    if (!seen)
        list.push_back(std::move(value));
}

constexpr std::string_view title_separators[] = { " | ", " – ", " — ", " - ", " :: ", " · ", " « ", " » ", " // " };

// A title of parts ("Headline - the site's long tagline", "Section | Headline | Site") one part of
// which the page shows as a heading: that part is the headline, whatever the others are.
std::optional<std::string> part_shown_as_heading(std::string_view title, const std::vector<std::string>& headings)
{
    const auto shown = [&headings](std::string_view text) {
        return std::any_of(headings.begin(), headings.end(), [text](const std::string& heading) { return iequals(trim(heading), text); });
    };
    if (shown(trim(title)))
        return std::nullopt;
    for (std::string_view separator : title_separators) {
        if (title.find(separator) == std::string_view::npos)
            continue;
        for (std::size_t start = 0;;) {
            const std::size_t found = title.find(separator, start);
            std::string part = trim(title.substr(start, found == std::string_view::npos ? found : found - start));
            if (part.find(' ') != std::string::npos && shown(part)) // one word is a section's name
                return part;
            if (found == std::string_view::npos)
                break;
            start = found + separator.size();
        }
    }
    return std::nullopt;
}

} // namespace

std::string strip_site_name(std::string_view title, std::string_view site_name)
{
    const std::string site = ascii_lower(trim(site_name));
    for (std::string_view separator : title_separators) {
        const std::size_t last = title.rfind(separator);
        const std::size_t first = title.find(separator);
        if (last == std::string_view::npos)
            continue;
        const std::string_view head = title.substr(0, last);
        const std::string_view tail = title.substr(last + separator.size());
        const std::string_view lead = title.substr(0, first);
        const std::string_view after_lead = title.substr(first + separator.size());
        if (!site.empty() && (ascii_lower(trim(tail)) == site || icontains(site, trim(tail))))
            return trim(head);
        if (!site.empty() && (ascii_lower(trim(lead)) == site || icontains(site, trim(lead))))
            return trim(after_lead);
        // No site name known: a short last part after a long title is the site's name.
        const auto words = [](std::string_view text) { return std::count(text.begin(), text.end(), ' ') + 1; };
        if (site.empty() && words(tail) <= 3 && words(head) >= 4)
            return trim(head);
    }
    return trim(title);
}

PageMetadata extract_metadata(const HtmlDocument& document, const PageBlocks& page,
    const std::vector<std::string>& json_ld, std::string_view url, const HttpHeaders& headers, const DateParseOptions& dates)
{
    PageMetadata metadata;
    Sources sources;
    collect_sources(document, page, sources);
    metadata.json_ld = read_json_ld(json_ld, dates);
    const JsonLdFacts& facts = metadata.json_ld;

    metadata.base_url = url;
    if (!sources.base_href.empty()) {
        if (auto base = resolve_url(url, sources.base_href); base && is_http_url(*base))
            metadata.base_url = *base;
    }
    const std::string& base = metadata.base_url;
    metadata.canonical_url = absolute(base, sources.canonical);
    if (metadata.canonical_url.empty())
        metadata.canonical_url = absolute(base, meta_value(sources, { "og:url" }));

    metadata.site_name = meta_value(sources, { "og:site_name", "application-name" });
    if (metadata.site_name.empty())
        metadata.site_name = facts.publisher;

    metadata.document_title = collapse_whitespace(sources.document_title);
    metadata.headings = sources.headings;
    std::string title = meta_value(sources, { "og:title" });
    if (title.empty())
        title = facts.headline;
    if (title.empty())
        title = meta_value(sources, { "twitter:title", "dc.title", "headline" });
    // Headings that link to a page above this one name the site or a section, not the article.
    const std::vector<std::string> site_names = site_headings(sources, base, metadata.canonical_url);
    const auto names_site = [&site_names](const std::string& heading) { return std::find(site_names.begin(), site_names.end(), heading) != site_names.end(); };
    std::erase_if(sources.post_headings, names_site);
    if (title.empty()) {
        if (auto heading = std::find_if_not(sources.headings.begin(), sources.headings.end(), names_site); heading != sources.headings.end())
            title = *heading;
    }
    if (title.empty())
        title = metadata.document_title;
    if (auto headline = part_shown_as_heading(title, sources.post_headings))
        metadata.title = std::move(*headline);
    else
        metadata.title = strip_site_name(title, metadata.site_name);

    for (const std::string& name : facts.authors) {
        if (std::string author = clean_author(name); !author.empty() && metadata.author.size() < 300)
            metadata.author += (metadata.author.empty() ? "" : ", ") + author;
    }
    if (metadata.author.empty())
        metadata.author = clean_author(meta_value(sources, { "author", "article:author", "byl", "sailthru.author",
            "parsely-author", "dc.creator", "dcterms.creator" }));
    if (metadata.author.empty())
        metadata.author = clean_author(sources.markup_author);

    metadata.published = facts.published;
    if (!metadata.published)
        metadata.published = first_date({ meta_value(sources, { "article:published_time" }),
            meta_value(sources, { "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
                "article.published", "dc.date.issued", "dcterms.issued", "dc.date", "date", "sailthru.date",
                "parsely-pub-date", "dcterms.created" }),
            sources.time_published, sources.time_first }, dates);
    if (!metadata.published)
        metadata.published = date_from_url(url);
    metadata.modified = facts.modified;
    if (!metadata.modified)
        metadata.modified = first_date({ meta_value(sources, { "article:modified_time", "og:updated_time",
            "datemodified", "last-modified", "dcterms.modified" }), sources.time_modified }, dates);

    metadata.language = primary_language(sources.html_lang);
    if (metadata.language.empty())
        metadata.language = primary_language(meta_value(sources, { "content-language", "language", "dc.language" }));
    if (metadata.language.empty()) {
        if (auto header = find_header(headers, "Content-Language"))
            metadata.language = primary_language(split(*header, ',').front());
    }
    if (metadata.language.empty())
        metadata.language = primary_language(meta_value(sources, { "og:locale" }));
    if (metadata.language.empty())
        metadata.language = primary_language(facts.language);

    for (const std::string& category : sources.category_links)
        add_unique(metadata.categories, category);
    for (const std::string& tag : sources.tag_links)
        add_unique(metadata.categories, tag);
    if (metadata.categories.empty()) {
        for (const std::string& section : facts.sections)
            add_unique(metadata.categories, section);
        add_unique(metadata.categories, meta_value(sources, { "article:section" }));
        const std::string tags = meta_value(sources, { "article:tag" }); // split() returns views into it
        for (std::string_view tag : split(tags, ','))
            add_unique(metadata.categories, std::string(tag));
    }

    metadata.lead_image = absolute(base, meta_value(sources, { "og:image", "og:image:url", "twitter:image", "twitter:image:src" }));
    if (metadata.lead_image.empty())
        metadata.lead_image = absolute(base, facts.image);
    metadata.description = meta_value(sources, { "og:description", "description", "twitter:description" });
    if (metadata.description.empty())
        metadata.description = facts.description;
    metadata.og_type = ascii_lower(meta_value(sources, { "og:type" }));
    return metadata;
}

} // namespace feedkeeper::parse

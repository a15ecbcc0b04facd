// parse/feed/xml_reader_entry.cpp — one RSS item, Atom entry or CDF item into a FeedEntry, with the modules
// news feeds use (content, dc, dcterms, media, itunes, atom links in RSS, feedburner). One reader
// per parse.
#include "parse/feed/xml_reader.hpp"

#include "core/text.hpp"
#include "parse/feed/html_urls.hpp"
#include "parse/feed/xml_text.hpp"

namespace feedkeeper::parse {
namespace {

// Values that only count when the entry has nothing better (media:title after title, …).
struct Fallbacks {
    std::string title;
    TextValue summary;
    std::string author;
    std::string original_link; // feedburner:origLink, the article behind a tracking redirect
    bool summary_element = false; // an RSS <summary> was seen: <description> then fills content
};

void set_text(std::string& field, TextKind& kind, TextValue value)
{
    field = std::move(value.text);
    kind = value.kind;
}

// An Atom person construct's name ("<author><name>…</name><email>…</email></author>").
std::string person_name(pugi::xml_node person)
{
    for (pugi::xml_node part = person.first_child(); part; part = part.next_sibling())
        if (part.type() == pugi::node_element && split_name(part.name()).local == "name")
            return trim(visible_text(part));
    return {};
}

void add_category(FeedEntry& entry, std::string text)
{
    std::string value = trim(text);
    if (!value.empty())
        entry.categories.push_back(std::move(value));
}

// itunes:category text="…", possibly nested.
void add_itunes_categories(FeedEntry& entry, pugi::xml_node element, std::size_t depth)
{
    add_category(entry, attribute_text(element, "text"));
    if (depth > 4)
        return;
    for (pugi::xml_node child = element.child(element.name()); child; child = child.next_sibling(element.name()))
        add_itunes_categories(entry, child, depth + 1);
}

} // namespace

void XmlFeedReader::read_entry(pugi::xml_node item, FeedEntry& entry)
{
    Fallbacks fallback;
    bool link_from_rss = false;
    int link_rank = 0; // of the Atom link in entry.link, see alternate_link_rank()
    if (flavor_ == FeedFlavor::cdf) {
        for (pugi::xml_attribute attribute = item.first_attribute(); attribute; attribute = attribute.next_attribute()) {
            if (iequals(attribute.name(), "href"))
                entry.link = url_attribute(item, attribute.name());
            else if (iequals(attribute.name(), "lastmod"))
                entry.updated = parse_feed_date(attribute_text(item, attribute.name()), options_.dates);
        }
    }
    const auto atom_link = [&](pugi::xml_node child) {
        const std::string rel = attribute_text(child, "rel");
        std::string href = url_attribute(child, "href");
        if (href.empty() && !child.attribute("href"))
            href = url_text(child); // <link>http://…</link>, RSS-style inside Atom
        if (href.empty())
            return;
        if (rel == "enclosure") {
            entry.enclosures.push_back({ href, attribute_text(child, "type"), attribute_text(child, "length") });
        } else if (const int rank = alternate_link_rank(rel, ascii_lower(attribute_text(child, "type"))); rank > link_rank) {
            entry.link = std::move(href);
            link_rank = rank;
        }
    };
    const auto media = [&](auto&& self, pugi::xml_node element, std::string_view local) -> void {
        if (local == "title" && fallback.title.empty()) {
            fallback.title = text_construct(element, TextDefault::plain).text;
        } else if (local == "description" && fallback.summary.text.empty()) {
            fallback.summary = text_construct(element, TextDefault::plain);
        } else if (local == "category") {
            add_category(entry, visible_text(element));
        } else if (local == "thumbnail" && entry.thumbnail.empty()) {
            entry.thumbnail = url_attribute(element, "url");
        } else if (local == "content" && entry.thumbnail.empty()) {
            const std::string type = attribute_text(element, "type");
            if (attribute_text(element, "medium") == "image" || type.starts_with("image/"))
                entry.thumbnail = url_attribute(element, "url");
            for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling())
                if (child.type() == pugi::node_element && split_name(child.name()).local == "thumbnail" && entry.thumbnail.empty())
                    entry.thumbnail = url_attribute(child, "url");
        } else if (local == "group") {
            for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
                if (child.type() != pugi::node_element)
                    continue;
                Scope scope(*this, child);
                const ElementName name = classify(child);
                if (name.vocabulary == Vocabulary::media && name.local != "group")
                    self(self, child, name.local);
            }
        }
    };

    for (pugi::xml_node child = item.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        Scope scope(*this, child);
        const ElementName name = classify(child);
        const std::string_view local = name.local;
        if (name.core) {
            if (is(name, "title")) {
                if (entry.title.empty())
                    set_text(entry.title, entry.title_kind, text_construct(child, TextDefault::plain));
            } else if (is(name, "link")) {
                if (flavor_ == FeedFlavor::atom) {
                    atom_link(child);
                } else {
                    std::string link = url_text(child);
                    if (link.empty())
                        link = url_attribute(child, "href");
                    if (!link.empty()) {
                        entry.link = std::move(link); // RSS: the last <link> wins
                        link_from_rss = true;
                    }
                }
            } else if (local == "guid" || local == "id") {
                entry.id = plain_text(child);
                if (local == "guid") {
                    std::string permalink = attribute_text(child, "isPermaLink");
                    if (permalink.empty())
                        permalink = attribute_text(child, "ispermalink");
                    entry.id_is_permalink = !iequals(permalink, "false");
                }
                else if (!entry.id.empty() && !has_url_scheme(entry.id))
                    entry.id = resolve_reference(base_, entry.id); // an Atom id is an IRI reference
            } else if (local == "description" || is(name, "abstract")) {
                TextValue value = text_construct(child, TextDefault::html);
                if (fallback.summary_element && entry.content.empty())
                    set_text(entry.content, entry.content_kind, std::move(value));
                else if (entry.summary.empty())
                    set_text(entry.summary, entry.summary_kind, std::move(value));
            } else if (local == "summary") {
                fallback.summary_element = flavor_ == FeedFlavor::rss;
                if (!entry.summary.empty() && flavor_ == FeedFlavor::rss && entry.content.empty()) {
                    entry.content = std::move(entry.summary); // <description> came first
                    entry.content_kind = entry.summary_kind;
                }
                set_text(entry.summary, entry.summary_kind, text_construct(child, TextDefault::html));
            } else if (local == "content" || local == "body" || local == "fullitem") {
                if (entry.content.empty())
                    set_text(entry.content, entry.content_kind, text_construct(child, TextDefault::html));
            } else if (local == "author") {
                if (fallback.author.empty())
                    fallback.author = flavor_ == FeedFlavor::atom ? person_name(child) : author_name(trim(visible_text(child)));
            } else if (local == "category") {
                add_category(entry, flavor_ == FeedFlavor::atom || child.attribute("term") ? attribute_text(child, "term") : visible_text(child));
            } else if (local == "tags") {
                const std::string tags = element_text(child);
                for (std::string_view tag : split(tags, ','))
                    add_category(entry, std::string(tag));
            } else if (local == "enclosure") {
                const std::string url = url_attribute(child, "url");
                if (!url.empty())
                    entry.enclosures.push_back({ url, attribute_text(child, "type"), attribute_text(child, "length") });
            } else if (local == "pubDate" || local == "published" || local == "issued") {
                if (auto date = date_text(child))
                    entry.published = date;
            } else if (local == "updated" || local == "modified") {
                if (auto date = date_text(child))
                    entry.updated = date;
            } else if (local == "created" && !entry.published) {
                entry.published = date_text(child);
            }
            continue;
        }
        switch (name.vocabulary) {
        case Vocabulary::content:
            if (local == "encoded" && entry.content.empty())
                set_text(entry.content, entry.content_kind, text_construct(child, TextDefault::html));
            break;
        case Vocabulary::xhtml:
            if (local == "body" && entry.content.empty()) {
                MarkupOptions markup { base_, options_.max_depth, false };
                entry.content = trim(inner_markup(child, namespaces_, markup));
                entry.content_kind = TextKind::html;
            }
            break;
        case Vocabulary::dc:
            if (local == "title" && fallback.title.empty())
                fallback.title = text_construct(child, TextDefault::plain).text;
            else if ((local == "creator" || local == "author") && fallback.author.empty())
                fallback.author = author_name(trim(visible_text(child)));
            else if (local == "subject")
                add_category(entry, visible_text(child));
            else if (local == "date")
                entry.updated = date_text(child);
            else if (local == "identifier" && entry.id.empty())
                entry.id = plain_text(child);
            else if (local == "description" && fallback.summary.text.empty())
                fallback.summary = text_construct(child, TextDefault::html);
            break;
        case Vocabulary::dcterms:
            if (local == "issued" || (local == "created" && !entry.published))
                entry.published = date_text(child);
            else if (local == "modified")
                entry.updated = date_text(child);
            break;
        case Vocabulary::atom10:
        case Vocabulary::atom03:
            if (local == "link" && !link_from_rss)
                atom_link(child);
            else if (local == "author" && fallback.author.empty())
                fallback.author = person_name(child);
            else if ((local == "updated" || local == "modified") && !entry.updated)
                entry.updated = date_text(child);
            else if ((local == "published" || local == "issued") && !entry.published)
                entry.published = date_text(child);
            break;
        case Vocabulary::media: media(media, child, local); break;
        case Vocabulary::itunes:
            if (local == "author" && fallback.author.empty())
                fallback.author = trim(visible_text(child));
            else if (local == "summary" && fallback.summary.text.empty())
                fallback.summary = text_construct(child, TextDefault::plain);
            else if (local == "category")
                add_itunes_categories(entry, child, 0);
            break;
        case Vocabulary::feedburner:
            if (local == "origLink")
                fallback.original_link = url_text(child);
            break;
        default: break;
        }
    }

    if (entry.title.empty() && !fallback.title.empty())
        entry.title = std::move(fallback.title);
    if (entry.summary.empty() && !fallback.summary.text.empty())
        set_text(entry.summary, entry.summary_kind, std::move(fallback.summary));
    entry.author = std::move(fallback.author);
    if (!fallback.original_link.empty())
        entry.link = std::move(fallback.original_link);
    if (entry.link.empty() && entry.id_is_permalink && (istarts_with(entry.id, "http://") || istarts_with(entry.id, "https://")))
        entry.link = entry.id;
    if (entry.id.empty() && flavor_ == FeedFlavor::rss)
        entry.id = rdf_about(item);
}

// RSS 1.0: an item is the resource its rdf:about names (a URI reference, resolved like an Atom
// id); it is the item's identity when the item names none (no guid, no dc:identifier).
std::string XmlFeedReader::rdf_about(pugi::xml_node item)
{
    for (pugi::xml_attribute attribute = item.first_attribute(); attribute; attribute = attribute.next_attribute()) {
        const QualifiedName name = split_name(attribute.name());
        if (name.local != "about" || name.prefix.empty())
            continue;
        Vocabulary vocabulary = namespaces_.resolve(name.prefix);
        if (vocabulary == Vocabulary::undeclared)
            vocabulary = vocabulary_of_prefix(name.prefix);
        if (vocabulary != Vocabulary::rdf)
            continue;
        const std::string about = trim(attribute.value());
        if (about.empty() || has_url_scheme(about))
            return about;
        return resolve_reference(base_, about);
    }
    return {};
}

} // namespace feedkeeper::parse

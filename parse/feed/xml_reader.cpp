// parse/feed/xml_reader.cpp — the document and channel levels of RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF.
// Entries are read in xml_reader_entry.cpp, text constructs in xml_reader_text.cpp. One reader per parse.
#include "parse/feed/xml_reader.hpp"

#include "core/text.hpp"
#include "parse/feed/html_urls.hpp"
#include "parse/feed/xml_text.hpp"
#include "parse/text/entities.hpp"

#include <algorithm>
#include <cstring>

namespace feedkeeper::parse {
namespace {

bool is_rss_family(Vocabulary vocabulary)
{
    return vocabulary == Vocabulary::none || vocabulary == Vocabulary::rss10 || vocabulary == Vocabulary::rss090
        || vocabulary == Vocabulary::rss20;
}

bool is_atom_family(Vocabulary vocabulary) { return vocabulary == Vocabulary::atom10 || vocabulary == Vocabulary::atom03; }

FeedFormat rss_format(std::string_view version)
{
    if (version == "0.90")
        return FeedFormat::rss090;
    if (version == "0.91")
        return FeedFormat::rss091;
    if (version == "0.92")
        return FeedFormat::rss092;
    if (version == "0.93")
        return FeedFormat::rss093;
    if (version == "0.94")
        return FeedFormat::rss094;
    return FeedFormat::rss20;
}

std::optional<std::chrono::seconds> syndication_interval(std::string_view period, std::string_view frequency)
{
    long long seconds = 0;
    const std::string unit = ascii_lower(trim(period));
    if (unit == "hourly")
        seconds = 3600;
    else if (unit == "daily")
        seconds = 86400;
    else if (unit == "weekly")
        seconds = 7 * 86400;
    else if (unit == "monthly")
        seconds = 30 * 86400;
    else if (unit == "yearly")
        seconds = 365 * 86400;
    else
        return std::nullopt;
    const auto times = parse_duration(trim(frequency)); // a bare number: times per period
    if (times && times->count() > 0)
        seconds /= times->count();
    return std::chrono::seconds(std::max(seconds, 60LL));
}

std::string normalize_language(std::string_view text)
{
    std::string language = trim(text);
    std::replace(language.begin(), language.end(), '_', '-');
    return language;
}

} // namespace

XmlFeedReader::Scope::Scope(XmlFeedReader& reader, pugi::xml_node element)
    : reader_(reader), namespace_mark_(reader.namespaces_.enter(element))
{
    const char* base = element.attribute("xml:base").value();
    if (*base) {
        std::string decoded;
        append_decoded(decoded, base);
        saved_base_ = reader.base_;
        reader.base_ = resolve_reference(reader.base_, decoded);
        base_changed_ = true;
    }
}

XmlFeedReader::Scope::~Scope()
{
    reader_.namespaces_.leave(namespace_mark_);
    if (base_changed_)
        reader_.base_ = std::move(saved_base_);
}

ElementName XmlFeedReader::classify(pugi::xml_node element)
{
    const QualifiedName name = split_name(element.name());
    ElementName out;
    out.local = name.local;
    out.vocabulary = namespaces_.resolve(name.prefix);
    if (out.vocabulary == Vocabulary::undeclared) {
        undeclared_prefix_ = true;
        out.vocabulary = vocabulary_of_prefix(name.prefix);
    }
    if (out.vocabulary == Vocabulary::unknown && name.prefix.empty() && namespaces_.resolve_uri({}) == root_namespace_uri_)
        out.core = true; // an unknown default namespace shared with the root: the format's own
    else if (flavor_ == FeedFlavor::atom)
        out.core = out.vocabulary == Vocabulary::none || is_atom_family(out.vocabulary);
    else
        out.core = is_rss_family(out.vocabulary);
    return out;
}

bool XmlFeedReader::is(const ElementName& name, std::string_view local) const
{
    return flavor_ == FeedFlavor::cdf ? iequals(name.local, local) : name.local == local;
}

bool XmlFeedReader::read(pugi::xml_node root, FeedDocument& feed)
{
    Scope scope(*this, root);
    const QualifiedName name = split_name(root.name());
    root_vocabulary_ = namespaces_.resolve(name.prefix);
    root_namespace_uri_ = namespaces_.resolve_uri(name.prefix);
    if (name.local == "rss" || name.local == "RDF" || (name.local == "channel" && is_rss_family(root_vocabulary_))) {
        flavor_ = FeedFlavor::rss;
        read_rss_root(root, feed);
        return true;
    }
    if (name.local == "feed" || name.local == "entry") {
        flavor_ = FeedFlavor::atom;
        const std::string version = attribute_text(root, "version");
        feed.format = (root_vocabulary_ == Vocabulary::atom03 || version == "0.3") ? FeedFormat::atom03 : FeedFormat::atom10;
        read_atom_feed(root, feed);
        return true;
    }
    if (iequals(name.local, "channel")) {
        flavor_ = FeedFlavor::cdf;
        feed.format = FeedFormat::cdf;
        read_cdf_channel(root, feed);
        return true;
    }
    return false;
}

void XmlFeedReader::add_entry(pugi::xml_node item, FeedDocument& feed)
{
    if (feed.entries.size() >= options_.max_entries) {
        entries_capped_ = true;
        feed.truncated = true; // said, not silent: the caller logs it and parse-feed prints it
        return;
    }
    feed.entries.emplace_back();
    read_entry(item, feed.entries.back());
}

void XmlFeedReader::read_language(pugi::xml_node element, FeedDocument& feed)
{
    if (!feed.language.empty())
        return;
    for (pugi::xml_node node = element; node && node.type() == pugi::node_element; node = node.parent()) {
        if (const char* lang = node.attribute("xml:lang").value(); *lang) {
            feed.language = normalize_language(lang);
            return;
        }
    }
    feed.language = normalize_language(options_.default_language);
}

void XmlFeedReader::read_rss_root(pugi::xml_node root, FeedDocument& feed)
{
    const std::string_view root_name = split_name(root.name()).local;
    if (root_name == "RDF")
        feed.format = namespaces_.resolve({}) == Vocabulary::rss090 ? FeedFormat::rss090 : FeedFormat::rss10;
    else
        feed.format = rss_format(attribute_text(root, "version"));
    if (root_name == "channel") {
        read_rss_channel(root, feed);
        return;
    }
    bool channel_seen = false;
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        Scope scope(*this, child);
        const ElementName name = classify(child);
        if (!name.core)
            continue;
        if (name.local == "channel" && !channel_seen) {
            channel_seen = true;
            read_rss_channel(child, feed);
        } else if (name.local == "item") {
            add_entry(child, feed);
        }
    }
    if (!channel_seen)
        read_language(root, feed);
}

void XmlFeedReader::read_rss_channel(pugi::xml_node channel, FeedDocument& feed)
{
    std::string period;
    std::string frequency;
    std::string dc_title;
    for (pugi::xml_node child = channel.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        Scope scope(*this, child);
        const ElementName name = classify(child);
        if (name.core) {
            if (name.local == "item") {
                add_entry(child, feed);
            } else if (name.local == "title" && feed.title.empty()) {
                feed.title = text_construct(child, TextDefault::plain).text;
            } else if (name.local == "link") {
                std::string link = url_text(child);
                if (link.empty())
                    link = url_attribute(child, "href");
                if (!link.empty())
                    feed.link = std::move(link);
            } else if (name.local == "language") {
                feed.language = normalize_language(plain_text(child));
            } else if (name.local == "lastBuildDate") {
                feed.updated = date_text(child);
            } else if (name.local == "pubDate") {
                feed.published = date_text(child);
            } else if (name.local == "ttl") {
                if (auto minutes = parse_duration(plain_text(child)); minutes && minutes->count() > 0)
                    feed.update_interval = std::max(feed.update_interval.value_or(std::chrono::seconds(0)), *minutes * 60);
            }
            continue;
        }
        switch (name.vocabulary) {
        case Vocabulary::dc:
            if (name.local == "title")
                dc_title = text_construct(child, TextDefault::plain).text;
            else if (name.local == "language" && feed.language.empty())
                feed.language = normalize_language(plain_text(child));
            else if (name.local == "date" && !feed.updated)
                feed.updated = date_text(child);
            break;
        case Vocabulary::dcterms:
            if (name.local == "modified")
                feed.updated = date_text(child);
            else if (name.local == "issued")
                feed.published = date_text(child);
            break;
        case Vocabulary::atom10:
        case Vocabulary::atom03:
            if (name.local == "link") {
                const std::string rel = attribute_text(child, "rel");
                if (rel == "self")
                    feed.self_link = url_attribute(child, "href");
                else if ((rel.empty() || rel == "alternate") && feed.link.empty())
                    feed.link = url_attribute(child, "href");
            }
            break;
        case Vocabulary::syndication:
            if (name.local == "updatePeriod")
                period = plain_text(child);
            else if (name.local == "updateFrequency")
                frequency = plain_text(child);
            break;
        default: break;
        }
    }
    if (feed.title.empty())
        feed.title = std::move(dc_title);
    if (auto interval = syndication_interval(period, frequency))
        feed.update_interval = std::max(feed.update_interval.value_or(std::chrono::seconds(0)), *interval);
    read_language(channel, feed);
}

void XmlFeedReader::read_atom_feed(pugi::xml_node root, FeedDocument& feed)
{
    if (split_name(root.name()).local == "entry") { // a lone Atom entry document
        add_entry(root, feed);
        read_language(root, feed);
        return;
    }
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        Scope scope(*this, child);
        const ElementName name = classify(child);
        if (name.core) {
            if (name.local == "entry") {
                add_entry(child, feed);
            } else if (name.local == "title" && feed.title.empty()) {
                feed.title = text_construct(child, TextDefault::plain).text;
            } else if (name.local == "link") {
                const std::string rel = attribute_text(child, "rel");
                if (rel == "self") {
                    feed.self_link = url_attribute(child, "href");
                } else if (const int rank = alternate_link_rank(rel, ascii_lower(attribute_text(child, "type"))); rank > feed_link_rank_) {
                    feed.link = url_attribute(child, "href");
                    feed_link_rank_ = rank;
                }
            } else if (name.local == "updated" || name.local == "modified") {
                feed.updated = date_text(child);
            } else if (name.local == "published" || name.local == "issued") {
                feed.published = date_text(child);
            }
        } else if (name.vocabulary == Vocabulary::dc) {
            if (name.local == "language" && feed.language.empty())
                feed.language = normalize_language(plain_text(child));
            else if (name.local == "title" && feed.title.empty())
                feed.title = text_construct(child, TextDefault::plain).text;
        }
    }
    read_language(root, feed);
}

void XmlFeedReader::read_cdf_channel(pugi::xml_node channel, FeedDocument& feed)
{
    for (pugi::xml_attribute attribute = channel.first_attribute(); attribute; attribute = attribute.next_attribute()) {
        if (iequals(attribute.name(), "href"))
            feed.link = url_attribute(channel, attribute.name());
        else if (iequals(attribute.name(), "lastmod"))
            feed.updated = parse_feed_date(attribute_text(channel, attribute.name()), options_.dates);
    }
    for (pugi::xml_node child = channel.first_child(); child; child = child.next_sibling()) {
        if (child.type() != pugi::node_element)
            continue;
        Scope scope(*this, child);
        const ElementName name = classify(child);
        if (is(name, "item"))
            add_entry(child, feed);
        else if (is(name, "title") && feed.title.empty())
            feed.title = text_construct(child, TextDefault::plain).text;
    }
    read_language(channel, feed);
}

} // namespace feedkeeper::parse

// parse/feed/xml_names.cpp — namespace URIs of the feed vocabularies and prefix resolution.
// Threading: constant tables; a NamespaceScope belongs to one parse.
#include "parse/feed/xml_names.hpp"

#include "core/text.hpp"

#include <cstring>

namespace feedkeeper::parse {
namespace {

struct KnownUri {
    std::string_view uri; // lower case, without trailing '/' or '#'
    Vocabulary vocabulary;
};

constexpr KnownUri known_uris[] = {
    { "http://www.w3.org/2005/atom", Vocabulary::atom10 },
    { "http://purl.org/atom/ns", Vocabulary::atom03 },
    { "http://purl.org/echo", Vocabulary::atom03 },
    { "http://purl.org/pie", Vocabulary::atom03 },
    { "http://example.com/newformat", Vocabulary::atom03 },
    { "http://example.com/necho", Vocabulary::atom03 },
    { "http://purl.org/rss/1.0", Vocabulary::rss10 },
    { "http://my.netscape.com/rdf/simple/0.9", Vocabulary::rss090 },
    { "http://backend.userland.com/rss2", Vocabulary::rss20 },
    { "http://backend.userland.com/rss", Vocabulary::rss20 },
    { "http://blogs.law.harvard.edu/tech/rss", Vocabulary::rss20 },
    { "http://www.w3.org/1999/02/22-rdf-syntax-ns", Vocabulary::rdf },
    { "http://purl.org/rss/1.0/modules/content", Vocabulary::content },
    { "http://purl.org/dc/elements/1.1", Vocabulary::dc },
    { "http://purl.org/dc/elements/1.0", Vocabulary::dc },
    { "http://purl.org/dc/terms", Vocabulary::dcterms },
    { "http://search.yahoo.com/mrss", Vocabulary::media },
    { "http://www.itunes.com/dtds/podcast-1.0.dtd", Vocabulary::itunes },
    { "http://purl.org/rss/1.0/modules/syndication", Vocabulary::syndication },
    { "http://www.w3.org/1999/xhtml", Vocabulary::xhtml },
    { "http://rssnamespace.org/feedburner/ext/1.0", Vocabulary::feedburner },
    { "http://www.w3.org/xml/1998/namespace", Vocabulary::xml },
    { "http://www.w3.org/1999/xlink", Vocabulary::xlink },
    { "http://www.w3.org/2000/svg", Vocabulary::svg },
    { "http://www.w3.org/1998/math/mathml", Vocabulary::mathml },
};

constexpr std::pair<std::string_view, Vocabulary> conventional_prefixes[] = {
    { "atom", Vocabulary::atom10 }, { "rdf", Vocabulary::rdf }, { "content", Vocabulary::content }, { "dc", Vocabulary::dc },
    { "dcterms", Vocabulary::dcterms }, { "media", Vocabulary::media }, { "itunes", Vocabulary::itunes },
    { "sy", Vocabulary::syndication }, { "xhtml", Vocabulary::xhtml }, { "feedburner", Vocabulary::feedburner },
    { "xml", Vocabulary::xml }, { "xlink", Vocabulary::xlink }, { "svg", Vocabulary::svg }, { "rss", Vocabulary::rss10 },
};

} // namespace

Vocabulary vocabulary_of_uri(std::string_view uri)
{
    if (uri.empty())
        return Vocabulary::none;
    if (uri.size() > 128)
        return Vocabulary::unknown;
    std::string normal = ascii_lower(trim(uri));
    while (!normal.empty() && (normal.back() == '/' || normal.back() == '#'))
        normal.pop_back();
    if (normal.starts_with("https://"))
        normal.erase(4, 1);
    for (const KnownUri& known : known_uris)
        if (normal == known.uri)
            return known.vocabulary;
    return Vocabulary::unknown;
}

Vocabulary vocabulary_of_prefix(std::string_view prefix)
{
    for (auto [name, vocabulary] : conventional_prefixes)
        if (iequals(prefix, name))
            return vocabulary;
    return Vocabulary::undeclared;
}

std::string_view uri_of(Vocabulary vocabulary)
{
    switch (vocabulary) {
    case Vocabulary::xlink: return "http://www.w3.org/1999/xlink";
    case Vocabulary::svg: return "http://www.w3.org/2000/svg";
    case Vocabulary::mathml: return "http://www.w3.org/1998/Math/MathML";
    case Vocabulary::xhtml: return "http://www.w3.org/1999/xhtml";
    default: return {};
    }
}

QualifiedName split_name(std::string_view name)
{
    const std::size_t colon = name.find(':');
    if (colon == std::string_view::npos)
        return { {}, name };
    return { name.substr(0, colon), name.substr(colon + 1) };
}

NamespaceScope NamespaceScope::nested_in(const NamespaceScope& outer)
{
    NamespaceScope scope;
    scope.outer_ = &outer;
    return scope;
}

std::size_t NamespaceScope::enter(pugi::xml_node element)
{
    const std::size_t mark = bindings_.size();
    for (pugi::xml_attribute attribute = element.first_attribute(); attribute; attribute = attribute.next_attribute()) {
        const char* name = attribute.name();
        if (std::strncmp(name, "xmlns", 5) != 0 || (name[5] != '\0' && name[5] != ':'))
            continue;
        const std::string_view prefix = name[5] == ':' ? std::string_view(name + 6) : std::string_view();
        const std::string_view uri = attribute.value();
        const auto [innermost, first] = innermost_.try_emplace(prefix, bindings_.size());
        bindings_.push_back({ prefix, uri, vocabulary_of_uri(uri), first ? none : innermost->second });
        innermost->second = bindings_.size() - 1;
    }
    return mark;
}

void NamespaceScope::leave(std::size_t mark)
{
    while (bindings_.size() > mark) {
        const Binding& binding = bindings_.back();
        if (binding.shadowed == none)
            innermost_.erase(binding.prefix);
        else
            innermost_[binding.prefix] = binding.shadowed;
        bindings_.pop_back();
    }
}

const NamespaceScope::Binding* NamespaceScope::find(std::string_view prefix) const
{
    if (const auto innermost = innermost_.find(prefix); innermost != innermost_.end())
        return &bindings_[innermost->second];
    return outer_ ? outer_->find(prefix) : nullptr;
}

Vocabulary NamespaceScope::resolve(std::string_view prefix) const
{
    if (const Binding* binding = find(prefix))
        return binding->vocabulary;
    if (prefix.empty())
        return Vocabulary::none;
    if (prefix == "xml")
        return Vocabulary::xml;
    return Vocabulary::undeclared;
}

std::string_view NamespaceScope::resolve_uri(std::string_view prefix) const
{
    const Binding* binding = find(prefix);
    return binding ? binding->uri : std::string_view();
}

} // namespace feedkeeper::parse

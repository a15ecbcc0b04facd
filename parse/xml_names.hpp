// parse/xml_names.hpp — namespaces for a parser that has none (pugixml): the vocabularies news
// feeds use, identified by URI, and a scope stack of prefix bindings. Threading: one per parse.
#pragma once

#include <pugixml.hpp>

#include <string_view>
#include <vector>

namespace feedkeeper::parse {

enum class Vocabulary {
    none,       // no namespace
    unknown,    // declared, but not one we read
    undeclared, // a prefix nobody declared (not well-formed; guessed from the prefix)
    atom10, atom03, rss10, rss090, rss20, rdf, content, dc, dcterms, media, itunes, syndication,
    xhtml, feedburner, xml, xlink, svg, mathml,
};

// The vocabulary of a namespace URI; case and a trailing '/' or '#' do not matter.
Vocabulary vocabulary_of_uri(std::string_view uri);

// The vocabulary a conventional prefix stands for when nobody declared it ("dc", "content", …).
Vocabulary vocabulary_of_prefix(std::string_view prefix);

// The URI we write when a serialized fragment needs a declaration for `vocabulary`.
std::string_view uri_of(Vocabulary vocabulary);

struct QualifiedName {
    std::string_view prefix; // "" for none
    std::string_view local;
};
QualifiedName split_name(std::string_view name);

class NamespaceScope {
public:
    // Pushes the xmlns declarations of `element`; returns a mark for leave().
    std::size_t enter(pugi::xml_node element);
    void leave(std::size_t mark) { bindings_.resize(mark); }

    // The vocabulary bound to `prefix` ("" = default namespace) where we are.
    Vocabulary resolve(std::string_view prefix) const;
    std::string_view resolve_uri(std::string_view prefix) const;

private:
    struct Binding {
        std::string_view prefix;
        std::string_view uri;
        Vocabulary vocabulary;
    };
    std::vector<Binding> bindings_;
};

} // namespace feedkeeper::parse

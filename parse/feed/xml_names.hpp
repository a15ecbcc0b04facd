// parse/feed/xml_names.hpp — namespaces for a parser that has none (pugixml): the vocabularies news
// feeds use, identified by URI, and a scope stack of prefix bindings. Threading: one per parse.
#pragma once

#include <pugixml.hpp>

#include <limits>
#include <string_view>
#include <unordered_map>
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

// Prefix bindings as a scoped symbol table: a lookup is one hash probe, however many
// declarations are in scope, and leave() undoes exactly what enter() did.
class NamespaceScope {
public:
    NamespaceScope() = default;

    // An empty scope whose lookups fall back to `outer`, which must outlive it: a serializer's own
    // scope, without copying every declaration of the document.
    static NamespaceScope nested_in(const NamespaceScope& outer);

    // Pushes the xmlns declarations of `element`; returns a mark for leave().
    std::size_t enter(pugi::xml_node element);
    void leave(std::size_t mark);

    // The vocabulary bound to `prefix` ("" = default namespace) where we are.
    Vocabulary resolve(std::string_view prefix) const;
    std::string_view resolve_uri(std::string_view prefix) const;

private:
    static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    struct Binding {
        std::string_view prefix;
        std::string_view uri;
        Vocabulary vocabulary;
        std::size_t shadowed; // index of the binding of the same prefix this one hides, or none
    };
    const Binding* find(std::string_view prefix) const;

    std::vector<Binding> bindings_;                           // in declaration order
    std::unordered_map<std::string_view, std::size_t> innermost_; // prefix → its binding in scope
    const NamespaceScope* outer_ = nullptr;
};

} // namespace feedkeeper::parse

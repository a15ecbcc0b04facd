// parse/feed/xml_reader.hpp — internal to the feed parser: reading RSS, RDF, Atom and CDF out of a pugixml
// tree. One XmlFeedReader per parse, on one thread.
#pragma once

#include "core/feed.hpp"
#include "parse/feed/xml_names.hpp"
#include "parse/text/date.hpp"

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace feedkeeper::parse {

enum class FeedFlavor { rss, atom, cdf };

struct XmlReadOptions {
    std::string base;             // the document's base URI (Content-Location or its URL)
    std::string default_language; // Content-Language
    DateParseOptions dates;
    std::size_t max_entries = 10'000;
    std::size_t max_depth = 256;
};

// What an element is, as far as the feed vocabularies go.
struct ElementName {
    Vocabulary vocabulary = Vocabulary::none;
    std::string_view local;
    bool core = false; // in the feed format's own vocabulary (RSS elements in RSS, Atom in Atom)
};

// How a text construct's value should be read when it does not say (no type attribute).
enum class TextDefault { plain, html };

struct TextValue {
    std::string text;
    TextKind kind = TextKind::plain;
};

class XmlFeedReader {
public:
    explicit XmlFeedReader(const XmlReadOptions& options) : options_(options), base_(options.base) { }

    // Fills `feed` from the document's root element; false when the root is no feed we know.
    bool read(pugi::xml_node root, FeedDocument& feed);

    // Set when an element used a namespace prefix nobody declared.
    bool saw_undeclared_prefix() const { return undeclared_prefix_; }

    // ---- shared by the channel and entry readers (xml_reader.cpp, xml_reader_entry.cpp, xml_reader_text.cpp)

    // RAII: an element's namespace declarations and xml:base, in force while it is open.
    class Scope {
    public:
        Scope(XmlFeedReader& reader, pugi::xml_node element);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        XmlFeedReader& reader_;
        std::size_t namespace_mark_;
        std::string saved_base_;
        bool base_changed_ = false;
    };

    ElementName classify(pugi::xml_node element);
    bool is(const ElementName& name, std::string_view local) const;

    TextValue text_construct(pugi::xml_node element, TextDefault fallback);
    std::string plain_text(pugi::xml_node element);          // trimmed element text
    std::string url_text(pugi::xml_node element);            // element text as a URL, resolved
    std::string url_attribute(pugi::xml_node element, const char* name);
    std::optional<Timestamp> date_text(pugi::xml_node element);

    void read_entry(pugi::xml_node item, FeedEntry& entry);

    const std::string& base() const { return base_; }
    FeedFlavor flavor() const { return flavor_; }

private:
    void read_rss_root(pugi::xml_node root, FeedDocument& feed);
    void read_rss_channel(pugi::xml_node channel, FeedDocument& feed);
    void read_atom_feed(pugi::xml_node root, FeedDocument& feed);
    void read_cdf_channel(pugi::xml_node channel, FeedDocument& feed);
    void add_entry(pugi::xml_node item, FeedDocument& feed);
    void read_language(pugi::xml_node element, FeedDocument& feed);
    std::string rdf_about(pugi::xml_node item);

    const XmlReadOptions& options_;
    NamespaceScope namespaces_;
    std::string base_;
    FeedFlavor flavor_ = FeedFlavor::rss;
    Vocabulary root_vocabulary_ = Vocabulary::none;
    std::string_view root_namespace_uri_;
    bool undeclared_prefix_ = false;
    bool entries_capped_ = false;
    int feed_link_rank_ = 0;
};

// How well an Atom <link> fits as the alternate (HTML) link: 2 for rel="alternate" (or none) with
// an HTML type or none, 1 for an alternate of another type ("application/rss+xml"), 0 otherwise.
int alternate_link_rank(std::string_view rel, std::string_view type);

// "Name (me@example.com)", "me@example.com (Name)", "Name <me@example.com>" → "Name".
std::string author_name(std::string_view text);

// Base64 with white space ignored; nullopt when `text` is not base64.
std::optional<std::string> decode_base64(std::string_view text);

} // namespace feedkeeper::parse

// parse/feed/xml_text.cpp — text and markup out of the raw pugixml tree. The serializer recurses, but
// never deeper than MarkupOptions::max_depth. Pure; safe on any thread.
#include "parse/feed/xml_text.hpp"

#include "core/text.hpp"
#include "parse/feed/html_urls.hpp"
#include "parse/text/entities.hpp"

#include <cstring>
#include <unordered_set>
#include <vector>

namespace feedkeeper::parse {
namespace {

bool is_void_element(std::string_view name)
{
    static constexpr std::string_view names[] = { "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr" };
    for (std::string_view candidate : names)
        if (name == candidate)
            return true;
    return false;
}

void append_escaped_text(std::string& out, std::string_view text)
{
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
}

// A raw XML attribute value written inside double quotes: it is escaped XML already, except that
// a value quoted with ' may hold a '"'.
void append_raw_attribute(std::string& out, std::string_view raw)
{
    for (char c : raw) {
        if (c == '"')
            out += "&quot;";
        else if (c == '<')
            out += "&lt;";
        else
            out += c;
    }
}

class MarkupWriter {
public:
    MarkupWriter(const NamespaceScope& scope, const MarkupOptions& options)
        : scope_(NamespaceScope::nested_in(scope)), options_(options), base_(options.base) { }

    void children(pugi::xml_node element, Vocabulary output_default, std::size_t depth)
    {
        for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
            switch (child.type()) {
            case pugi::node_pcdata: out_ += child.value(); break; // escaped XML already
            case pugi::node_cdata: append_escaped_text(out_, child.value()); break;
            case pugi::node_element: this->element(child, output_default, depth + 1); break;
            default: break;
            }
        }
    }

    // The wrapping <div> of Atom xhtml content: its declarations and xml:base count, it does not.
    void wrapper(pugi::xml_node element)
    {
        const std::size_t mark = scope_.enter(element);
        const std::string saved_base = enter_base(element);
        children(element, Vocabulary::xhtml, 0);
        base_ = saved_base;
        scope_.leave(mark);
    }

    void element(pugi::xml_node element, Vocabulary output_default, std::size_t depth)
    {
        if (depth > options_.max_depth)
            return;
        const std::size_t mark = scope_.enter(element);
        const std::size_t declared_mark = declared_.size();
        const std::string saved_base = enter_base(element);
        const QualifiedName name = split_name(element.name());
        Vocabulary vocabulary = scope_.resolve(name.prefix);
        if (vocabulary == Vocabulary::undeclared)
            vocabulary = vocabulary_of_prefix(name.prefix);
        out_ += '<';
        out_ += name.local;
        Vocabulary child_default = output_default;
        if ((vocabulary == Vocabulary::svg || vocabulary == Vocabulary::mathml) && vocabulary != output_default) {
            out_ += " xmlns=\"";
            out_ += uri_of(vocabulary);
            out_ += '"';
            child_default = vocabulary;
        } else if (vocabulary == Vocabulary::xhtml) {
            child_default = Vocabulary::xhtml;
        }
        attributes(element);
        if (!element.first_child() && is_void_element(name.local)) {
            out_ += " />";
        } else {
            out_ += '>';
            children(element, child_default, depth);
            out_ += "</";
            out_ += name.local;
            out_ += '>';
        }
        base_ = saved_base;
        while (declared_.size() > declared_mark) {
            declared_set_.erase(declared_.back());
            declared_.pop_back();
        }
        scope_.leave(mark);
    }

    std::string take() { return std::move(out_); }

private:
    std::string enter_base(pugi::xml_node element)
    {
        std::string saved = base_;
        if (const char* base = element.attribute("xml:base").value(); *base) {
            std::string decoded;
            append_decoded(decoded, base);
            base_ = resolve_reference(base_, decoded);
        }
        return saved;
    }

    void attributes(pugi::xml_node element)
    {
        for (pugi::xml_attribute attribute = element.first_attribute(); attribute; attribute = attribute.next_attribute()) {
            const std::string_view name = attribute.name();
            if (name == "xmlns" || name.starts_with("xmlns:") || name == "xml:base")
                continue;
            const QualifiedName qualified = split_name(name);
            if (!qualified.prefix.empty() && qualified.prefix != "xml")
                declare_prefix(qualified.prefix);
            out_ += ' ';
            out_ += name;
            out_ += "=\"";
            if (!base_.empty() && (is_url_attribute(name) || name == "srcset")) {
                std::string value;
                append_decoded(value, attribute.value());
                const std::string resolved = name == "srcset" ? resolve_srcset(base_, value) : resolve_reference(base_, value);
                for (char c : resolved) {
                    if (c == '&')
                        out_ += "&amp;";
                    else if (c == '"')
                        out_ += "&quot;";
                    else
                        out_ += c;
                }
            } else {
                append_raw_attribute(out_, attribute.value());
            }
            out_ += '"';
        }
    }

    void declare_prefix(std::string_view prefix)
    {
        if (declared_set_.contains(prefix))
            return;
        std::string_view uri = scope_.resolve_uri(prefix);
        if (uri.empty())
            uri = uri_of(vocabulary_of_prefix(prefix));
        if (uri.empty())
            return;
        declared_.push_back(prefix);
        declared_set_.insert(prefix);
        out_ += " xmlns:";
        out_ += prefix;
        out_ += "=\"";
        append_raw_attribute(out_, uri);
        out_ += '"';
    }

    NamespaceScope scope_; // the fragment's own declarations come and go as we descend
    const MarkupOptions& options_;
    std::string base_;
    std::string out_;
    std::vector<std::string_view> declared_; // prefixes declared in the output so far, innermost last
    std::unordered_set<std::string_view> declared_set_; // the same, for lookups
};

} // namespace

std::string element_text(pugi::xml_node element)
{
    std::string out;
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_pcdata)
            append_decoded(out, child.value());
        else if (child.type() == pugi::node_cdata)
            out += child.value();
    }
    return out;
}

namespace {
void append_visible_text(std::string& out, pugi::xml_node element, int depth)
{
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
        if (child.type() == pugi::node_pcdata)
            append_decoded(out, child.value());
        else if (child.type() == pugi::node_cdata)
            out += child.value();
        else if (child.type() == pugi::node_element && depth < 64)
            append_visible_text(out, child, depth + 1);
    }
}
} // namespace

std::string visible_text(pugi::xml_node element)
{
    std::string out;
    append_visible_text(out, element, 0);
    return out;
}

std::string attribute_text(pugi::xml_node element, const char* name)
{
    const char* raw = element.attribute(name).value();
    if (!*raw)
        return {};
    std::string out;
    append_decoded(out, raw);
    return trim(out);
}

bool has_child_elements(pugi::xml_node element)
{
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_element)
            return true;
    return false;
}

std::string inner_markup(pugi::xml_node element, const NamespaceScope& scope, const MarkupOptions& options)
{
    MarkupWriter writer(scope, options);
    if (options.unwrap_div) {
        pugi::xml_node only;
        int elements = 0;
        bool text_outside = false;
        for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
            if (child.type() == pugi::node_element) {
                only = child;
                ++elements;
            } else if (child.type() == pugi::node_cdata || (child.type() == pugi::node_pcdata && !trim(child.value()).empty())) {
                text_outside = true;
            }
        }
        if (elements == 1 && !text_outside && split_name(only.name()).local == "div") {
            writer.wrapper(only);
            return writer.take();
        }
    }
    writer.children(element, Vocabulary::xhtml, 0);
    return writer.take();
}

} // namespace feedkeeper::parse

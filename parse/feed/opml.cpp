// parse/feed/opml.cpp — OPML with pugixml; nested folders walked iteratively. Pure.
#include "parse/feed/opml.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <pugixml.hpp>

#include <utility>

namespace feedkeeper::parse {

Result<std::vector<OpmlFeed>> parse_opml(std::string_view bytes)
{
    constexpr std::size_t max_bytes = 16 * 1024 * 1024;
    constexpr std::size_t max_feeds = 100'000;
    if (bytes.size() > max_bytes)
        return Error(Errc::too_large, fmt::format("OPML larger than {} bytes", max_bytes));
    pugi::xml_document document;
    // No entity expansion beyond XML's own: pugixml never processes DTDs.
    const auto loaded = document.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_auto);
    if (!loaded)
        return Error(Errc::parse, fmt::format("not well-formed XML: {} at byte {}", loaded.description(), loaded.offset));
    const pugi::xml_node body = document.child("opml").child("body");
    if (!body)
        return Error(Errc::parse, "no <opml><body> element: not an OPML document");
    std::vector<OpmlFeed> feeds;
    // Pre-order walk with an explicit stack (no recursion on hostile nesting): document order.
    std::vector<std::pair<pugi::xml_node, std::string>> stack;
    auto push_children = [&stack](pugi::xml_node parent, const std::string& folder) {
        for (pugi::xml_node child = parent.last_child(); child; child = child.previous_sibling())
            if (std::string_view(child.name()) == "outline")
                stack.push_back({ child, folder });
    };
    push_children(body, "");
    while (!stack.empty()) {
        auto [outline, folder] = stack.back();
        stack.pop_back();
        const std::string url = trim(outline.attribute("xmlUrl").as_string(outline.attribute("xmlurl").as_string()));
        std::string title = trim(outline.attribute("title").as_string());
        if (title.empty())
            title = trim(outline.attribute("text").as_string());
        if (!url.empty()) {
            if (feeds.size() == max_feeds)
                return Error(Errc::too_large, fmt::format("more than {} feeds in one OPML file", max_feeds));
            feeds.push_back({ url, title, trim(outline.attribute("htmlUrl").as_string()), folder });
        }
        push_children(outline, url.empty() && !title.empty() ? title : folder);
    }
    return feeds;
}

} // namespace feedkeeper::parse

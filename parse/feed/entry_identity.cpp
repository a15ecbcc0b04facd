// parse/feed/entry_identity.cpp — choosing entry keys; see the rules in the header. Pure.
#include "parse/feed/entry_identity.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

#include <unordered_map>

namespace feedkeeper::parse {
namespace {

using Counts = std::unordered_map<std::string, std::size_t>;

Counts count_values(const std::vector<std::string>& values)
{
    Counts counts;
    for (const std::string& value : values)
        if (!value.empty())
            ++counts[value];
    return counts;
}

bool all_present_and_unique(const std::vector<std::string>& values, const Counts& counts)
{
    for (const std::string& value : values)
        if (value.empty() || counts.at(value) != 1)
            return false;
    return true;
}

std::string content_hash(const FeedEntry& entry)
{
    std::string material = trim(entry.title);
    if (material.empty())
        material = trim(entry.summary.empty() ? entry.content : entry.summary);
    material += '\n';
    material += format_rfc3339(entry.published ? entry.published : entry.updated);
    return "sha256:" + sha256_hex(material);
}

} // namespace

std::vector<EntryKey> entry_keys(const FeedDocument& feed)
{
    std::vector<std::string> ids;
    std::vector<std::string> links;
    ids.reserve(feed.entries.size());
    links.reserve(feed.entries.size());
    for (const FeedEntry& entry : feed.entries) {
        ids.push_back(trim(entry.id));
        links.push_back(entry.link.empty() ? std::string() : normalize_url(trim(entry.link)));
    }
    const Counts id_counts = count_values(ids);
    const Counts link_counts = count_values(links);
    const bool ids_reliable = all_present_and_unique(ids, id_counts);
    const bool links_reliable = !ids_reliable && all_present_and_unique(links, link_counts);

    std::vector<EntryKey> keys;
    keys.reserve(feed.entries.size());
    for (std::size_t i = 0; i < feed.entries.size(); ++i) {
        const bool id_usable = !ids[i].empty() && id_counts.at(ids[i]) == 1;
        const bool link_usable = !links[i].empty() && link_counts.at(links[i]) == 1;
        if (ids_reliable || (!links_reliable && id_usable))
            keys.push_back({ "id:" + ids[i], EntryKeySource::id });
        else if (links_reliable || link_usable)
            keys.push_back({ "link:" + links[i], EntryKeySource::link });
        else
            keys.push_back({ content_hash(feed.entries[i]), EntryKeySource::content_hash });
    }
    return keys;
}

} // namespace feedkeeper::parse

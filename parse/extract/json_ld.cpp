// parse/extract/json_ld.cpp — JSON-LD with nlohmann-json (no exceptions: parse failures are discarded
// values, every access is type-checked). Depth and item counts are capped before and after parsing:
// nlohmann's parser recurses, so over-deep input is refused by a pre-scan. Safe on any thread.
#include "parse/extract/json_ld.hpp"

#include "core/text.hpp"
#include "parse/extract/page_dates.hpp"
#include "parse/text/characters.hpp"
#include "parse/text/entities.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace feedkeeper::parse {
namespace {

using Json = nlohmann::json;

constexpr int max_nesting = 48;
constexpr std::size_t max_items = 64;
constexpr std::size_t max_value_bytes = 200'000;

// Copies `script` with raw control characters inside strings turned into spaces (common in the
// wild, invalid JSON) and reports whether the nesting stays within the cap.
bool prepare(std::string_view script, std::string& out)
{
    out.clear();
    out.reserve(script.size());
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < script.size(); ++i) {
        const char c = script[i];
        if (in_string) {
            if (c == '\\' && i + 1 < script.size()) {
                out.push_back(c);
                out.push_back(script[++i]);
                continue;
            }
            if (c == '"')
                in_string = false;
            out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '{' || c == '[')
            ++depth;
        else if (c == '}' || c == ']')
            --depth;
        if (depth > max_nesting)
            return false;
        out.push_back(c);
    }
    return true;
}

std::string text_of(const Json& value)
{
    if (value.is_string())
        return collapse_whitespace(decode_references(value.get_ref<const std::string&>().substr(0, max_value_bytes)));
    if (value.is_number_integer())
        return std::to_string(value.get<long long>());
    return {};
}

// A string, or the first string of an array, or an object's "name" / "url" / "@id".
std::string first_text(const Json& value, const char* key = "name")
{
    if (value.is_array()) {
        for (const Json& element : value) {
            if (std::string text = first_text(element, key); !text.empty())
                return text;
        }
        return {};
    }
    if (value.is_object()) {
        const auto found = value.find(key);
        return found == value.end() ? std::string() : text_of(*found);
    }
    return text_of(value);
}

bool has_type(const Json& item, std::string_view suffix)
{
    const auto type = item.find("@type");
    if (type == item.end())
        return false;
    const auto matches = [&](const Json& value) {
        return value.is_string() && value.get_ref<const std::string&>().ends_with(suffix);
    };
    if (type->is_array()) {
        for (const Json& value : *type) {
            if (matches(value))
                return true;
        }
        return false;
    }
    return matches(*type);
}

bool is_article(const Json& item)
{
    static constexpr std::string_view types[] = { "Article", "BlogPosting", "Report", "LiveBlogPosting",
        "SocialMediaPosting", "Review", "Recipe" };
    for (std::string_view type : types) {
        if (has_type(item, type))
            return true;
    }
    return false;
}

// Objects with an @type, from the top level, arrays and @graph, one level of nesting deep.
void collect(const Json& value, std::vector<const Json*>& items, int depth)
{
    if (items.size() >= max_items || depth > 3)
        return;
    if (value.is_array()) {
        for (const Json& element : value)
            collect(element, items, depth + 1);
        return;
    }
    if (!value.is_object())
        return;
    if (value.contains("@type"))
        items.push_back(&value);
    if (const auto graph = value.find("@graph"); graph != value.end())
        collect(*graph, items, depth + 1);
    if (const auto entity = value.find("mainEntity"); entity != value.end() && entity->is_object())
        collect(*entity, items, depth + 1);
}

void read_item(const Json& item, JsonLdFacts& facts, const DateParseOptions& dates)
{
    const auto field = [&](const char* key) -> const Json* {
        const auto found = item.find(key);
        return found == item.end() ? nullptr : &*found;
    };
    const auto fill = [](std::string& target, std::string value) {
        if (target.empty())
            target = std::move(value);
    };
    if (const Json* value = field("headline"))
        fill(facts.headline, first_text(*value));
    if (const Json* value = field("author"); value && facts.authors.empty()) {
        const auto add = [&](const Json& author) {
            if (std::string name = first_text(author); !name.empty() && name.size() < 200)
                facts.authors.push_back(std::move(name));
        };
        if (value->is_array()) {
            for (const Json& author : *value) {
                if (facts.authors.size() < 16)
                    add(author);
            }
        } else {
            add(*value);
        }
    }
    if (const Json* value = field("datePublished"); value && !facts.published)
        facts.published = parse_html_date(first_text(*value), dates);
    if (const Json* value = field("dateModified"); value && !facts.modified)
        facts.modified = parse_html_date(first_text(*value), dates);
    if (const Json* value = field("publisher"))
        fill(facts.publisher, first_text(*value));
    if (const Json* value = field("inLanguage"))
        fill(facts.language, first_text(*value));
    if (const Json* value = field("articleSection"); value && facts.sections.empty()) {
        if (value->is_array()) {
            for (const Json& section : *value) {
                if (std::string text = text_of(section); !text.empty() && facts.sections.size() < 16)
                    facts.sections.push_back(std::move(text));
            }
        } else if (std::string text = text_of(*value); !text.empty()) {
            facts.sections.push_back(std::move(text));
        }
    }
    if (const Json* value = field("image"))
        fill(facts.image, first_text(*value, "url"));
    if (const Json* value = field("description"))
        fill(facts.description, first_text(*value));
    if (const Json* value = field("articleBody"))
        fill(facts.body, first_text(*value));
    if (const Json* value = field("url"))
        fill(facts.url, first_text(*value, "@id"));
    if (const Json* value = field("isAccessibleForFree"); value && !facts.accessible_for_free) {
        if (value->is_boolean())
            facts.accessible_for_free = value->get<bool>();
        else if (value->is_string())
            facts.accessible_for_free = !iequals(value->get_ref<const std::string&>(), "false");
    }
}

} // namespace

JsonLdFacts read_json_ld(const std::vector<std::string>& scripts, const DateParseOptions& dates)
{
    JsonLdFacts facts;
    std::vector<Json> documents;
    std::string prepared;
    for (const std::string& script : scripts) {
        if (!prepare(script, prepared))
            continue;
        Json parsed = Json::parse(prepared, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_discarded())
            documents.push_back(std::move(parsed));
    }
    std::vector<const Json*> items;
    for (const Json& document : documents)
        collect(document, items, 0);
    for (const Json* item : items) { // article-like items first
        if (is_article(*item)) {
            facts.article = true;
            read_item(*item, facts, dates);
        }
    }
    for (const Json* item : items) {
        if (!is_article(*item))
            read_item(*item, facts, dates);
    }
    return facts;
}

} // namespace feedkeeper::parse

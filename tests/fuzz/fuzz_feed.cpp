// tests/fuzz/fuzz_feed.cpp — libFuzzer target for parse_feed() (and entry_keys() on its result).
// Also builds as a plain program that replays tests/fuzz/corpus/feed (replay_main.cpp).
// Invariant checked: whatever the input, every string the parser returns is valid UTF-8.
#include "parse/feed/entry_identity.hpp"
#include "parse/feed/parser.hpp"
#include "parse/text/charset.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require_utf8(std::string_view text)
{
    if (!feedkeeper::parse::is_utf8(text))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace feedkeeper;
    parse::FeedParseOptions options;
    options.url = "http://example.com/dir/feed.xml";
    options.limits.max_document_bytes = 1 << 20;
    options.limits.max_entries = 500;
    options.limits.max_depth = 64;
    // Vary the simulated response by input length, so every input keeps all its bytes.
    switch (size % 4) {
    case 1: options.headers = { { "Content-Type", "text/xml; charset=iso-8859-1" } }; break;
    case 2: options.headers = { { "Content-Type", "application/atom+xml" }, { "Content-Location", "../other/" } }; break;
    case 3: options.headers = { { "Content-Type", "text/plain; charset=utf-16" }, { "Content-Language", "de" } }; break;
    default: break;
    }
    auto feed = parse::parse_feed(std::string_view(reinterpret_cast<const char*>(data), size), options);
    if (!feed)
        return 0;
    require_utf8(feed->title);
    require_utf8(feed->link);
    require_utf8(feed->language);
    for (const FeedEntry& entry : feed->entries) {
        for (const std::string* field : { &entry.id, &entry.title, &entry.link, &entry.author, &entry.summary, &entry.content, &entry.thumbnail })
            require_utf8(*field);
        for (const std::string& category : entry.categories)
            require_utf8(category);
        for (const Enclosure& enclosure : entry.enclosures)
            require_utf8(enclosure.url);
    }
    if (parse::entry_keys(*feed).size() != feed->entries.size())
        std::abort();
    return 0;
}

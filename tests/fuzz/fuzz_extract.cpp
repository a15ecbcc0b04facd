// tests/fuzz/fuzz_extract.cpp — libFuzzer target for HTML extraction: extract_page with varied
// options (charset header, URL, a site profile, tiny caps), and the JSON-LD and date readers on
// raw input. Built as a plain corpus replayer when FEEDKEEPER_FUZZ is off (replay_main.cpp).
// Threading: single-threaded.
#include "parse/extract/extract.hpp"
#include "parse/extract/json_ld.hpp"
#include "parse/extract/page_dates.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t mode = data[0];
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    using namespace feedkeeper;

    if ((mode & 0xC0) == 0xC0) { // the metadata readers on their own
        (void)parse::read_json_ld({ std::string(input) });
        (void)parse::parse_html_date(input);
        (void)parse::date_from_url(input);
        return 0;
    }
    static constexpr const char* charsets[] = { "utf-8", "windows-1252", "iso-8859-1", "koi8-r", "shift_jis",
        "utf-16le", "gb18030", "no-such-charset" };
    parse::ExtractOptions options;
    if (mode & 0x01)
        options.headers.push_back({ "Content-Type", std::string("text/html; charset=") + charsets[(mode >> 3) & 7] });
    if (mode & 0x02)
        options.url = "https://example.org/2022/12/06/story.html";
    SiteProfile site;
    if (mode & 0x04) {
        // A profile that calls everything it is asked about template (the drop caps must hold).
        auto first = parse::extract_page(input, options);
        if (first) {
            site.pages = 50;
            for (std::uint64_t fingerprint : first->block_fingerprints)
                site.block_pages[fingerprint] = 40;
        }
        options.site = &site;
    }
    if (mode & 0x20) {
        options.limits.max_depth = 8;
        options.limits.max_nodes = 300;
    }
    auto page = parse::extract_page(input, options);
    if (page && page->status != PageStatus::article && page->status != PageStatus::paywall && !page->body.empty())
        __builtin_trap(); // a page that is no article never carries a body
    return 0;
}

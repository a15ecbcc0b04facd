// tests/fuzz/fuzz_feed_date.cpp — libFuzzer target for parse_feed_date().
// Also builds as a plain program that replays tests/fuzz/corpus/feed_date (replay_main.cpp).
// Invariant checked: a date we accept, printed as RFC 3339, reads back as the same instant.
#include "core/time.hpp"
#include "parse/text/date.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace feedkeeper;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto instant = parse::parse_feed_date(text);
    if (!instant)
        return 0;
    const auto again = parse::parse_feed_date(format_rfc3339(*instant));
    if (!again || *again != *instant)
        std::abort();
    return 0;
}

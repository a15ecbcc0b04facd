// store/simhash.cpp — Charikar's SimHash over lower-cased 3-word shingles (FNV-1a hashed). The
// values are stored in archives: any change here must keep every result bit for bit (see the test).
// Threading: pure functions.
#include "store/simhash.hpp"

#include <array>
#include <bit>
#include <string>
#include <vector>

namespace feedkeeper::store {
namespace {

std::uint64_t mix(std::uint64_t x) // splitmix64 finaliser: spreads FNV's weak low bits
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

// Spreads the 8 bits of a byte over the 8 byte lanes of a word: lane i holds bit i. Adding such
// words counts each bit position of many bytes at once (SWAR), 8 additions per shingle where a
// bit-by-bit vote takes 64.
constexpr std::array<std::uint64_t, 256> spread_bits = [] {
    std::array<std::uint64_t, 256> table {};
    for (std::size_t byte = 0; byte < 256; ++byte)
        for (std::size_t bit = 0; bit < 8; ++bit)
            if ((byte >> bit) & 1)
                table[byte] |= std::uint64_t { 1 } << (8 * bit);
    return table;
}();

std::uint64_t simhash(std::string_view text)
{
    // Words, lower-cased and FNV-1a hashed as they are read (no copy of the text).
    std::vector<std::uint64_t> words;
    words.reserve(text.size() / 6 + 1);
    std::uint64_t hash = 1469598103934665603ULL;
    bool in_word = false;
    for (char raw : text) {
        unsigned char c = static_cast<unsigned char>(raw);
        if (c >= 'A' && c <= 'Z')
            c = static_cast<unsigned char>(c - 'A' + 'a');
        else if (!(c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
            if (in_word)
                words.push_back(hash);
            hash = 1469598103934665603ULL;
            in_word = false;
            continue;
        }
        hash ^= c;
        hash *= 1099511628211ULL;
        in_word = true;
    }
    if (in_word)
        words.push_back(hash);
    if (words.empty())
        return 0;
    // A bit of the result is set when more than half of the shingle hashes have it set.
    std::array<std::uint32_t, 64> ones {};
    std::array<std::uint64_t, 8> lanes {}; // lanes[b]: byte b of the hashes, 8 counters of 8 bits
    std::size_t pending = 0;
    const auto drain = [&] {
        for (std::size_t b = 0; b < 8; ++b) {
            for (std::size_t bit = 0; bit < 8; ++bit)
                ones[8 * b + bit] += static_cast<std::uint32_t>((lanes[b] >> (8 * bit)) & 0xFF);
            lanes[b] = 0;
        }
        pending = 0;
    };
    const std::size_t shingles = words.size() >= 3 ? words.size() - 2 : 1;
    for (std::size_t i = 0; i < shingles; ++i) {
        std::uint64_t h = words[i];
        for (std::size_t k = 1; k < 3 && i + k < words.size(); ++k)
            h = mix(h ^ (words[i + k] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
        h = mix(h);
        for (std::size_t b = 0; b < 8; ++b)
            lanes[b] += spread_bits[(h >> (8 * b)) & 0xFF];
        if (++pending == 255) // a lane counter holds at most 255
            drain();
    }
    drain();
    std::uint64_t result = 0;
    for (std::size_t bit = 0; bit < 64; ++bit)
        if (2 * static_cast<std::uint64_t>(ones[bit]) > shingles) // votes: ones - (shingles - ones) > 0
            result |= (std::uint64_t { 1 } << bit);
    return result;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

} // namespace feedkeeper::store

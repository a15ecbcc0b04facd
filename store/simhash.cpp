// store/simhash.cpp — Charikar's SimHash over lower-cased 3-word shingles (FNV-1a hashed).
// Threading: pure functions.
#include "store/simhash.hpp"

#include <array>
#include <bit>
#include <string>
#include <vector>

namespace feedkeeper::store {
namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 1469598103934665603ULL)
{
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

std::uint64_t mix(std::uint64_t x) // splitmix64 finaliser: spreads FNV's weak low bits
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

std::uint64_t simhash(std::string_view text)
{
    std::vector<std::uint64_t> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty())
            words.push_back(fnv1a(word));
        word.clear();
    };
    for (char raw : text) {
        const unsigned char c = static_cast<unsigned char>(raw);
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
            word += raw;
        else if (c >= 'A' && c <= 'Z')
            word += static_cast<char>(c - 'A' + 'a');
        else
            flush();
    }
    flush();
    if (words.empty())
        return 0;
    std::array<int, 64> votes {};
    const std::size_t shingles = words.size() >= 3 ? words.size() - 2 : 1;
    for (std::size_t i = 0; i < shingles; ++i) {
        std::uint64_t h = words[i];
        for (std::size_t k = 1; k < 3 && i + k < words.size(); ++k)
            h = mix(h ^ (words[i + k] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
        h = mix(h);
        for (int bit = 0; bit < 64; ++bit)
            votes[static_cast<std::size_t>(bit)] += ((h >> bit) & 1) ? 1 : -1;
    }
    std::uint64_t result = 0;
    for (int bit = 0; bit < 64; ++bit)
        if (votes[static_cast<std::size_t>(bit)] > 0)
            result |= (1ULL << bit);
    return result;
}

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

} // namespace feedkeeper::store

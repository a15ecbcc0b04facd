// tests/store/simhash_test.cpp — SimHash values are stored in archives (near-duplicate bands), so
// the fast implementation must give, bit for bit, what the plain definition gives: a vote per bit
// over the 3-word shingles of the lower-cased words. The reference below is that definition.
#include "store/simhash.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

using namespace feedkeeper::store;

namespace {

std::uint64_t reference_fnv1a(const std::string& text)
{
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

std::uint64_t reference_mix(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t reference_simhash(std::string_view text)
{
    std::vector<std::uint64_t> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty())
            words.push_back(reference_fnv1a(word));
        word.clear();
    };
    for (char raw : text) {
        const auto c = static_cast<unsigned char>(raw);
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
            h = reference_mix(h ^ (words[i + k] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
        h = reference_mix(h);
        for (std::size_t bit = 0; bit < 64; ++bit)
            votes[bit] += ((h >> bit) & 1) ? 1 : -1;
    }
    std::uint64_t result = 0;
    for (std::size_t bit = 0; bit < 64; ++bit)
        if (votes[bit] > 0)
            result |= (1ULL << bit);
    return result;
}

std::string random_text(std::mt19937& random, std::size_t words)
{
    static const std::vector<std::string> vocabulary { "Tiflis", "Baku", "Jerewan", "der", "die", "und", "Regierung", "Wahl", "2026", "Präsident",
        "Сухуми", "Ölpreis", "a", "B", "c3", "Grenze", "—", "Verhandlungen", "im", "Kaukasus" };
    static const std::vector<std::string> separators { " ", " ", " ", ", ", ". ", "\n\n", " - ", "'" };
    std::string text;
    for (std::size_t i = 0; i < words; ++i) {
        text += vocabulary[random() % vocabulary.size()];
        text += separators[random() % separators.size()];
    }
    return text;
}

} // namespace

TEST(SimHash, GivesTheValuesOfThePlainDefinitionBitForBit)
{
    std::mt19937 random(2026);
    for (std::size_t words : { 0u, 1u, 2u, 3u, 4u, 10u, 254u, 255u, 256u, 257u, 300u, 511u, 512u, 5000u }) {
        for (int round = 0; round < 4; ++round) {
            const std::string text = random_text(random, words);
            EXPECT_EQ(simhash(text), reference_simhash(text)) << words << " words: " << text.substr(0, 80);
        }
    }
    // Ties (as many ones as zeros in a bit) and texts without words.
    for (const std::string text : { "", "   ", "...", "a b", "a a a a", "A a", "Ünïcödé wörter äöü" })
        EXPECT_EQ(simhash(text), reference_simhash(text)) << text;
    // Many copies of one shingle: every lane counter overflows unless drained in time.
    std::string repeated;
    for (int i = 0; i < 2000; ++i)
        repeated += "eins zwei drei ";
    EXPECT_EQ(simhash(repeated), reference_simhash(repeated));
}

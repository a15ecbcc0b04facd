// store/simhash.hpp — 64-bit SimHash of a text's word shingles, for near-duplicate stories.
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace feedkeeper::store {

std::uint64_t simhash(std::string_view text);
int hamming_distance(std::uint64_t, std::uint64_t);

// Near duplicates: at most this many differing bits (of 64). Four 16-bit bands, so any pair
// within the distance shares at least one band exactly (pigeonhole), which the index uses.
inline constexpr int near_duplicate_bits = 3;

} // namespace feedkeeper::store

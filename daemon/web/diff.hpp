// daemon/web/diff.hpp — a word-level diff of two revisions' texts (longest common subsequence of
// words after the common head and tail are set aside), bounded: past max_cells the changed
// middle is shown as one removal and one addition instead of being compared word by word.
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feedkeeper::daemon::web {

enum class DiffOp { same, removed, added };

struct DiffPiece {
    DiffOp op = DiffOp::same;
    std::string text; // words with the spaces that follow them
};

constexpr std::size_t max_diff_cells = 1'000'000; // ~4 MB of table, a few ms

std::vector<DiffPiece> word_diff(std::string_view before, std::string_view after, std::size_t max_cells = max_diff_cells);

} // namespace feedkeeper::daemon::web

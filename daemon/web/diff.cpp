// daemon/web/diff.cpp — see diff.hpp. Threading: pure functions.
#include "daemon/web/diff.hpp"

#include <algorithm>
#include <cstdint>

namespace feedkeeper::daemon::web {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Words, each with the whitespace after it (leading whitespace is its own token).
std::vector<std::string_view> tokens(std::string_view text)
{
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i]))
            ++i;
        while (i < text.size() && is_space(text[i]))
            ++i;
        words.push_back(text.substr(start, i - start));
    }
    return words;
}

// Compares words without their trailing spaces: a reflowed paragraph is not a change.
std::string_view word(std::string_view token)
{
    std::size_t end = token.size();
    while (end > 0 && is_space(token[end - 1]))
        --end;
    return token.substr(0, end);
}

void push(std::vector<DiffPiece>& pieces, DiffOp op, std::string_view text)
{
    if (!pieces.empty() && pieces.back().op == op)
        pieces.back().text += text;
    else
        pieces.push_back({ op, std::string(text) });
}

} // namespace

std::vector<DiffPiece> word_diff(std::string_view before, std::string_view after, std::size_t max_cells)
{
    const auto a = tokens(before);
    const auto b = tokens(after);
    std::size_t head = 0;
    while (head < a.size() && head < b.size() && word(a[head]) == word(b[head]))
        ++head;
    std::size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && word(a[a.size() - 1 - tail]) == word(b[b.size() - 1 - tail]))
        ++tail;
    std::vector<DiffPiece> pieces;
    for (std::size_t i = 0; i < head; ++i)
        push(pieces, DiffOp::same, b[i]);
    const std::size_t n = a.size() - head - tail;
    const std::size_t m = b.size() - head - tail;
    if (n > 0 && m > 0 && (n + 1) * (m + 1) <= max_cells) {
        // lcs[i][j]: the longest common subsequence of a's middle from i and b's middle from j.
        std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
        auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
        for (std::size_t i = n; i-- > 0;)
            for (std::size_t j = m; j-- > 0;)
                at(i, j) = word(a[head + i]) == word(b[head + j]) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < n && j < m) {
            if (word(a[head + i]) == word(b[head + j])) {
                push(pieces, DiffOp::same, b[head + j]);
                ++i;
                ++j;
            } else if (at(i + 1, j) >= at(i, j + 1)) {
                push(pieces, DiffOp::removed, a[head + i++]);
            } else {
                push(pieces, DiffOp::added, b[head + j++]);
            }
        }
        for (; i < n; ++i)
            push(pieces, DiffOp::removed, a[head + i]);
        for (; j < m; ++j)
            push(pieces, DiffOp::added, b[head + j]);
    } else {
        for (std::size_t i = 0; i < n; ++i)
            push(pieces, DiffOp::removed, a[head + i]);
        for (std::size_t j = 0; j < m; ++j)
            push(pieces, DiffOp::added, b[head + j]);
    }
    for (std::size_t j = b.size() - tail; j < b.size(); ++j)
        push(pieces, DiffOp::same, b[j]);
    return pieces;
}

} // namespace feedkeeper::daemon::web

// daemon/table.cpp — aligned text tables. Threading: pure.
#include "daemon/table.hpp"

#include <algorithm>

namespace feedkeeper::daemon {
namespace {

std::size_t display_width(const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

} // namespace

std::string Table::render() const
{
    std::vector<std::size_t> widths;
    for (const auto& row : m_rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i].empty() ? "-" : row[i]));
    }
    std::string out;
    for (const auto& row : m_rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            const std::string cell = row[i].empty() ? "-" : row[i];
            line += cell;
            if (i + 1 < row.size())
                line += std::string(widths[i] - display_width(cell) + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

} // namespace feedkeeper::daemon

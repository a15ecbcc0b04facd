// daemon/table.hpp — aligned text tables for output meant for people. Threading: plain values.
#pragma once

#include <string>
#include <vector>

namespace feedkeeper::daemon {

class Table {
public:
    explicit Table(std::vector<std::string> headings) : m_rows { std::move(headings) } { }
    void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
    std::string render() const; // columns padded to their widest cell (counted in code points)

private:
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace feedkeeper::daemon

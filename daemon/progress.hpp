// daemon/progress.hpp — a one-line progress display on stderr, only when stderr is a terminal.
// Threading: the thread that reports progress (the io thread); writes are throttled to 10/s.
#pragma once

#include <chrono>
#include <string>

namespace feedkeeper::daemon {

class ProgressLine {
public:
    ProgressLine(); // inactive unless stderr is a TTY
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    // `done` of `total` units of `what`, e.g. (12, 40, "articles").
    void update(std::size_t done, std::size_t total, const std::string& what);
    void finish(); // clears the line

    bool active() const { return m_active; }

private:
    bool m_active = false;
    bool m_shown = false;
    std::chrono::steady_clock::time_point m_last {};
};

} // namespace feedkeeper::daemon

// daemon/progress.cpp — "[#######·········] 12/40 articles" redrawn in place on a TTY.
// Threading: the reporting thread.
#include "daemon/progress.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace feedkeeper::daemon {

ProgressLine::ProgressLine() : m_active(isatty(STDERR_FILENO) == 1) { }

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(std::size_t done, std::size_t total, const std::string& what)
{
    if (!m_active)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    constexpr std::size_t width = 24;
    const std::size_t filled = total == 0 ? width : std::min(width, done * width / total);
    fmt::print(stderr, "\r\x1b[K[{}{}] {}/{} {}", std::string(filled, '#'), std::string(width - filled, '.'), done, total, what);
    std::fflush(stderr);
    m_shown = true;
}

void ProgressLine::finish()
{
    if (!m_shown)
        return;
    fmt::print(stderr, "\r\x1b[K");
    std::fflush(stderr);
    m_shown = false;
}

} // namespace feedkeeper::daemon

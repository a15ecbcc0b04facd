// daemon/status.hpp — `status` output (text or JSON), the same whether the CLI reads the archive
// itself or the running daemon answers. Threading: the caller's (archive's) thread.
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/archive.hpp"

#include <optional>
#include <string>

namespace feedkeeper::daemon {

struct DaemonInfo {
    Timestamp started {};
    long pid = 0;
    std::size_t in_flight = 0;           // transfers running now
    std::size_t queued = 0;              // the frontier: items waiting for their hosts
    std::size_t running = 0;             // items being worked on
    std::size_t hosts = 0;               // hosts with work in the frontier
    std::optional<Timestamp> last_crawl; // last completed feed poll
    std::size_t errors = 0;              // failures since start
    std::optional<Timestamp> next_due;
    // Counters since start (also exposed as Prometheus metrics).
    std::size_t polls = 0;
    std::size_t poll_failures = 0;
    std::size_t articles_stored = 0;
    std::size_t article_failures = 0;
};

// Prometheus text exposition of the counters.
std::string render_metrics(const DaemonInfo&, std::size_t feeds_polling);

Result<std::string> render_status(store::Archive&, const std::string& db_path, const std::optional<DaemonInfo>&, bool json);

} // namespace feedkeeper::daemon

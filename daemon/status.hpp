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
    std::optional<Timestamp> last_crawl; // last completed feed poll
    std::size_t errors = 0;              // failures since start
    std::optional<Timestamp> next_due;
};

Result<std::string> render_status(store::Archive&, const std::string& db_path, const std::optional<DaemonInfo>&, bool json);

} // namespace feedkeeper::daemon

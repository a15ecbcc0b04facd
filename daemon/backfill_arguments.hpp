// daemon/backfill_arguments.hpp — `backfill`'s arguments as the CLI and the control socket carry
// them, and the walk's options they make (checked the same way on both paths).
// Threading: pure functions.
#pragma once

#include "crawl/backfill.hpp"
#include "daemon/commands.hpp"

#include <nlohmann/json.hpp>

namespace feedkeeper::daemon {

BackfillArguments backfill_arguments(const nlohmann::json&);
nlohmann::json to_json(const BackfillArguments&);
// Errc::invalid_argument (exit 2) for an unknown source, `archive` (not supported yet), a date that
// is not one, --until not after --since, a negative --max.
Result<crawl::BackfillOptions> backfill_options(const BackfillArguments&);

} // namespace feedkeeper::daemon

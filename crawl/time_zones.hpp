// crawl/time_zones.hpp — the system time-zone database (howardhinnant date-tz over
// /usr/share/zoneinfo), lent to parse/ for dates that name an IANA zone.
// Threading: the database loads once (thread-safe static); lookups are safe on any thread.
#pragma once

#include "parse/text/date.hpp"

namespace feedkeeper::crawl {

// A lookup that answers from the system database; unknown zones yield nullopt.
const parse::ZoneOffsetLookup& system_zone_offsets();

} // namespace feedkeeper::crawl

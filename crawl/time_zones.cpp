// crawl/time_zones.cpp — IANA zone offsets from date-tz; its exceptions end here.
// Threading: safe on any thread (date-tz guards its database).
#include "crawl/time_zones.hpp"

#include <date/tz.h>

#include <exception>

namespace feedkeeper::crawl {

const parse::ZoneOffsetLookup& system_zone_offsets()
{
    static const parse::ZoneOffsetLookup lookup = [](std::string_view name, Timestamp wall_clock) -> std::optional<std::chrono::seconds> {
        if (name.empty() || name.size() > 64)
            return std::nullopt;
        try {
            const date::time_zone* zone = date::locate_zone(name);
            const date::local_seconds local { wall_clock.time_since_epoch() };
            const date::local_info info = zone->get_info(local);
            return info.first.offset; // for a time skipped or repeated by a DST change, the earlier offset
        } catch (const std::exception&) {
            return std::nullopt; // not in the database
        }
    };
    return lookup;
}

} // namespace feedkeeper::crawl

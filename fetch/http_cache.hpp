// fetch/http_cache.hpp — what response headers say about timing: Retry-After, Cache-Control
// max-age / Expires. Threading: pure functions.
#pragma once

#include "core/http.hpp"
#include "core/time.hpp"

#include <chrono>
#include <optional>

namespace feedkeeper::fetch {

// Retry-After as delta-seconds or HTTP-date, relative to `now`; capped at one week.
std::optional<std::chrono::seconds> retry_after(const HttpHeaders&, Timestamp now);

// How long the response may be reused (Cache-Control max-age / s-maxage, else Expires - Date);
// nullopt without such headers; zero for no-store / no-cache.
std::optional<std::chrono::seconds> freshness_lifetime(const HttpHeaders&, Timestamp now);

// An HTTP-date (RFC 9110 IMF-fixdate and the obsolete forms), via curl_getdate().
std::optional<Timestamp> parse_http_date(std::string_view);

} // namespace feedkeeper::fetch

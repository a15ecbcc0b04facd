// core/url.hpp — URLs per RFC 3986 through libcurl's URL API: resolve, split, normalise.
// Threading: pure functions (each call owns its CURLU handle); safe anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace feedkeeper {

// `reference` resolved against `base` (RFC 3986 section 5). An absolute reference is returned
// normalised; a relative one without a usable base, or anything libcurl refuses (including a
// scheme without "//" such as "g:h"), yields nullopt. "" is the base without its fragment.
std::optional<std::string> resolve_url(std::string_view base, std::string_view reference);

// Lower-case host without port, or "" when `url` is not absolute.
std::string url_host(std::string_view url);
std::string url_scheme(std::string_view url);
std::optional<int> url_port(std::string_view url); // explicit or the scheme's default
bool is_http_url(std::string_view url);
// Whether `to` has the origin of `from` (scheme, host, port; RFC 6454) or is its upgrade from http
// on port 80 to https on 443: where a site's credentials and trust may follow a redirect.
bool same_origin_or_https_upgrade(std::string_view from, std::string_view to);
// Whether two absolute URLs are on one site: the same host, a leading "www." aside. False when
// either has no host.
bool same_site(std::string_view a, std::string_view b);

// The identity form of an article URL: fragment, tracking parameters (utm_*, fbclid, gclid, …)
// and default ports removed, scheme and host lower-cased. Returns the input unchanged if unparsable.
std::string normalize_url(std::string_view url);

} // namespace feedkeeper

// parse/html_urls.hpp — relative links inside feed content: one URL resolved by our rules, and every
// URL attribute of an HTML fragment rewritten absolute. Pure; safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper::parse {

// True when `reference` starts with a scheme ("http:", "mailto:", "tag:", …).
bool has_url_scheme(std::string_view reference);

// `reference` resolved against `base` (RFC 3986, libcurl's URL API through core/url.hpp).
// Absolute references come back as written (trimmed): ids and links are not normalised. Without a
// base, or when resolution fails, the reference comes back unchanged. Non-ASCII characters stay
// characters (IRIs), they are not percent-encoded.
std::string resolve_reference(std::string_view base, std::string_view reference);

// Is this (lower-case) attribute one that holds a URL: href, src, cite, action, poster, …?
bool is_url_attribute(std::string_view name);

// `html` with the relative URLs in its URL attributes resolved against `base`. Also declares the
// xlink namespace on tags that use xlink: attributes without declaring it (SVG/MathML pasted into
// HTML). Returns `html` unchanged when there is nothing to do.
std::string resolve_html_urls(std::string_view html, std::string_view base);

} // namespace feedkeeper::parse

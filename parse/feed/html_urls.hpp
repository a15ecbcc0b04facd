// parse/feed/html_urls.hpp — relative links inside feed content: one URL resolved by our rules, and every
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

// A srcset value ("a.png, b.png 2x") with each candidate's URL resolved.
std::string resolve_srcset(std::string_view base, std::string_view srcset);

// Is this (lower-case) attribute one that holds a URL: href, src, cite, action, poster, …?
bool is_url_attribute(std::string_view name);

// `html` made self-contained: relative URLs in its URL attributes resolved against `base`; the
// xlink namespace declared on tags that use xlink: attributes without declaring it (SVG/MathML
// pasted into HTML); and a "<!" that opens no comment, DOCTYPE or CDATA section written "&lt;!"
// (it was text: as markup it would swallow what follows up to the next '>').
// Returns `html` unchanged when there is nothing to do.
std::string normalize_html_fragment(std::string_view html, std::string_view base);

} // namespace feedkeeper::parse

// parse/text/characters.hpp — the character helpers every room of parse/ shares: the one white
// space collapser (appending or whole strings), NFC, and lower-casing beyond ASCII. Pure functions.
// Safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper::parse {

// Appends `text` with runs of white space (ASCII, NEL, NBSP, Unicode spaces) as one pending space,
// written only before the next visible character; zero-width characters, the BOM and soft hyphens
// (U+00AD: a hyphenation hint, not text) are dropped.
void append_collapsed(std::string& out, std::string_view text, bool& pending_space);

// `text` through append_collapsed: white-space runs as one space, none at the edges.
std::string collapse_whitespace(std::string_view text);

// Unicode Normalization Form C (composed: "a" + U+0308 becomes "ä"); ASCII returns at once.
// Invalid UTF-8 comes back unchanged.
std::string normalize_nfc(std::string text);

// Lower-cases ASCII, Latin-1 Supplement, Latin Extended-A (pairs), Greek and Cyrillic.
std::string lower_utf8(std::string_view);

} // namespace feedkeeper::parse

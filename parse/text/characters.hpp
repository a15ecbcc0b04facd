// parse/text/characters.hpp — the character helpers every room of parse/ shares: white space
// collapsed while text is appended, and lower-casing beyond ASCII. Pure functions. Safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper::parse {

// Appends `text` with runs of white space (ASCII, NBSP, Unicode spaces) as one pending space,
// written only before the next visible character; zero-width characters are dropped.
void append_collapsed(std::string& out, std::string_view text, bool& pending_space);

// Lower-cases ASCII, Latin-1 Supplement, Latin Extended-A (pairs), Greek and Cyrillic.
std::string lower_utf8(std::string_view);

} // namespace feedkeeper::parse

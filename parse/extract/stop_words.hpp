// parse/extract/stop_words.hpp — stop words of the languages extraction reads (de, en, ru, fr, es,
// it, pt, nl, pl) and a language guess from them. Pure functions over a constant table. Safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper::parse {

// `lower_word` is a stop word of one of the supported languages.
bool is_stop_word(std::string_view lower_word);

// Guesses the language of lower-cased text from stop words: "de", "en", "ru", … or "".
std::string guess_language(std::string_view lower_text);

} // namespace feedkeeper::parse

// tests/parse/extract/test_support.hpp — small helpers for the extraction tests: run extract_page
// on an inline page and build pages from paragraphs.
#pragma once

#include "parse/extract/extract.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace feedkeeper::test {

inline ExtractedPage extract(std::string_view html, const parse::ExtractOptions& options = {})
{
    auto page = parse::extract_page(html, options);
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().message);
    return page ? std::move(*page) : ExtractedPage {};
}

// Sentences that read like an article (stop words, commas, full stops), numbered so that every
// paragraph is distinct.
inline std::string prose(int number, int sentences = 3)
{
    std::string text;
    for (int i = 0; i < sentences; ++i) {
        text += "The council said on Tuesday that the plan number " + std::to_string(number) + "." + std::to_string(i)
            + " would be debated again, and that the residents of the valley were not yet convinced by it. ";
    }
    text.pop_back();
    return text;
}

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

} // namespace feedkeeper::test

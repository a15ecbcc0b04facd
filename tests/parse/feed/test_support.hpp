// tests/parse/feed/test_support.hpp — reading fixtures from tests/data/feeds and parsing them.
#pragma once

#include "parse/feed/parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace feedkeeper::testing {

inline std::string read_fixture(const std::string& relative)
{
    std::ifstream in(std::string(FEEDKEEPER_TEST_DATA) + "/feeds/" + relative, std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << relative;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

inline parse::FeedParseOptions options_with(std::string url, HttpHeaders headers = {})
{
    parse::FeedParseOptions options;
    options.url = std::move(url);
    options.headers = std::move(headers);
    return options;
}

// Parses bytes that must yield a feed; fails the test otherwise.
inline FeedDocument parse_ok(std::string_view bytes, const parse::FeedParseOptions& options = {})
{
    auto feed = parse::parse_feed(bytes, options);
    EXPECT_TRUE(feed) << (feed ? "" : feed.error().message);
    return feed ? std::move(*feed) : FeedDocument {};
}

inline FeedDocument parse_fixture(const std::string& relative, const parse::FeedParseOptions& options = {})
{
    return parse_ok(read_fixture(relative), options);
}

} // namespace feedkeeper::testing

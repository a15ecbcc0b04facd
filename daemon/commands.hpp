// daemon/commands.hpp — one function per command; cli.cpp parses, these run.
// Threading: each runs on the main thread and may start the I/O and worker threads it needs.
#pragma once

#include "daemon/cli.hpp"

#include <string>
#include <vector>

namespace feedkeeper::daemon {

struct ParseFeedArguments {
    std::string file;
    std::string url;
    std::vector<std::string> headers;
};
int run_parse_feed(const GlobalOptions&, const ParseFeedArguments&);

struct ExtractArguments {
    std::vector<std::string> files;
    std::string url;
    std::vector<std::string> headers; // "Name: value", as if the page came with them (Content-Type charset)
    bool jsonl = false;
};
int run_extract(const GlobalOptions&, const ExtractArguments&);

} // namespace feedkeeper::daemon

// daemon/cli.cpp — argument parsing with CLI11; usage errors exit 2 in our one-line format.
// Threading: the main thread.
#include "daemon/cli.hpp"

#include "daemon/commands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <functional>

namespace feedkeeper::daemon {

void print_error(std::string_view what, std::string_view where)
{
    if (where.empty())
        fmt::print(stderr, "feedkeeper: error: {}\n", what);
    else
        fmt::print(stderr, "feedkeeper: error: {} ({})\n", what, where);
}

int run_cli(int argc, char** argv)
{
    CLI::App app { "feedkeeper — archive news feeds and the articles they point to", "feedkeeper" };
    app.set_version_flag("--version", "feedkeeper " FEEDKEEPER_VERSION);
    app.require_subcommand(1);
    app.fallthrough();

    GlobalOptions global;
    bool verbose = false;
    bool quiet = false;
    app.add_option("--db", global.db_path, "archive database (default: $FEEDKEEPER_DB, config, $STATE_DIRECTORY or $XDG_DATA_HOME)");
    app.add_option("--config", global.config_path, "TOML configuration file");
    app.add_option("--socket", global.socket_path, "the daemon's control socket");
    app.add_flag("-v,--verbose", verbose, "log more");
    app.add_flag("-q,--quiet", quiet, "log only errors");

    std::function<int()> command;

    ParseFeedArguments parse_feed;
    auto* parse_feed_command = app.add_subcommand("parse-feed", "parse one feed file and print its JSON");
    parse_feed_command->add_option("FILE", parse_feed.file, "feed file")->required();
    parse_feed_command->add_option("--url", parse_feed.url, "the document's address (base for relative links)");
    parse_feed_command->add_option("--header", parse_feed.headers, "a response header, 'Name: value' (repeatable)");
    parse_feed_command->callback([&] { command = [&] { return run_parse_feed(global, parse_feed); }; });

    ExtractArguments extract;
    auto* extract_command = app.add_subcommand("extract", "extract the article of each HTML file and print its JSON");
    extract_command->add_option("FILE", extract.files, "HTML files")->required();
    extract_command->add_option("--url", extract.url, "the page's address (base for links)");
    extract_command->add_option("--header", extract.headers, "a response header, 'Name: value' (repeatable)");
    extract_command->add_flag("--jsonl", extract.jsonl, "one JSON object per line");
    extract_command->callback([&] { command = [&] { return run_extract(global, extract); }; });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0)
            return app.exit(error); // --help, --version
        print_error(error.what(), "command line; see feedkeeper --help");
        return exit_usage;
    }
    if (verbose && quiet) {
        print_error("-v and -q cannot be combined", "command line");
        return exit_usage;
    }
    global.verbosity = verbose ? Verbosity::verbose : quiet ? Verbosity::quiet : Verbosity::normal;

    try {
        return command ? command() : exit_usage;
    } catch (const std::exception& error) {
        print_error(error.what(), "");
        return exit_failure;
    }
}

} // namespace feedkeeper::daemon

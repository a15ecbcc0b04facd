// daemon/cli.hpp — the command-line contract of ../shared/docs/INTERFACE.md: options and commands.
// Threading: the main thread parses arguments and runs one command.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace feedkeeper::daemon {

enum class Verbosity { quiet, normal, verbose };

struct GlobalOptions {
    std::string db_path;     // --db
    std::string config_path; // --config
    std::string socket_path; // --socket
    Verbosity verbosity = Verbosity::normal;
};

// Exit codes of every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// Parses `argv`, runs the command, returns the process exit code. Never throws.
int run_cli(int argc, char** argv);

// "feedkeeper: error: <what> (<where>)" on stderr.
void print_error(std::string_view what, std::string_view where);

} // namespace feedkeeper::daemon

// daemon/context.hpp — what every command needs first: the configuration, the archive's path
// (INTERFACE.md's order of precedence), logging, and opening the archive with a clear error.
// Threading: main thread.
#pragma once

#include "core/log.hpp"
#include "daemon/cli.hpp"
#include "crawl/config.hpp"
#include "store/archive.hpp"

#include <memory>
#include <string>

namespace feedkeeper::daemon {

struct CommandContext {
    crawl::Config config;
    std::string db_path;
    std::string socket_path;
};

// A failure that is the user's to fix (bad option, config or path) exits 2; others exit 1.
int exit_code_for(const Error&);

// Loads the config (--config, $CONFIGURATION_DIRECTORY/feedkeeper.toml under systemd, else the
// first that exists of $XDG_CONFIG_HOME/feedkeeper/feedkeeper.toml and /etc/feedkeeper/feedkeeper.toml)
// and resolves the archive and socket paths in INTERFACE.md's order.
Result<CommandContext> load_context(const GlobalOptions&);

// Log level from -v/-q; journald priority prefixes when stderr goes to the journal.
void setup_logging(const GlobalOptions&, LogLevel default_level);

Result<std::unique_ptr<store::Archive>> open_archive(const CommandContext&, store::OpenMode);

// What most commands start with: the context, logging at `default_level` (-v/-q move it), the
// archive open in `mode`; read-write opens also bring the config's feeds in (sync_config_feeds).
// Its errors' messages end with "(<where>)": report them with an empty `where`.
struct CommandArchive {
    CommandContext context;
    std::unique_ptr<store::Archive> archive;
};
Result<CommandArchive> open_for_command(const GlobalOptions&, store::OpenMode, LogLevel default_level = LogLevel::warning);

// Feeds declared in the config are added to the archive, and their settings (name, interval,
// headers, cookies) replace what the archive holds: the file is declarative and wins.
Result<void> sync_config_feeds(store::Archive&, const crawl::Config&);

// Prints `error` in the one-line format and returns the matching exit code.
int report(const Error& error, std::string_view where);

// A whole input file, capped at `max_bytes`.
Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes = 64 * 1024 * 1024);

// Text shown back to the user: CR, LF, NUL and other controls as escapes, invalid UTF-8 as U+FFFD.
std::string escape_control_characters(std::string_view);

// A header or cookie from the command line: one line (no CR, LF or NUL) of UTF-8, else an
// invalid_argument error naming `option`.
Result<void> check_header_text(std::string_view text, std::string_view option);

// Text that goes into the archive and out into exports (names, queries): valid UTF-8 only.
Result<void> check_utf8_argument(std::string_view text, std::string_view option);

// "Name: value" arguments from the command line (checked as check_header_text does).
Result<HttpHeaders> parse_header_arguments(const std::vector<std::string>& texts);

// Resolves a FEED argument (id, URL or name) or fails with a clear error.
Result<store::FeedRecord> require_feed(store::Archive&, const std::string& selector);

enum class CrawlSelection {
    healthy_or_due, // default: every healthy feed now (a conditional GET is cheap), failing ones when their back-off ends
    due,            // --due: only feeds whose scheduled time has come (cron)
    all,            // --all: every active feed, back-off or not
};

std::string_view to_string(CrawlSelection);
std::optional<CrawlSelection> crawl_selection_from_string(std::string_view);

// The feeds a crawl polls: the named ones (FEED arguments: every one of them), else the active
// feeds `selection` picks.
Result<std::vector<store::FeedRecord>> select_feeds(store::Archive&, const std::vector<std::string>& selectors, CrawlSelection);

} // namespace feedkeeper::daemon

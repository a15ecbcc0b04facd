// daemon/context.cpp — configuration and path resolution shared by all commands.
// Threading: main thread.
#include "daemon/context.hpp"

#include "daemon/archive_lock.hpp"

#include "core/log.hpp"
#include "core/url.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace feedkeeper::daemon {
namespace {

std::string environment(const char* name)
{
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

std::string home_directory()
{
    std::string home = environment("HOME");
    return home.empty() ? std::string("/tmp") : home;
}

std::string default_db_path()
{
    if (auto state = environment("STATE_DIRECTORY"); !state.empty())
        return (std::filesystem::path(state.substr(0, state.find(':'))) / "archive.db").string();
    std::string data = environment("XDG_DATA_HOME");
    if (data.empty())
        data = home_directory() + "/.local/share";
    return (std::filesystem::path(data) / "feedkeeper" / "archive.db").string();
}

std::string systemd_socket_path()
{
    const std::string runtime = environment("RUNTIME_DIRECTORY");
    return runtime.empty() ? std::string() : (std::filesystem::path(runtime.substr(0, runtime.find(':'))) / "control.sock").string();
}

// The archive's location from a systemd credential (LoadCredential=store-url:FILE in the unit):
// a PostgreSQL URL with its password stays out of the unit and the config. Empty when there is
// none. One line; a trailing newline and surrounding blanks are dropped; capped at 64 KiB.
std::string store_credential()
{
    const std::string directory = environment("CREDENTIALS_DIRECTORY");
    if (directory.empty())
        return {};
    std::ifstream in(std::filesystem::path(directory) / "store-url", std::ios::binary);
    if (!in)
        return {};
    std::string text(64 * 1024, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (const auto end = text.find('\n'); end != std::string::npos)
        text.resize(end);
    return trim(text);
}

std::string default_socket_path()
{
    std::string runtime = environment("XDG_RUNTIME_DIR");
    if (runtime.empty())
        runtime = "/tmp/feedkeeper-" + std::to_string(getuid());
    return (std::filesystem::path(runtime) / "feedkeeper" / "control.sock").string();
}

std::string default_config_path()
{
    if (auto directory = environment("CONFIGURATION_DIRECTORY"); !directory.empty())
        return (std::filesystem::path(directory.substr(0, directory.find(':'))) / "feedkeeper.toml").string();
    std::string config = environment("XDG_CONFIG_HOME");
    if (config.empty())
        config = home_directory() + "/.config";
    std::error_code ec;
    for (const auto& path : { std::filesystem::path(config) / "feedkeeper" / "feedkeeper.toml", std::filesystem::path("/etc/feedkeeper/feedkeeper.toml") })
        if (std::filesystem::exists(path, ec))
            return path.string();
    return {};
}

} // namespace

int exit_code_for(const Error& error)
{
    switch (error.code) {
    case Errc::invalid_argument:
    case Errc::not_found:
    case Errc::read_only:
    case Errc::parse:
        return exit_usage;
    default:
        return exit_failure;
    }
}

int report(const Error& error, std::string_view where)
{
    print_error(error.message, store::redacted_location(where));
    return exit_code_for(error);
}

Result<CommandContext> load_context(const GlobalOptions& global)
{
    CommandContext context;
    const std::string config_path = global.config_path.empty() ? default_config_path() : global.config_path;
    if (!config_path.empty()) {
        auto config = crawl::load_config(config_path);
        if (!config)
            return Error(Errc::invalid_argument, "invalid configuration: " + config.error().message);
        context.config = std::move(*config);
    }
    if (!global.db_path.empty())
        context.db_path = store::archive_location(global.db_path);
    else if (auto from_environment = environment("FEEDKEEPER_DB"); !from_environment.empty())
        context.db_path = store::archive_location(from_environment);
    else if (auto credential = store_credential(); !credential.empty())
        context.db_path = store::archive_location(credential);
    else if (!context.config.store_path.empty())
        context.db_path = context.config.store_path;
    else
        context.db_path = default_db_path();
    if (!global.socket_path.empty())
        context.socket_path = global.socket_path;
    else if (auto under_systemd = systemd_socket_path(); !under_systemd.empty())
        context.socket_path = under_systemd;
    else if (!context.config.daemon.socket_path.empty())
        context.socket_path = context.config.daemon.socket_path;
    else
        context.socket_path = default_socket_path();
    return context;
}

void setup_logging(const GlobalOptions& global, LogLevel default_level)
{
    LogLevel level = default_level;
    if (global.verbosity == Verbosity::verbose)
        level = static_cast<int>(default_level) >= static_cast<int>(LogLevel::info) ? LogLevel::debug : LogLevel::info;
    else if (global.verbosity == Verbosity::quiet)
        level = LogLevel::error;
    set_log_level(level);
    set_log_priority_prefix(!environment("JOURNAL_STREAM").empty());
}

Result<std::unique_ptr<store::Archive>> open_archive(const CommandContext& context, store::OpenMode mode)
{
    const std::filesystem::path path(context.db_path);
    // The default location is ours to create; a path the user gave must already have its directory.
    const bool explicit_path = context.db_path != default_db_path();
    if (mode == store::OpenMode::read_write && !explicit_path && path.has_parent_path() && !store::is_postgresql_location(context.db_path)) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            return Error(Errc::read_only, "cannot create " + path.parent_path().string() + ": " + ec.message());
    }
    auto archive = store::Archive::open(path, mode, context.config.store);
    if (!archive && mode == store::OpenMode::read_only && archive.error().code == Errc::unsupported) {
        // An archive of an older schema (the package was upgraded, nothing has written it since):
        // a reading command migrates it as a writing one would, when no daemon holds it (a daemon
        // still running the old version keeps its schema) and the file may be written. A schema
        // newer than this binary's stays refused: the writable open refuses it too.
        if (auto lock = ArchiveLock::acquire(context.db_path, "migration")) {
            if (auto migrated = store::Archive::open(path, store::OpenMode::read_write, context.config.store)) {
                migrated->reset();
                log_event(LogLevel::notice, "archive.migrated", { { "path", store::redacted_location(context.db_path) } });
                archive = store::Archive::open(path, mode, context.config.store);
            }
        }
    }
    if (!archive) {
        Error error = archive.error();
        if (error.code == Errc::io || error.code == Errc::read_only || error.code == Errc::corrupt)
            error.code = error.code == Errc::corrupt ? Errc::corrupt : Errc::read_only; // unusable path: the user's to fix
        return error;
    }
    return archive;
}

Result<std::string> read_input_file(const std::string& path, std::size_t max_bytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error(Errc::not_found, fmt::format("cannot open {}", path));
    std::string bytes;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (bytes.size() > max_bytes)
            return Error(Errc::too_large, fmt::format("{} is larger than {} bytes", path, max_bytes));
    }
    if (in.bad())
        return Error(Errc::io, fmt::format("cannot read {}", path));
    return bytes;
}

std::string escape_control_characters(std::string_view text)
{
    std::string out;
    for (char c : text) {
        if (c == '\r')
            out += "\\r";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\0')
            out += "\\0";
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
            out += c;
    }
    return sanitize_utf8(out);
}

Result<void> check_header_text(std::string_view text, std::string_view option)
{
    // A CR or LF would end the header line and start another on the wire (header injection).
    if (has_line_break_or_nul(text))
        return Error(Errc::invalid_argument, fmt::format("{} '{}' contains a line break or NUL; a header is one line", option, escape_control_characters(text)));
    if (!is_valid_utf8(text))
        return Error(Errc::invalid_argument, fmt::format("{} '{}' is not valid UTF-8", option, escape_control_characters(text)));
    return {};
}

Result<void> check_utf8_argument(std::string_view text, std::string_view option)
{
    if (!is_valid_utf8(text))
        return Error(Errc::invalid_argument, fmt::format("{} '{}' is not valid UTF-8", option, escape_control_characters(text)));
    return {};
}

Result<HttpHeaders> parse_header_arguments(const std::vector<std::string>& texts)
{
    HttpHeaders headers;
    for (const std::string& text : texts) {
        if (auto checked = check_header_text(text, "--header"); !checked)
            return checked.error();
        const auto colon = text.find(':');
        if (colon == std::string::npos || colon == 0)
            return Error(Errc::invalid_argument, fmt::format("--header '{}' is not 'Name: value'", text));
        headers.push_back({ trim(std::string_view(text).substr(0, colon)), trim(std::string_view(text).substr(colon + 1)) });
    }
    return headers;
}

Result<CommandArchive> open_for_command(const GlobalOptions& global, store::OpenMode mode, LogLevel default_level)
{
    auto context = load_context(global);
    if (!context)
        return context.error();
    setup_logging(global, default_level);
    // Errors end with where they happened, as the one-line error format wants.
    auto archive = open_archive(*context, mode);
    if (!archive)
        return Error(archive.error().code, fmt::format("{} ({})", archive.error().message, store::redacted_location(context->db_path)));
    if (mode == store::OpenMode::read_write)
        if (auto synced = sync_config_feeds(**archive, context->config); !synced)
            return Error(synced.error().code, fmt::format("{} ({})", synced.error().message, context->config.source));
    return CommandArchive { std::move(*context), std::move(*archive) };
}

std::string_view to_string(CrawlSelection selection)
{
    switch (selection) {
    case CrawlSelection::due: return "due";
    case CrawlSelection::all: return "all";
    case CrawlSelection::healthy_or_due: return "healthy_or_due";
    }
    return "healthy_or_due";
}

std::optional<CrawlSelection> crawl_selection_from_string(std::string_view text)
{
    for (CrawlSelection selection : { CrawlSelection::healthy_or_due, CrawlSelection::due, CrawlSelection::all })
        if (to_string(selection) == text)
            return selection;
    return std::nullopt;
}

Result<std::vector<store::FeedRecord>> select_feeds(store::Archive& archive, const std::vector<std::string>& selectors, CrawlSelection selection)
{
    std::vector<store::FeedRecord> feeds;
    if (!selectors.empty()) {
        for (const std::string& selector : selectors) {
            auto feed = require_feed(archive, selector);
            if (!feed)
                return feed.error();
            feeds.push_back(std::move(*feed));
        }
        return feeds;
    }
    const Timestamp now = now_utc();
    auto all = selection == CrawlSelection::due ? archive.feeds().due(now) : archive.feeds().list();
    if (!all)
        return all.error();
    for (auto& feed : *all) {
        if (feed.health == store::FeedHealth::retired)
            continue;
        // A feed backing off (errors, Retry-After) is left alone until its time, unless --all.
        const bool waiting = feed.health != store::FeedHealth::ok && feed.next_fetch && *feed.next_fetch > now;
        if (selection == CrawlSelection::healthy_or_due && waiting)
            continue;
        feeds.push_back(std::move(feed));
    }
    return feeds;
}

Result<store::FeedRecord> require_feed(store::Archive& archive, const std::string& selector)
{
    auto found = archive.feeds().find(selector);
    if (!found)
        return found.error();
    if (!*found)
        return Error(Errc::invalid_argument, fmt::format("no feed '{}' (see feedkeeper feeds)", selector));
    return std::move(**found);
}

Result<void> sync_config_feeds(store::Archive& archive, const crawl::Config& config)
{
    for (const crawl::FeedConfig& declared : config.feeds) {
        auto found = archive.feeds().find(declared.url);
        if (!found)
            return found.error();
        std::int64_t id = 0;
        if (*found) {
            id = (*found)->id;
        } else {
            store::NewFeed feed;
            feed.url = declared.url;
            feed.name = declared.name;
            feed.source = store::FeedSource::config;
            auto added = archive.feeds().add(feed);
            if (!added)
                return added.error();
            id = added->id;
        }
        std::optional<std::int64_t> interval;
        if (declared.interval)
            interval = declared.interval->count();
        if (auto set = archive.feeds().set_options(id, declared.headers, declared.cookies, interval); !set)
            return set.error();
    }
    return {};
}

} // namespace feedkeeper::daemon

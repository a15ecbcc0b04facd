// daemon/command_feeds.cpp — `add`, `remove`, `feeds` and `import-opml`: the subscription list.
// Threading: main thread.
#include "daemon/commands.hpp"

#include "core/url.hpp"
#include "daemon/context.hpp"
#include "daemon/json_output.hpp"
#include "daemon/table.hpp"
#include "parse/feed/opml.hpp"

#include <fmt/format.h>

#include <iostream>

namespace feedkeeper::daemon {

int run_add(const GlobalOptions& global, const AddArguments& arguments)
{
    if (auto checked = check_utf8_argument(arguments.url, "URL"); !checked)
        return report(checked.error(), "add");
    if (!is_http_url(arguments.url))
        return report(Error(Errc::invalid_argument, fmt::format("'{}' is not an http(s) URL", arguments.url)), "add");
    std::optional<std::int64_t> interval;
    if (!arguments.interval.empty()) {
        auto parsed = parse_duration(arguments.interval);
        if (!parsed || parsed->count() < 60)
            return report(Error(Errc::invalid_argument, fmt::format("--interval '{}' is not a duration of at least 1m (e.g. 30m, 2h)", arguments.interval)), "add");
        interval = parsed->count();
    }
    auto headers = parse_header_arguments(arguments.headers);
    if (!headers)
        return report(headers.error(), "add");
    if (auto checked = check_header_text(arguments.cookies, "--cookie"); !checked)
        return report(checked.error(), "add");
    if (auto checked = check_utf8_argument(arguments.name, "--name"); !checked)
        return report(checked.error(), "add");
    auto opened = open_for_command(global, store::OpenMode::read_write);
    if (!opened)
        return report(opened.error(), "");
    store::Archive& archive = *opened->archive;
    const std::string& db_path = opened->context.db_path;
    store::NewFeed feed;
    feed.url = arguments.url;
    feed.name = arguments.name;
    feed.interval_seconds = interval;
    const bool options_given = !headers->empty() || !arguments.cookies.empty() || interval;
    auto added = archive.feeds().add(feed);
    if (!added && added.error().code == Errc::constraint && options_given && !arguments.if_new) {
        // Subscribed already: the options given replace the feed's own (a consent cookie added
        // later, a header), the others stay as they were.
        auto existing = archive.feeds().find(arguments.url);
        if (!existing)
            return report(existing.error(), db_path);
        if (!*existing)
            return report(added.error(), db_path);
        const store::FeedRecord& known = **existing;
        if (auto set = archive.feeds().set_options(known.id, headers->empty() ? known.headers : *headers,
                arguments.cookies.empty() ? known.cookies : arguments.cookies, interval ? interval : known.interval_seconds);
            !set)
            return report(set.error(), db_path);
        if (global.verbosity != Verbosity::quiet)
            fmt::print("feed {} was subscribed already: its options are updated ({})\n", known.id, known.url);
        return exit_ok;
    }
    if (!added) {
        if (added.error().code == Errc::constraint && arguments.if_new)
            return exit_ok;
        return report(added.error(), db_path);
    }
    if (options_given) {
        if (auto set = archive.feeds().set_options(added->id, *headers, arguments.cookies, interval); !set)
            return report(set.error(), db_path);
    }
    if (global.verbosity != Verbosity::quiet)
        fmt::print("added feed {}: {}\n", added->id, added->url);
    return exit_ok;
}

int run_remove(const GlobalOptions& global, const RemoveArguments& arguments)
{
    auto opened = open_for_command(global, store::OpenMode::read_write);
    if (!opened)
        return report(opened.error(), "");
    store::Archive& archive = *opened->archive;
    const std::string& db_path = opened->context.db_path;
    auto feed = require_feed(archive, arguments.feed);
    if (!feed)
        return report(feed.error(), "remove");
    if (feed->source == store::FeedSource::config)
        return report(Error(Errc::invalid_argument, fmt::format("feed {} is declared in the configuration; delete its [[feed]] there instead", feed->url)),
            opened->context.config.source.empty() ? "remove" : opened->context.config.source);
    if (auto removed = archive.feeds().remove(feed->id); !removed)
        return report(removed.error(), db_path);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("removed feed {}: {} (its archived articles are kept)\n", feed->id, feed->url);
    return exit_ok;
}

int run_feeds(const GlobalOptions& global, const FeedsArguments& arguments)
{
    auto opened = open_for_command(global, store::OpenMode::read_only);
    if (!opened)
        return report(opened.error(), "");
    store::Archive& archive = *opened->archive;
    const std::string& db_path = opened->context.db_path;
    auto feeds = archive.feeds().list();
    if (!feeds)
        return report(feeds.error(), db_path);
    if (arguments.json) {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const auto& feed : *feeds)
            array.push_back(feed_json(feed));
        std::cout << dump_json(array, JsonStyle::pretty) << '\n';
        return exit_ok;
    }
    Table table({ "ID", "HEALTH", "ARTICLES", "LAST FETCH", "NEXT FETCH", "URL" });
    for (const auto& feed : *feeds)
        table.add({ std::to_string(feed.id), std::string(to_string(feed.health)), std::to_string(feed.articles), format_rfc3339(feed.last_fetch),
            feed.health == store::FeedHealth::retired ? "-" : format_rfc3339(feed.next_fetch), feed.url });
    std::cout << table.render();
    return exit_ok;
}

int run_import_opml(const GlobalOptions& global, const ImportOpmlArguments& arguments)
{
    auto bytes = read_input_file(arguments.file, 16 * 1024 * 1024);
    if (!bytes)
        return report(bytes.error(), arguments.file);
    auto outlines = parse::parse_opml(*bytes);
    if (!outlines)
        return report(Error(Errc::invalid_argument, outlines.error().message), arguments.file);
    auto opened = open_for_command(global, store::OpenMode::read_write);
    if (!opened)
        return report(opened.error(), "");
    store::Archive& archive = *opened->archive;
    const std::string& db_path = opened->context.db_path;
    std::size_t added = 0, known = 0, skipped = 0;
    for (const parse::OpmlFeed& outline : *outlines) {
        if (!is_http_url(outline.url)) {
            print_error(fmt::format("skipped '{}': not an http(s) URL", outline.url), arguments.file);
            ++skipped;
            continue;
        }
        store::NewFeed feed;
        feed.url = outline.url;
        feed.title = outline.title;
        feed.site_url = outline.site_url;
        feed.source = store::FeedSource::opml;
        auto result = archive.feeds().add(feed);
        if (result)
            ++added;
        else if (result.error().code == Errc::constraint)
            ++known;
        else
            return report(result.error(), db_path);
    }
    if (global.verbosity != Verbosity::quiet)
        fmt::print("imported {} feeds ({} already subscribed, {} skipped)\n", added, known, skipped);
    return skipped == 0 ? exit_ok : exit_failure;
}

} // namespace feedkeeper::daemon

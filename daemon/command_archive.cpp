// daemon/command_archive.cpp — `export`, `search` and `status`: readers on their own read-only
// connection, so they work while a daemon writes. Threading: main thread.
#include "daemon/commands.hpp"

#include "daemon/context.hpp"
#include "daemon/control_client.hpp"
#include "daemon/json_output.hpp"
#include "daemon/table.hpp"
#include "store/export.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>

namespace feedkeeper::daemon {

namespace {

Result<std::unique_ptr<store::Archive>> open_reader(const GlobalOptions& global, CommandContext& context_out)
{
    auto context = load_context(global);
    if (!context)
        return context.error();
    setup_logging(global, LogLevel::warning);
    context_out = std::move(*context);
    auto archive = open_archive(context_out, store::OpenMode::read_only);
    if (!archive)
        return Error(archive.error().code, fmt::format("{} ({})", archive.error().message, context_out.db_path));
    return archive;
}

Result<std::optional<Timestamp>> parse_date_option(const std::string& text, std::string_view option)
{
    if (text.empty())
        return std::optional<Timestamp>();
    auto time = parse_rfc3339(text);
    if (!time)
        return Error(Errc::invalid_argument, fmt::format("{} '{}' is not a date (YYYY-MM-DD or RFC 3339)", option, text));
    return std::optional<Timestamp>(*time);
}

std::string health_sentence(const store::FeedRecord& feed)
{
    switch (feed.health) {
    case store::FeedHealth::ok: return "ok";
    case store::FeedHealth::backing_off: return fmt::format("backing off until {}", format_rfc3339(feed.next_fetch));
    case store::FeedHealth::failing: return fmt::format("failing since {}", format_rfc3339(feed.failing_since));
    case store::FeedHealth::retired: return "retired";
    }
    return "ok";
}

} // namespace

int run_export(const GlobalOptions& global, const ExportArguments& arguments)
{
    const auto format = store::export_format_from_string(arguments.format);
    if (!format)
        return report(Error(Errc::invalid_argument, fmt::format("unknown format '{}' (jsonl, csv, warc, md, opml)", arguments.format)), "export");
    store::ExportFilter filter;
    auto since = parse_date_option(arguments.since, "--since");
    auto until = parse_date_option(arguments.until, "--until");
    if (!since)
        return report(since.error(), "export");
    if (!until)
        return report(until.error(), "export");
    filter.since = *since;
    filter.until = *until;
    CommandContext context;
    auto archive = open_reader(global, context);
    if (!archive)
        return report(archive.error(), "");
    if (!arguments.feed.empty()) {
        auto feed = require_feed(**archive, arguments.feed);
        if (!feed)
            return report(feed.error(), "export");
        filter.feed_id = feed->id;
    }
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!arguments.output.empty()) {
        file.open(arguments.output, std::ios::binary | std::ios::trunc);
        if (!file)
            return report(Error(Errc::invalid_argument, "cannot write the output file"), arguments.output);
        out = &file;
    }
    auto summary = store::export_archive(**archive, *format, filter, *out);
    if (!summary)
        return report(summary.error(), arguments.output.empty() ? "standard output" : arguments.output);
    if (!arguments.output.empty() && global.verbosity != Verbosity::quiet)
        std::cerr << fmt::format("exported {} records ({} bytes) to {}\n", summary->records, summary->bytes, arguments.output);
    return exit_ok;
}

int run_search(const GlobalOptions& global, const SearchArguments& arguments)
{
    CommandContext context;
    auto archive = open_reader(global, context);
    if (!archive)
        return report(archive.error(), "");
    auto hits = (*archive)->search(arguments.query, arguments.limit);
    if (!hits)
        return report(hits.error(), "search");
    if (arguments.json) {
        nlohmann::ordered_json array = nlohmann::ordered_json::array();
        for (const auto& hit : *hits)
            array.push_back({ { "id", hit.article_id }, { "revision", hit.revision }, { "url", hit.url }, { "title", json_text(hit.title) },
                { "published", json_time(hit.published) }, { "snippet", hit.snippet }, { "rank", hit.rank } });
        std::cout << dump_json(array, JsonStyle::pretty) << '\n';
        return exit_ok;
    }
    for (const auto& hit : *hits)
        std::cout << fmt::format("{}  {}\n    {}\n    {}\n", hit.article_id, hit.title.empty() ? "(untitled)" : hit.title, hit.url, hit.snippet);
    if (hits->empty() && global.verbosity != Verbosity::quiet)
        std::cerr << "no matches\n";
    return exit_ok;
}

int run_status(const GlobalOptions& global, const StatusArguments& arguments)
{
    if (auto forwarded = forward_to_daemon(global, "status", { { "json", arguments.json } }))
        return *forwarded;
    CommandContext context;
    auto archive = open_reader(global, context);
    if (!archive)
        return report(archive.error(), "");
    auto stats = (*archive)->stats();
    auto feeds = (*archive)->list_feeds();
    if (!stats)
        return report(stats.error(), context.db_path);
    if (!feeds)
        return report(feeds.error(), context.db_path);
    if (arguments.json) {
        nlohmann::ordered_json feed_array = nlohmann::ordered_json::array();
        for (const auto& feed : *feeds)
            feed_array.push_back(feed_json(feed));
        const nlohmann::ordered_json status {
            { "daemon", nullptr },
            { "database", context.db_path },
            { "database_bytes", stats->database_bytes },
            { "feeds", feed_array },
            { "articles", stats->articles },
            { "revisions", stats->revisions },
            { "captures", stats->captures },
            { "queue", { { "pending", stats->pending_jobs }, { "failed", stats->failed_jobs } } },
        };
        std::cout << dump_json(status, JsonStyle::pretty) << '\n';
        return exit_ok;
    }
    std::cout << fmt::format("archive {} ({:.1f} MiB): {} articles, {} revisions, {} captures; queue: {} pending, {} failed; daemon: not running\n\n",
        context.db_path, static_cast<double>(stats->database_bytes) / (1024.0 * 1024.0), stats->articles, stats->revisions, stats->captures,
        stats->pending_jobs, stats->failed_jobs);
    Table table({ "ID", "HEALTH", "ARTICLES", "LAST FETCH", "NEXT FETCH", "LAST ERROR", "URL" });
    for (const auto& feed : *feeds)
        table.add({ std::to_string(feed.id), health_sentence(feed), std::to_string(feed.articles), format_rfc3339(feed.last_fetch),
            feed.health == store::FeedHealth::retired ? "-" : format_rfc3339(feed.next_fetch), feed.health == store::FeedHealth::ok ? "" : feed.last_error, feed.url });
    std::cout << table.render();
    return exit_ok;
}

int run_daemon(const GlobalOptions&, const DaemonArguments&)
{
    print_error("the daemon is not built yet", "daemon");
    return exit_failure;
}

} // namespace feedkeeper::daemon

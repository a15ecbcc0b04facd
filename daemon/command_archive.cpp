// daemon/command_archive.cpp — `export`, `search` and `status`: readers on their own read-only
// connection, so they work while a daemon writes. Threading: main thread.
#include "daemon/commands.hpp"

#include "daemon/context.hpp"
#include "daemon/control_client.hpp"
#include "daemon/export_output.hpp"
#include "daemon/json_output.hpp"
#include "daemon/status.hpp"
#include "store/export.hpp"

#include <fmt/format.h>

#include <iostream>

namespace feedkeeper::daemon {

namespace {

Result<std::optional<Timestamp>> parse_date_option(const std::string& text, std::string_view option)
{
    if (text.empty())
        return std::optional<Timestamp>();
    auto time = parse_rfc3339(text);
    if (!time)
        return Error(Errc::invalid_argument, fmt::format("{} '{}' is not a date (YYYY-MM-DD or RFC 3339)", option, text));
    return std::optional<Timestamp>(*time);
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
    for (const std::string& name : arguments.statuses) {
        const auto status = record_status_from_string(name);
        if (!status)
            return report(Error(Errc::invalid_argument, fmt::format("unknown --status '{}' (article, paywall, consent_wall, error_page, not_article, gone, failed, pending)", name)), "export");
        filter.statuses.push_back(*status);
    }
    auto archive = open_for_command(global, store::OpenMode::read_only);
    if (!archive)
        return report(archive.error(), "");
    if (!arguments.feed.empty()) {
        auto feed = require_feed(*archive->archive, arguments.feed);
        if (!feed)
            return report(feed.error(), "export");
        filter.feed_id = feed->id;
    }
    std::unique_ptr<ExportOutput> file;
    std::ostream* out = &std::cout;
    if (!arguments.output.empty()) {
        auto opened = ExportOutput::open(arguments.output, archive->context.db_path);
        if (!opened)
            return report(opened.error(), "export");
        file = std::move(*opened);
        out = &file->stream();
    }
    auto summary = store::export_archive(*archive->archive, *format, filter, *out);
    if (!summary)
        return report(summary.error(), arguments.output.empty() ? "standard output" : arguments.output);
    if (file)
        if (auto committed = file->commit(); !committed)
            return report(committed.error(), "export");
    if (!arguments.output.empty() && global.verbosity != Verbosity::quiet)
        std::cerr << fmt::format("exported {} records ({} bytes) to {}\n", summary->records, summary->bytes, arguments.output);
    return exit_ok;
}

int run_search(const GlobalOptions& global, const SearchArguments& arguments)
{
    if (auto checked = check_utf8_argument(arguments.query, "QUERY"); !checked)
        return report(checked.error(), "search");
    auto archive = open_for_command(global, store::OpenMode::read_only);
    if (!archive)
        return report(archive.error(), "");
    auto hits = archive->archive->reader().search(arguments.query, arguments.limit);
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
    auto archive = open_for_command(global, store::OpenMode::read_only);
    if (!archive)
        return report(archive.error(), "");
    auto text = render_status(*archive->archive, archive->context.db_path, std::nullopt, arguments.json);
    if (!text)
        return report(text.error(), archive->context.db_path);
    std::cout << *text;
    return exit_ok;
}

} // namespace feedkeeper::daemon

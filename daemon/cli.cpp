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

namespace {

// The first word that is neither an option nor an option's value, when it names no command.
std::string unknown_command(CLI::App& app, int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (word == "--db" || word == "--config" || word == "--socket") {
            ++i; // its value
            continue;
        }
        if (word.starts_with("-"))
            continue;
        for (const CLI::App* command : app.get_subcommands({}))
            if (command->get_name() == word)
                return {};
        return std::string(word);
    }
    return {};
}

} // namespace

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

    // Each subcommand fills its arguments; its callback selects what runs after parsing.
    auto command_for = [&](CLI::App* sub, auto run, auto& arguments) {
        sub->callback([&command, &global, run, &arguments] { command = [&global, run, &arguments] { return run(global, arguments); }; });
    };

    ParseFeedArguments parse_feed;
    auto* parse_feed_command = app.add_subcommand("parse-feed", "parse one feed file and print its JSON");
    parse_feed_command->add_option("FILE", parse_feed.file, "feed file")->required();
    parse_feed_command->add_option("--url", parse_feed.url, "the document's address (base for relative links)");
    parse_feed_command->add_option("--header", parse_feed.headers, "a response header, 'Name: value' (repeatable)");
    command_for(parse_feed_command, run_parse_feed, parse_feed);

    ExtractArguments extract;
    auto* extract_command = app.add_subcommand("extract", "extract the article of each HTML file and print its JSON");
    extract_command->add_option("FILE", extract.files, "HTML files")->required();
    extract_command->add_option("--url", extract.url, "the page's address (base for links)");
    extract_command->add_option("--header", extract.headers, "a response header, 'Name: value' (repeatable)");
    extract_command->add_flag("--jsonl", extract.jsonl, "one JSON object per line");
    extract_command->add_flag("--captions", extract.captions, "put figure captions into body too (they are always in body_html)");
    command_for(extract_command, run_extract, extract);

    AddArguments add;
    auto* add_command = app.add_subcommand("add", "subscribe to a feed (of a feed subscribed already: change its --header, --cookie, --interval)");
    add_command->add_option("URL", add.url, "the feed's address")->required();
    add_command->add_option("--name", add.name, "a short name to refer to it");
    add_command->add_option("--interval", add.interval, "poll at this fixed interval (e.g. 30m, 2h) instead of adaptively");
    add_command->add_option("--header", add.headers, "an extra request header, 'Name: value' (repeatable)");
    add_command->add_option("--cookie", add.cookies, "a Cookie header for the feed and its articles (e.g. a consent cookie)");
    add_command->add_flag("--if-new", add.if_new, "succeed quietly when already subscribed");
    command_for(add_command, run_add, add);

    RemoveArguments remove;
    auto* remove_command = app.add_subcommand("remove", "unsubscribe from a feed (its archived articles are kept)");
    remove_command->add_option("FEED", remove.feed, "feed id, URL or name")->required();
    command_for(remove_command, run_remove, remove);

    FeedsArguments feeds;
    auto* feeds_command = app.add_subcommand("feeds", "list the feeds and their health");
    feeds_command->add_flag("--json", feeds.json, "machine-readable output");
    command_for(feeds_command, run_feeds, feeds);

    ImportOpmlArguments import_opml;
    auto* import_command = app.add_subcommand("import-opml", "subscribe to every feed of an OPML file");
    import_command->add_option("FILE", import_opml.file, "OPML file")->required();
    command_for(import_command, run_import_opml, import_opml);

    CrawlArguments crawl;
    auto* crawl_command = app.add_subcommand("crawl", "poll the feeds and fetch every new article, then exit (default: healthy feeds, and failing ones whose back-off has ended)");
    crawl_command->add_option("FEED", crawl.feeds, "only these feeds (id, URL or name)");
    crawl_command->add_flag("--once", crawl.once, "run once and exit (the default; the daemon is `feedkeeper daemon`)");
    crawl_command->add_flag("--due", crawl.due_only, "only feeds whose scheduled poll time has come (for cron jobs)");
    crawl_command->add_flag("--all", crawl.all, "every active feed, even those backing off after errors or a Retry-After (pauses recorded by earlier runs are not waited for)");
    crawl_command->add_option("--max-wait", crawl.max_wait,
        "the longest wait for a host (its politeness delay, a Retry-After pause); what must wait longer stays queued, one line per host (default 60s)");
    command_for(crawl_command, run_crawl, crawl);

    RecrawlArguments recrawl;
    auto* recrawl_command = app.add_subcommand("recrawl", "re-crawl now, through the running daemon when there is one");
    recrawl_command->add_flag("--all", recrawl.all, "every feed");
    recrawl_command->add_option("FEED", recrawl.feeds, "these feeds (id, URL or name)");
    recrawl_command->add_option("--url", recrawl.urls, "re-fetch these article URLs (a changed text becomes a new revision)");
    recrawl_command->add_option("--max-wait", recrawl.max_wait, "the longest wait for a host before its work is left queued (default 60s)");
    command_for(recrawl_command, run_recrawl, recrawl);

    BackfillArguments backfill;
    auto* backfill_command = app.add_subcommand("backfill",
        "archive the site's past: walk what the feed's site offers of its history (a paged feed, the WordPress REST API, XML sitemaps), "
        "store every item not archived yet as a record of the feed and fetch its page politely, behind today's news. Resumable: run it "
        "again after a kill or an interruption and it goes on where it was; a second run adds only what is new. Through the running "
        "daemon when there is one");
    backfill_command->add_option("FEED", backfill.feed, "the feed (id, URL or name)")->required();
    backfill_command->add_option("--since", backfill.since, "only items published on or after this date (YYYY-MM-DD or RFC 3339)");
    backfill_command->add_option("--until", backfill.until, "only items published before this date");
    backfill_command->add_option("--max", backfill.max, "at most this many new records");
    backfill_command->add_option("--source", backfill.source,
        "auto (default: each source the site offers, in this order), paged (RFC 5005 next/prev-archive links, WordPress ?paged=N), "
        "wp-json (the WordPress REST API), sitemap (robots.txt Sitemap: lines, /sitemap.xml; indexes, gzip, Google News), "
        "archive (an RFC 5005 archived feed: its prev-archive links alone)");
    command_for(backfill_command, run_backfill, backfill);

    ReextractArguments reextract;
    auto* reextract_command = app.add_subcommand("reextract", "re-run extraction on stored raw captures, without fetching");
    reextract_command->add_flag("--all", reextract.all, "every archived article");
    reextract_command->add_option("--host", reextract.host, "only articles of this host");
    command_for(reextract_command, run_reextract, reextract);

    ExportArguments export_arguments;
    auto* export_command = app.add_subcommand("export", "write the archive as JSONL, CSV, WARC, Markdown or OPML");
    export_command->add_option("--format", export_arguments.format, "jsonl, csv, warc, md or opml")->required();
    export_command->add_option("--output", export_arguments.output, "file to write (default: standard output)");
    export_command->add_option("--feed", export_arguments.feed, "only the records of this feed");
    export_command->add_option("--since", export_arguments.since, "only records published (else fetched, else first seen) on or after this date");
    export_command->add_option("--until", export_arguments.until, "only records published (else fetched, else first seen) before this date");
    export_command->add_option("--status", export_arguments.statuses,
        "only records with this status (repeatable or comma-separated; default: all): article, paywall, consent_wall, error_page, "
        "not_article, gone, failed, pending")->delimiter(',');
    command_for(export_command, run_export, export_arguments);

    ImportArguments import_arguments;
    auto* import_file_command = app.add_subcommand("import", "read a JSONL or WARC export back into the archive (a new or an existing one)");
    import_file_command->add_option("FILE", import_arguments.file, "the export: JSONL or WARC (plain or gzip), told apart by content")->required();
    command_for(import_file_command, run_import, import_arguments);

    SearchArguments search;
    auto* search_command = app.add_subcommand("search", "full-text search over titles and bodies");
    search_command->add_option("QUERY", search.query, "words to find (all must match; word* for a prefix)")->required();
    search_command->add_option("--limit", search.limit, "at most this many results")->check(CLI::Range(1, 10000));
    search_command->add_flag("--json", search.json, "machine-readable output");
    command_for(search_command, run_search, search);

    StatusArguments status;
    auto* status_command = app.add_subcommand("status", "feeds' health, the queue and the archive's size");
    status_command->add_flag("--json", status.json, "machine-readable output");
    command_for(status_command, run_status, status);

    PruneArguments prune;
    auto* prune_command = app.add_subcommand("prune", "apply the retention policy: drop old raw capture bodies (articles and revisions are kept)");
    prune_command->add_option("--captures-older-than", prune.older_than, "drop capture bodies fetched longer ago than this (e.g. 365d); default: [store] keep_captures");
    prune_command->add_flag("--dry-run", prune.dry_run, "only say what would be dropped");
    command_for(prune_command, run_prune, prune);

    MigrateArguments migrate;
    auto* migrate_command = app.add_subcommand("migrate", "copy the archive (an SQLite file) into an empty PostgreSQL database, and check the copy");
    migrate_command->add_option("--to", migrate.to, "the PostgreSQL archive: postgresql://[user[:password]@][host][:port]/dbname (libpq's URL)")->required();
    command_for(migrate_command, run_migrate, migrate);

    ServeArguments serve;
    auto* serve_command = app.add_subcommand("serve",
        "serve the read-only web view and JSON API (/api/v1/) of the archive; the daemon serves it too when [web] listen is set");
    serve_command->add_option("--listen", serve.listen,
        "ADDR:PORT to listen on (default: [web] listen, else 127.0.0.1:8080); an address other than loopback needs a token");
    serve_command->add_option("--token", serve.token,
        "require this token of every request (Authorization: Bearer TOKEN, or as the browser login's password); "
        "default: $FEEDKEEPER_WEB_TOKEN, else [web] token. Prefer the variable: arguments are visible to other users");
    command_for(serve_command, run_serve, serve);

    DaemonArguments daemon_arguments;
    auto* daemon_command = app.add_subcommand("daemon", "run the scheduler in the foreground (as the systemd service does)");
    command_for(daemon_command, run_daemon, daemon_arguments);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0)
            return app.exit(error); // --help, --version
        if (const std::string unknown = unknown_command(app, argc, argv); !unknown.empty())
            print_error(fmt::format("unknown command '{}'", unknown), "command line; see feedkeeper --help");
        else
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

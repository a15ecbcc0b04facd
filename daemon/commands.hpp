// daemon/commands.hpp — one function per command; cli.cpp parses, these run.
// Threading: each runs on the main thread and may start the I/O and worker threads it needs.
#pragma once

#include "crawl/config.hpp"
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
    bool captions = false; // figure captions in `body` too (always in `body_html`)
};
int run_extract(const GlobalOptions&, const ExtractArguments&);

struct AddArguments {
    std::string url;
    std::string name;
    std::string interval;
    std::vector<std::string> headers;
    std::string cookies;
    bool if_new = false;
};
int run_add(const GlobalOptions&, const AddArguments&);

struct RemoveArguments {
    std::string feed;
};
int run_remove(const GlobalOptions&, const RemoveArguments&);

struct FeedsArguments {
    bool json = false;
};
int run_feeds(const GlobalOptions&, const FeedsArguments&);

struct ImportOpmlArguments {
    std::string file;
};
int run_import_opml(const GlobalOptions&, const ImportOpmlArguments&);

struct CrawlArguments {
    std::vector<std::string> feeds;
    bool once = false;
    bool due_only = false;
    bool all = false;
    std::string max_wait = "60s"; // the longest wait for a host; past it its work stays queued
};
int run_crawl(const GlobalOptions&, const CrawlArguments&);

struct RecrawlArguments {
    bool all = false;
    std::vector<std::string> feeds;
    std::vector<std::string> urls;
    std::string max_wait = "60s";
};
int run_recrawl(const GlobalOptions&, const RecrawlArguments&);

struct ReextractArguments {
    bool all = false;
    std::string host;
};
int run_reextract(const GlobalOptions&, const ReextractArguments&);

struct ExportArguments {
    std::string format;
    std::string output;
    std::string feed;
    std::string since;
    std::string until;
    std::vector<std::string> statuses;
};
int run_export(const GlobalOptions&, const ExportArguments&);

struct ImportArguments {
    std::string file;
};
int run_import(const GlobalOptions&, const ImportArguments&);

struct SearchArguments {
    std::string query;
    std::size_t limit = 20;
    bool json = false;
};
int run_search(const GlobalOptions&, const SearchArguments&);

struct StatusArguments {
    bool json = false;
};
int run_status(const GlobalOptions&, const StatusArguments&);

struct PruneArguments {
    std::string older_than; // a duration; default: the config's [store] keep_captures
    bool dry_run = false;
};
int run_prune(const GlobalOptions&, const PruneArguments&);

struct MigrateArguments {
    std::string to; // a postgresql:// URL of an empty database
};
int run_migrate(const GlobalOptions&, const MigrateArguments&);

struct BackfillArguments {
    std::string feed;
    std::string since;
    std::string until;
    std::int64_t max = 0; // 0: no limit but the built-in cap
    std::string source = "auto";
};
int run_backfill(const GlobalOptions&, const BackfillArguments&);
struct ServeArguments {
    std::string listen; // ADDR:PORT; default: [web] listen, else 127.0.0.1:8080
    std::string token;  // default: $FEEDKEEPER_WEB_TOKEN, else [web] token
};
int run_serve(const GlobalOptions&, const ServeArguments&);
// The web view's token: --token, else $FEEDKEEPER_WEB_TOKEN, else [web] token ("" for none).
std::string web_token(const std::string& option, const crawl::Config&);

struct DaemonArguments { };
int run_daemon(const GlobalOptions&, const DaemonArguments&);

} // namespace feedkeeper::daemon

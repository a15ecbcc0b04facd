// daemon/command_crawl.cpp — `crawl`, `recrawl` and `reextract` run directly on the archive
// (recrawl/reextract go through a running daemon first, see control_client).
// Threading: main thread starts a Runtime (io thread = this thread, cpu and store pools).
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "daemon/context.hpp"
#include "daemon/control_client.hpp"
#include "daemon/crawler.hpp"
#include "daemon/progress.hpp"

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <csignal>

namespace feedkeeper::daemon {
namespace {

// Runs `work` on a fresh Runtime until it completes; SIGINT/SIGTERM stop it early (pending jobs
// stay queued in the archive and resume on the next run).
template <class Work>
Result<CrawlReport> run_crawl(CommandContext& context, std::unique_ptr<store::Archive> archive, Work work)
{
    Runtime runtime(context.config, std::move(archive));
    Crawler crawler(runtime);
    ProgressLine progress;
    crawler.on_progress([&progress](std::size_t done, std::size_t total, const std::string& what) { progress.update(done, total, what); });
    std::optional<CrawlReport> report;
    std::exception_ptr failure;
    boost::asio::signal_set signals(runtime.io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log_event(LogLevel::warning, "crawl.interrupted", { { "signal", signal } });
        runtime.io.stop();
    });
    boost::asio::co_spawn(runtime.io, work(crawler), [&](std::exception_ptr error, CrawlReport result) {
        failure = error;
        report = std::move(result);
        signals.cancel();
    });
    runtime.io.run();
    progress.finish();
    if (failure)
        std::rethrow_exception(failure);
    if (!report)
        return Error(Errc::cancelled, "interrupted; unfinished work stays queued for the next crawl");
    return std::move(*report);
}

int finish(const GlobalOptions& global, const Result<CrawlReport>& outcome)
{
    if (!outcome)
        return report(outcome.error(), "crawl");
    for (const CrawlReport::Failure& failure : outcome->failures)
        print_error(failure.what, failure.where);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("{}\n", outcome->summary());
    return outcome->exit_code();
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
    auto all = selection == CrawlSelection::due ? archive.due_feeds(now) : archive.list_feeds();
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

} // namespace

int run_crawl(const GlobalOptions& global, const CrawlArguments& arguments)
{
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    if (arguments.due_only && arguments.all)
        return report(Error(Errc::invalid_argument, "--due and --all cannot be combined"), "command line");
    const CrawlSelection selection = arguments.all ? CrawlSelection::all : arguments.due_only ? CrawlSelection::due : CrawlSelection::healthy_or_due;
    auto feeds = select_feeds(*prepared->archive, arguments.feeds, selection);
    if (!feeds)
        return report(feeds.error(), "crawl");
    if (feeds->empty() && arguments.feeds.empty())
        log_event(LogLevel::warning, "crawl.nothing", { { "hint", "no feeds to poll; add one with: feedkeeper add URL" } });
    const bool all_jobs = arguments.feeds.empty();
    return finish(global, run_crawl(prepared->context, std::move(prepared->archive), [&](Crawler& crawler) { return crawler.crawl(*feeds, all_jobs); }));
}

int run_recrawl(const GlobalOptions& global, const RecrawlArguments& arguments)
{
    if (!arguments.all && arguments.feeds.empty() && arguments.urls.empty())
        return report(Error(Errc::invalid_argument, "say what to re-crawl: --all, FEED... or --url URL..."), "recrawl");
    for (const std::string& url : arguments.urls)
        if (!is_http_url(url))
            return report(Error(Errc::invalid_argument, fmt::format("'{}' is not an http(s) URL", url)), "recrawl");
    if (auto forwarded = forward_to_daemon(global, "recrawl", { { "all", arguments.all }, { "feeds", arguments.feeds }, { "urls", arguments.urls } }))
        return *forwarded;
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    std::vector<store::FeedRecord> feeds;
    if (arguments.all || !arguments.feeds.empty()) {
        auto selected = select_feeds(*prepared->archive, arguments.feeds, CrawlSelection::all);
        if (!selected)
            return report(selected.error(), "recrawl");
        feeds = std::move(*selected);
    }
    for (const std::string& url : arguments.urls)
        if (auto queued = prepared->archive->enqueue_job("manual", url, std::nullopt); !queued)
            return report(queued.error(), url);
    return finish(global, run_crawl(prepared->context, std::move(prepared->archive), [&](Crawler& crawler) { return crawler.crawl(feeds, true); }));
}

int run_reextract(const GlobalOptions& global, const ReextractArguments& arguments)
{
    if (!arguments.all && arguments.host.empty())
        return report(Error(Errc::invalid_argument, "say what to re-extract: --all or --host HOST"), "reextract");
    if (auto forwarded = forward_to_daemon(global, "reextract", { { "all", arguments.all }, { "host", arguments.host } }))
        return *forwarded;
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    Runtime runtime(prepared->context.config, std::move(prepared->archive));
    Crawler crawler(runtime);
    std::optional<ReextractReport> outcome;
    boost::asio::co_spawn(runtime.io, crawler.reextract(ascii_lower(arguments.host)), [&](std::exception_ptr error, ReextractReport result) {
        if (error)
            std::rethrow_exception(error);
        outcome = std::move(result);
    });
    runtime.io.run();
    for (const CrawlReport::Failure& failure : outcome->failures)
        print_error(failure.what, failure.where);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("{}\n", outcome->summary());
    return outcome->failures.empty() ? exit_ok : exit_failure;
}

} // namespace feedkeeper::daemon

// daemon/command_crawl.cpp — `crawl`, `recrawl` and `reextract` run directly on the archive
// (recrawl/reextract go through a running daemon first, see control_client).
// Threading: main thread starts a Runtime (io thread = this thread, cpu and store pools).
#include "daemon/commands.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "crawl/engine.hpp"
#include "crawl/reextract.hpp"
#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"
#include "daemon/control_client.hpp"
#include "daemon/progress.hpp"

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <csignal>

namespace feedkeeper::daemon {
namespace {

// Runs one crawl of `scope` on a fresh Runtime. SIGINT/SIGTERM stop it early: running transfers
// are cancelled, everything unfinished stays queued in the archive for the next run.
Result<crawl::CrawlReport> run_engine(CommandContext& context, std::unique_ptr<store::Archive> archive, crawl::CrawlScope scope)
{
    crawl::Runtime runtime(context.config, std::move(archive));
    crawl::Engine engine(runtime, crawl::Engine::Mode::once);
    ProgressLine progress;
    engine.on_progress([&progress](std::size_t done, std::size_t total, const std::string& what) { progress.update(done, total, what); });
    std::optional<Result<crawl::CrawlReport>> report;
    std::exception_ptr failure;
    bool interrupted = false;
    boost::asio::signal_set signals(runtime.io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log_event(LogLevel::warning, "crawl.interrupted", { { "signal", signal } });
        interrupted = true;
        engine.stop();
    });
    auto work = [&]() -> boost::asio::awaitable<Result<crawl::CrawlReport>> {
        if (auto opened = co_await engine.open("crawl"); !opened)
            co_return opened.error();
        crawl::CrawlReport done = co_await engine.crawl(std::move(scope));
        co_await engine.close();
        co_return done;
    };
    boost::asio::co_spawn(runtime.io, work(), [&](std::exception_ptr error, Result<crawl::CrawlReport> result) {
        failure = error;
        report = std::move(result);
        signals.cancel();
    });
    runtime.io.run();
    progress.finish();
    if (failure)
        std::rethrow_exception(failure);
    if (!report || interrupted)
        return Error(Errc::cancelled, "interrupted; unfinished work stays queued for the next crawl");
    return std::move(*report);
}

int finish(const GlobalOptions& global, const Result<crawl::CrawlReport>& outcome)
{
    if (!outcome)
        return report(outcome.error(), "crawl");
    for (const crawl::CrawlReport::Failure& failure : outcome->failures)
        print_error(failure.what, failure.where);
    if (global.verbosity != Verbosity::quiet) {
        for (const std::string& line : outcome->deferred_lines())
            fmt::print("{}\n", line);
        fmt::print("{}\n", outcome->summary());
    }
    return outcome->exit_code();
}

// A daemon holds this archive (daemon/archive_lock.hpp): the crawl is its to run, so that one
// frontier and one politeness per host serve it. Nullopt when no daemon holds it; else the exit
// code of the daemon's run, or a refusal when the daemon cannot be reached.
std::optional<int> hand_to_daemon(const GlobalOptions& global, std::string_view command, const nlohmann::json& arguments)
{
    auto context = load_context(global);
    if (!context)
        return std::nullopt; // the direct path reports the configuration error
    const std::optional<LockHolder> holder = ArchiveLock::holder(context->db_path);
    if (!holder)
        return std::nullopt;
    if (!holder->is_daemon())
        return report(Error(Errc::busy, fmt::format("a {} is writing this archive; nothing was crawled: try again when it has finished", holder->describe())),
            context->db_path);
    if (auto forwarded = forward_to_daemon(global, command, arguments))
        return *forwarded;
    return report(Error(Errc::busy, fmt::format("a {} crawls this archive, and its control socket {} does not answer; nothing was crawled "
                                                "here (two crawlers would share out no host politely): pass the daemon's --socket, or stop it",
                                                holder->describe(), context->socket_path)),
        context->db_path);
}

Result<std::chrono::seconds> max_wait_argument(const std::string& text)
{
    auto wait = parse_duration(text);
    if (!wait)
        return Error(Errc::invalid_argument, fmt::format("--max-wait: '{}' is not a duration (e.g. 30s, 5m)", text));
    return *wait;
}

} // namespace

int run_crawl(const GlobalOptions& global, const CrawlArguments& arguments)
{
    if (arguments.due_only && arguments.all)
        return report(Error(Errc::invalid_argument, "--due and --all cannot be combined"), "command line");
    auto max_wait = max_wait_argument(arguments.max_wait);
    if (!max_wait)
        return report(max_wait.error(), "command line");
    const CrawlSelection selection = arguments.all ? CrawlSelection::all : arguments.due_only ? CrawlSelection::due : CrawlSelection::healthy_or_due;
    if (auto handed = hand_to_daemon(global, "crawl",
            { { "feeds", arguments.feeds }, { "selection", to_string(selection) }, { "max_wait", max_wait->count() } }))
        return *handed;
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    auto feeds = select_feeds(*prepared->archive, arguments.feeds, selection);
    if (!feeds)
        return report(feeds.error(), "crawl");
    if (feeds->empty() && arguments.feeds.empty())
        log_event(LogLevel::warning, "crawl.nothing", { { "hint", "no feeds to poll; add one with: feedkeeper add URL" } });
    crawl::CrawlScope scope;
    scope.feeds = std::move(*feeds);
    scope.all_jobs = arguments.feeds.empty();
    scope.max_wait = *max_wait;
    scope.ignore_recorded_pauses = arguments.all;
    return finish(global, run_engine(prepared->context, std::move(prepared->archive), std::move(scope)));
}

int run_recrawl(const GlobalOptions& global, const RecrawlArguments& arguments)
{
    if (!arguments.all && arguments.feeds.empty() && arguments.urls.empty())
        return report(Error(Errc::invalid_argument, "say what to re-crawl: --all, FEED... or --url URL..."), "recrawl");
    for (const std::string& url : arguments.urls)
        if (!is_http_url(url))
            return report(Error(Errc::invalid_argument, fmt::format("'{}' is not an http(s) URL", url)), "recrawl");
    auto max_wait = max_wait_argument(arguments.max_wait);
    if (!max_wait)
        return report(max_wait.error(), "command line");
    if (auto handed = hand_to_daemon(global, "recrawl",
            { { "all", arguments.all }, { "feeds", arguments.feeds }, { "urls", arguments.urls }, { "max_wait", max_wait->count() } }))
        return *handed;
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    crawl::CrawlScope scope;
    if (arguments.all || !arguments.feeds.empty()) {
        auto selected = select_feeds(*prepared->archive, arguments.feeds, CrawlSelection::all);
        if (!selected)
            return report(selected.error(), "recrawl");
        scope.feeds = std::move(*selected);
    }
    scope.urls = arguments.urls;
    scope.all_jobs = arguments.all;
    scope.max_wait = *max_wait;
    return finish(global, run_engine(prepared->context, std::move(prepared->archive), std::move(scope)));
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
    crawl::Runtime runtime(prepared->context.config, std::move(prepared->archive));
    std::optional<crawl::ReextractReport> outcome;
    boost::asio::co_spawn(runtime.io, crawl::reextract(runtime, ascii_lower(arguments.host)), [&](std::exception_ptr error, crawl::ReextractReport result) {
        if (error)
            std::rethrow_exception(error);
        outcome = std::move(result);
    });
    runtime.io.run();
    for (const crawl::CrawlReport::Failure& failure : outcome->failures)
        print_error(failure.what, failure.where);
    if (global.verbosity != Verbosity::quiet)
        fmt::print("{}\n", outcome->summary());
    return outcome->failures.empty() ? exit_ok : exit_failure;
}

} // namespace feedkeeper::daemon

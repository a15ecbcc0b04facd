// daemon/command_backfill.cpp — `backfill FEED`: walk the site's past (crawl/backfill.hpp), then
// crawl the pages it queued, in this process, or hand it all to the running daemon.
// Threading: the main thread runs the Runtime's io_context (cpu and store pools beside it).
#include "daemon/backfill_arguments.hpp"

#include "core/log.hpp"
#include "crawl/engine.hpp"
#include "daemon/archive_lock.hpp"
#include "daemon/context.hpp"
#include "daemon/control_client.hpp"
#include "daemon/progress.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <csignal>

namespace feedkeeper::daemon {

BackfillArguments backfill_arguments(const nlohmann::json& json)
{
    BackfillArguments arguments;
    arguments.feed = json.value("feed", std::string());
    arguments.since = json.value("since", std::string());
    arguments.until = json.value("until", std::string());
    arguments.max = json.value("max", std::int64_t { 0 });
    arguments.source = json.value("source", std::string("auto"));
    return arguments;
}

nlohmann::json to_json(const BackfillArguments& arguments)
{
    return { { "feed", arguments.feed }, { "source", arguments.source }, { "since", arguments.since }, { "until", arguments.until }, { "max", arguments.max } };
}

Result<crawl::BackfillOptions> backfill_options(const BackfillArguments& arguments)
{
    crawl::BackfillOptions options;
    auto source = crawl::backfill_source_from_string(arguments.source);
    if (!source)
        return Error(Errc::invalid_argument, fmt::format("--source '{}' is not one of auto, paged, wp-json, sitemap, archive", arguments.source));
    options.source = *source;
    for (auto [text, option, target] : { std::tuple { &arguments.since, "--since", &options.since }, std::tuple { &arguments.until, "--until", &options.until } }) {
        if (text->empty())
            continue;
        auto time = parse_rfc3339(*text);
        if (!time)
            return Error(Errc::invalid_argument, fmt::format("{} '{}' is not a date (YYYY-MM-DD or RFC 3339)", option, *text));
        *target = *time;
    }
    if (options.since && options.until && *options.until <= *options.since)
        return Error(Errc::invalid_argument, "--until must be later than --since");
    if (arguments.max < 0)
        return Error(Errc::invalid_argument, "--max must be a positive number of items");
    if (arguments.max > 0)
        options.max_items = static_cast<std::size_t>(arguments.max);
    return options;
}

namespace {

// "[#####····] 120/500 pages archived · 4.1/s · ETA 1m33s", and while the sources are walked:
// "paged p.12: 120 found, 110 queued".
class BackfillProgressLine {
public:
    void walking(const crawl::BackfillProgress& progress)
    {
        m_line.update(static_cast<std::size_t>(progress.queued), static_cast<std::size_t>(std::max(progress.found, progress.queued)),
            fmt::format("new of {} found ({} p.{})", progress.found, progress.source, progress.pages));
    }
    void start_crawling() { m_started = std::chrono::steady_clock::now(); }
    void crawling(std::size_t done, std::size_t total)
    {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
        // A rate over less than a second says nothing yet.
        const double rate = elapsed >= 1.0 ? static_cast<double>(done) / elapsed : 0.0;
        std::string eta = "-";
        if (rate > 0 && total > done) {
            const auto seconds = static_cast<long>(static_cast<double>(total - done) / rate);
            eta = seconds >= 60 ? fmt::format("{}m{:02}s", seconds / 60, seconds % 60) : fmt::format("{}s", seconds);
        }
        m_line.update(done, total, fmt::format("pages archived · {:.1f}/s · ETA {}", rate, eta));
    }
    void finish() { m_line.finish(); }

private:
    ProgressLine m_line;
    std::chrono::steady_clock::time_point m_started {};
};

struct BackfillRun {
    Result<crawl::BackfillWalk> walk = Error(Errc::cancelled, "not run");
    std::optional<crawl::CrawlReport> report;
};

} // namespace

int run_backfill(const GlobalOptions& global, const BackfillArguments& arguments)
{
    auto options = backfill_options(arguments);
    if (!options)
        return report(options.error(), "command line");
    if (auto context = load_context(global); context && ArchiveLock::holder(context->db_path)) {
        if (auto handled = forward_to_daemon(global, "backfill", to_json(arguments)))
            return *handled;
        return report(Error(Errc::busy, "a feedkeeper daemon crawls this archive and its control socket does not answer; nothing was backfilled "
                                        "(pass the daemon's --socket, or stop it)"),
            context->db_path);
    }
    auto prepared = open_for_command(global, store::OpenMode::read_write);
    if (!prepared)
        return report(prepared.error(), "");
    auto feed = require_feed(*prepared->archive, arguments.feed);
    if (!feed)
        return report(feed.error(), "backfill");

    crawl::Runtime runtime(prepared->context.config, std::move(prepared->archive));
    crawl::Engine engine(runtime, crawl::Engine::Mode::once);
    BackfillProgressLine progress;
    engine.on_progress([&progress](std::size_t done, std::size_t total, const std::string&) { progress.crawling(done, total); });
    BackfillRun run;
    std::exception_ptr failure;
    bool interrupted = false;
    boost::asio::cancellation_signal cancel_walk;
    boost::asio::signal_set signals(runtime.io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        log_event(LogLevel::warning, "backfill.interrupted", { { "signal", signal } });
        interrupted = true;
        cancel_walk.emit(boost::asio::cancellation_type::all);
        engine.stop();
    });
    const store::FeedRecord subject = *feed;
    auto work = [&]() -> boost::asio::awaitable<void> {
        if (auto opened = co_await engine.open("backfill"); !opened) {
            run.walk = opened.error();
            co_return;
        }
        run.walk = co_await boost::asio::co_spawn(runtime.io,
            crawl::walk_backfill(runtime, runtime.config(), subject, *options, [&progress](const crawl::BackfillProgress& p) { progress.walking(p); }),
            boost::asio::bind_cancellation_slot(cancel_walk.slot(), boost::asio::use_awaitable));
        if (run.walk && !interrupted) {
            crawl::CrawlScope scope;
            scope.job_feeds = { subject.id };
            progress.start_crawling();
            run.report = co_await engine.crawl(std::move(scope));
        }
        co_await engine.close();
        if (run.walk) {
            const bool done = run.walk->complete && !interrupted;
            std::string message = done ? "walked every source" : interrupted ? "interrupted; resumes where it was" : run.walk->stop_reason;
            const store::BackfillState state = done ? store::BackfillState::done : store::BackfillState::stopped;
            if (auto finished = co_await crawl::finish_backfill(runtime, run.walk->record.id, state, std::move(message)); !finished)
                run.walk = finished.error();
        } // else: nothing to resume from (no source answered, the archive failed): the error is the one line below

    };
    boost::asio::co_spawn(runtime.io, work(), [&](std::exception_ptr error) {
        failure = error;
        signals.cancel();
    });
    runtime.io.run();
    progress.finish();
    if (failure)
        std::rethrow_exception(failure);
    if (interrupted)
        return report(Error(Errc::cancelled, "interrupted; run the same backfill again to resume where it was"), subject.url);
    if (!run.walk)
        return report(run.walk.error(), subject.url);
    const crawl::BackfillWalk& walk = *run.walk;
    if (global.verbosity != Verbosity::quiet) {
        for (const std::string& line : walk.lines)
            fmt::print("{}\n", line);
        fmt::print("backfill {} of {}: {} items found, {} new records queued this run ({} found, {} queued in all){}\n", walk.record.id, subject.url,
            walk.found, walk.queued, walk.record.found, walk.record.queued, walk.reached_max ? " (--max reached)" : "");
    }
    int code = exit_ok;
    if (!walk.complete) {
        print_error("backfill stopped: " + walk.stop_reason + "; run it again to resume", subject.url);
        code = exit_failure;
    }
    if (run.report) {
        for (const crawl::CrawlReport::Failure& failure_line : run.report->failures)
            print_error(failure_line.what, failure_line.where);
        if (global.verbosity != Verbosity::quiet) {
            for (const std::string& line : run.report->deferred_lines())
                fmt::print("{}\n", line);
            fmt::print("{}\n", run.report->summary());
        }
        code = std::max(code, run.report->exit_code());
    }
    return code;
}

} // namespace feedkeeper::daemon

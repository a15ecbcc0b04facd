// daemon/service.cpp — the daemon around the crawl engine: the control socket, signals, reloads,
// systemd notifications. The engine's dispatcher sleeps until the archive says something is due
// (a feed, a job, a recheck) or until it is woken (an item ended, a control request, a reload);
// nothing polls in between, so an idle daemon uses no CPU.
// Threading: the io thread (main thread runs Runtime::io); see runtime.hpp for the pools.
#include "daemon/service.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "crawl/reextract.hpp"
#include "daemon/backfill_arguments.hpp"
#include "daemon/commands.hpp"
#include "daemon/systemd.hpp"
#include "daemon/web/view.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <fmt/format.h>

#include <csignal>
#include <filesystem>
#include <unistd.h>

namespace feedkeeper::daemon {

using Clock = std::chrono::steady_clock;

namespace {

nlohmann::json error_reply(std::string_view what, std::string_view where) { return nlohmann::json { { "error", what }, { "where", where } }; }
nlohmann::json error_reply(std::string_view what, std::string_view where, int exit)
{
    auto reply = error_reply(what, where);
    reply["exit"] = exit;
    return reply;
}
nlohmann::json output_reply(std::string_view output, int exit) { return nlohmann::json { { "output", output }, { "exit", exit } }; }

} // namespace

Service::Service(CommandContext context, std::unique_ptr<store::Archive> archive)
    : m_context(std::move(context))
    , m_runtime(m_context.config, std::move(archive))
    , m_engine(m_runtime, crawl::Engine::Mode::continuous)
    , m_signals(m_runtime.io, SIGINT, SIGTERM, SIGHUP)
{
    m_info.started = now_utc();
    m_info.pid = static_cast<long>(getpid());
    m_engine.on_outcome([this](const crawl::CrawlReport& outcome) { count(outcome); });
}

int Service::run()
{
    auto control = ControlServer::listen(m_runtime.io, m_context.socket_path, [this](const nlohmann::json& request) { return handle(request); });
    if (!control) {
        log_event(LogLevel::error, "daemon.failed", { { "error", control.error().message } });
        return report(control.error(), m_context.socket_path);
    }
    m_control = std::move(*control);
    if (const std::string& listen = m_runtime.config()->daemon.metrics_listen; !listen.empty()) {
        auto metrics = MetricsServer::listen(m_runtime.io, listen, [this] {
            DaemonInfo info = m_info;
            info.in_flight = m_runtime.multi.in_flight();
            return render_metrics(info, m_engine.status().running);
        });
        if (!metrics)
            return report(metrics.error(), "[daemon] metrics_listen");
        m_metrics = std::move(*metrics);
    }
    if (const crawl::Config& config = *m_runtime.config(); !config.web.listen.empty()) {
        // The view on this io_context; its queries on its own reader threads and read-only
        // connections, so a page never waits for the crawler's writer nor holds up the io thread.
        web::WebServerOptions options;
        options.listen = config.web.listen;
        options.token = web_token("", config);
        const web::ViewOptions view { .db_path = m_context.db_path };
        auto server = web::WebServer::listen(m_runtime.io, options, m_context.db_path,
            [view](const web::WebRequest& request, store::Archive& archive) { return web::handle_request(request, archive, view); },
            [this] { return std::optional<DaemonInfo>(daemon_info()); });
        if (!server) {
            log_event(LogLevel::error, "daemon.failed", { { "error", server.error().message } });
            return report(server.error(), "[web] listen");
        }
        m_web = std::move(*server);
        log_event(LogLevel::notice, "web.listening", { { "address", config.web.listen } });
    }
    wait_for_signals();
    asio::co_spawn(m_runtime.io, engine_task(), [this](std::exception_ptr error) {
        if (!error)
            return;
        // The scheduler must not die quietly: say why, stop the keep-alives, exit non-zero so
        // systemd (Restart=on-failure) starts us again.
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& exception) {
            log_event(LogLevel::error, "daemon.scheduler_failed", { { "error", exception.what() } });
        }
        m_exit_code = exit_failure;
        asio::co_spawn(m_runtime.io, shutdown(), asio::detached);
    });
    if (auto interval = watchdog_interval())
        asio::co_spawn(m_runtime.io, watchdog_loop(*interval), asio::detached);
    log_event(LogLevel::notice, "daemon.started", { { "version", FEEDKEEPER_VERSION }, { "database", store::redacted_location(m_context.db_path) }, { "socket", m_context.socket_path },
        { "config", m_context.config.source.empty() ? "(defaults)" : m_context.config.source } });
    notify_ready();
    update_status();
    m_runtime.io.run();
    log_event(LogLevel::notice, "daemon.stopped", { { "unfinished_items", m_engine.status().running } });
    m_runtime.shut_down(); // cut-short work unwinds now, while everything it refers to exists
    return m_exit_code;
}

asio::awaitable<void> Service::engine_task()
{
    if (auto opened = co_await m_engine.open("daemon"); !opened) {
        if (m_stopping)
            co_return; // a SIGTERM while it opened: a clean stop, not a failure
        log_event(LogLevel::error, "daemon.failed", { { "error", opened.error().message } });
        m_exit_code = exit_failure;
        co_await shutdown();
        co_return;
    }
    co_await m_engine.run();
}

void Service::wait_for_signals()
{
    m_signals.async_wait([this](boost::system::error_code ec, int signal) {
        if (ec)
            return;
        if (signal == SIGHUP) {
            (void)reload();
            wait_for_signals();
            return;
        }
        log_event(LogLevel::notice, "daemon.stopping", { { "signal", signal == SIGTERM ? "SIGTERM" : "SIGINT" } });
        asio::co_spawn(m_runtime.io, shutdown(), asio::detached);
    });
}

DaemonInfo Service::daemon_info()
{
    DaemonInfo info = m_info;
    info.in_flight = m_runtime.multi.in_flight();
    const crawl::EngineStatus engine = m_engine.status();
    info.queued = engine.queued;
    info.running = engine.running;
    info.hosts = engine.hosts;
    return info;
}

void Service::update_status()
{
    const crawl::EngineStatus engine = m_engine.status();
    notify_status(fmt::format("{} items queued on {} hosts, {} running, {} transfers in flight, last crawl {}, {} errors", engine.queued, engine.hosts,
        engine.running, m_runtime.multi.in_flight(), m_info.last_crawl ? format_rfc3339(*m_info.last_crawl) : "never", m_info.errors));
}

Result<void> Service::reload()
{
    notify_reloading();
    const std::string path = m_context.config.source;
    if (path.empty()) {
        log_event(LogLevel::notice, "config.reload", { { "result", "no configuration file; defaults stay" } });
        notify_ready();
        return {};
    }
    auto config = crawl::load_config(path);
    if (!config) {
        // Keep running on the old configuration; say why the new one was refused.
        log_event(LogLevel::error, "config.reload_failed", { { "file", path }, { "error", config.error().message } });
        notify_ready();
        return config.error();
    }
    if (config->store_path != m_context.config.store_path)
        log_event(LogLevel::warning, "config.reload", { { "note", "[store] path changes take effect at the next start" } });
    m_context.config = *config;
    m_runtime.set_config(std::move(*config));
    asio::co_spawn(m_runtime.io, [this, config = m_runtime.config()]() -> asio::awaitable<void> {
        // `config` is this coroutine's own snapshot: the store thread never reads one a later reload replaces.
        auto synced = co_await m_runtime.store([&](store::Archive& archive) { return sync_config_feeds(archive, *config); });
        if (!synced)
            log_event(LogLevel::error, "config.feeds_failed", { { "error", synced.error().message } });
        m_engine.wake();
    }, asio::detached);
    log_event(LogLevel::notice, "config.reloaded", { { "file", path }, { "feeds", m_context.config.feeds.size() } });
    notify_ready();
    m_engine.wake();
    return {};
}

void Service::count(const crawl::CrawlReport& outcome)
{
    m_info.errors += outcome.failures.size();
    m_info.polls += outcome.feeds_polled;
    m_info.poll_failures += outcome.feeds_failed;
    m_info.articles_stored += outcome.articles_stored;
    m_info.article_failures += outcome.articles_failed;
    if (outcome.feeds_polled > 0)
        m_info.last_crawl = now_utc();
    // STATUS= at most once a second: a busy crawl ends hundreds of items a second.
    if (const auto now = Clock::now(); now - m_last_status >= std::chrono::seconds(1)) {
        m_last_status = now;
        update_status();
    }
}

asio::awaitable<void> Service::watchdog_loop(std::chrono::microseconds interval)
{
    asio::steady_timer timer(m_runtime.io);
    while (!m_stopping && m_exit_code == exit_ok) {
        notify_watchdog(); // from the I/O loop itself: a stuck loop stops the keep-alives
        timer.expires_after(interval);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<void> Service::shutdown()
{
    if (m_stopping)
        co_return;
    m_stopping = true;
    notify_stopping();
    m_control->close();
    if (m_metrics)
        m_metrics->close();
    if (m_web)
        m_web->close();
    // One protocol: every task is cancelled (transfers abort, waits end), then given the grace
    // time to unwind; what was cut short stays queued in the archive and resumes at the next start.
    for (auto& [feed, walk] : m_backfills)
        walk->emit(asio::cancellation_type::all); // the walk stops at its next step; its cursor is in the archive
    m_engine.stop();
    co_await m_engine.drain(m_runtime.config()->daemon.shutdown_grace);
    co_await m_engine.close();
    m_signals.cancel();
    m_runtime.io.stop();
}

asio::awaitable<std::vector<nlohmann::json>> Service::handle(const nlohmann::json& request)
{
    const std::string command = request["command"].get<std::string>();
    const nlohmann::json arguments = request.value("arguments", nlohmann::json::object());
    if (const std::string db = request.value("db", std::string()); !db.empty()) {
        std::error_code ec;
        if (!std::filesystem::equivalent(db, m_context.db_path, ec))
            co_return std::vector<nlohmann::json> { nlohmann::json { { "other_archive", true } } };
    }
    if (command == "status") {
        const bool json = arguments.value("json", false);
        const DaemonInfo info = daemon_info();
        auto text = co_await m_runtime.store([&](store::Archive& archive) { return render_status(archive, m_context.db_path, info, json); });
        if (!text)
            co_return std::vector<nlohmann::json> { error_reply(text.error().message, m_context.db_path, 1) };
        co_return std::vector<nlohmann::json> { output_reply(*text, 0) };
    }
    if (command == "recrawl" || command == "crawl")
        co_return co_await crawl_request(command, arguments);
    if (command == "backfill")
        co_return co_await backfill_request(arguments);
    if (command == "reextract") {
        auto outcome = co_await crawl::reextract(m_runtime, ascii_lower(arguments.value("host", std::string())));
        std::vector<nlohmann::json> replies;
        for (const auto& failure : outcome.failures)
            replies.push_back(error_reply(failure.what, failure.where));
        replies.push_back(output_reply(outcome.summary() + "\n", outcome.failures.empty() ? 0 : 1));
        co_return replies;
    }
    if (command == "reload") {
        auto reloaded = reload();
        if (!reloaded)
            co_return std::vector<nlohmann::json> { error_reply("configuration refused, the daemon keeps the old one: " + reloaded.error().message, m_context.config.source, 1) };
        co_return std::vector<nlohmann::json> { output_reply("configuration reloaded\n", 0) };
    }
    co_return std::vector<nlohmann::json> { error_reply("unknown control command '" + command + "'", "control socket", 2) };
}

asio::awaitable<std::vector<nlohmann::json>> Service::crawl_request(const std::string& command, const nlohmann::json& arguments)
{
    // `crawl` from a CLI next to the daemon (its selection of feeds, every due job when no feed is
    // named) or `recrawl` (every feed with --all, the named ones, pages by URL): both run in the
    // daemon's own frontier, their items first on their hosts, politely.
    const auto selectors = arguments.value("feeds", std::vector<std::string> {});
    const bool all = arguments.value("all", false);
    const auto selection = command == "crawl" ? crawl_selection_from_string(arguments.value("selection", std::string("healthy_or_due")))
                                              : std::optional<CrawlSelection>(CrawlSelection::all);
    if (!selection)
        co_return std::vector<nlohmann::json> { error_reply("unknown feed selection", command, exit_usage) };
    crawl::CrawlScope scope;
    scope.urls = arguments.value("urls", std::vector<std::string> {});
    // The socket is an interface of its own: what the CLI checks is checked here again. A file:
    // URL queued as a job would never be claimed or fetched, and the request would report it
    // as nothing failed.
    for (const std::string& url : scope.urls)
        if (!is_http_url(url))
            co_return std::vector<nlohmann::json> { error_reply(fmt::format("'{}' is not an http(s) URL", url), command, exit_usage) };
    scope.all_jobs = command == "crawl" ? selectors.empty() : all;
    scope.ignore_recorded_pauses = command == "crawl" && *selection == CrawlSelection::all;
    scope.max_wait = std::chrono::seconds(std::clamp<std::int64_t>(arguments.value("max_wait", std::int64_t { 60 }), 0, 86'400));
    const bool every_feed = command == "crawl" || all;
    auto selected = co_await m_runtime.store([&](store::Archive& archive) -> Result<std::vector<store::FeedRecord>> {
        if (!selectors.empty() || every_feed)
            return select_feeds(archive, selectors, *selection);
        return std::vector<store::FeedRecord> {};
    });
    if (!selected)
        co_return std::vector<nlohmann::json> { error_reply(selected.error().message, command, exit_code_for(selected.error())) };
    scope.feeds = std::move(*selected);
    const crawl::CrawlReport report = co_await m_engine.request(std::move(scope));
    std::vector<nlohmann::json> replies;
    for (const auto& failure : report.failures)
        replies.push_back(error_reply(failure.what, failure.where));
    std::string text;
    for (const std::string& line : report.deferred_lines())
        text += line + "\n";
    replies.push_back(output_reply(text + report.summary() + "\n", report.exit_code()));
    co_return replies;
}

asio::awaitable<std::vector<nlohmann::json>> Service::backfill_request(const nlohmann::json& json)
{
    const BackfillArguments arguments = backfill_arguments(json);
    auto options = backfill_options(arguments);
    if (!options)
        co_return std::vector<nlohmann::json> { error_reply(options.error().message, "command line", exit_usage) };
    auto feed = co_await m_runtime.store([&](store::Archive& archive) { return require_feed(archive, arguments.feed); });
    if (!feed)
        co_return std::vector<nlohmann::json> { error_reply(feed.error().message, "backfill", exit_code_for(feed.error())) };
    if (m_backfills.contains(feed->id))
        co_return std::vector<nlohmann::json> { error_reply("a backfill of this feed is being walked by the daemon already; `feedkeeper status` shows it", feed->url, 1) };
    auto cancel = std::make_shared<asio::cancellation_signal>();
    m_backfills[feed->id] = cancel;
    // Each stored page may bring due jobs: the dispatcher looks at the archive again.
    auto walk = co_await asio::co_spawn(m_runtime.io,
        crawl::walk_backfill(m_runtime, m_runtime.config(), *feed, *options, [this](const crawl::BackfillProgress&) { m_engine.wake(); }),
        asio::bind_cancellation_slot(cancel->slot(), asio::use_awaitable));
    m_backfills.erase(feed->id);
    if (!walk)
        co_return std::vector<nlohmann::json> { error_reply(walk.error().message, feed->url, exit_code_for(walk.error())) };
    const bool done = walk->complete && !m_stopping;
    // Named, not a conditional's temporary inside co_await: g++ 12 destroys such a temporary twice.
    std::string message = walk->stop_reason;
    if (done)
        message = "walked every source; the daemon fetches the pages";
    else if (m_stopping)
        message = "the daemon stopped; resumes where it was";
    const store::BackfillState state = done ? store::BackfillState::done : store::BackfillState::stopped;
    auto finished = co_await crawl::finish_backfill(m_runtime, walk->record.id, state, std::move(message));
    std::vector<nlohmann::json> replies;
    if (!finished)
        replies.push_back(error_reply(finished.error().message, m_context.db_path));
    std::string text;
    for (const std::string& line : walk->lines)
        text += line + "\n";
    text += fmt::format("backfill {} of {}: {} items found, {} new records queued this run ({} found, {} queued in all){}; the daemon fetches their "
                        "pages behind today's news (feedkeeper status shows how far it is)\n",
        walk->record.id, feed->url, walk->found, walk->queued, walk->record.found, walk->record.queued, walk->reached_max ? " (--max reached)" : "");
    int code = 0;
    if (!walk->complete) {
        replies.push_back(error_reply("backfill stopped: " + walk->stop_reason + "; run it again to resume", feed->url));
        code = 1;
    }
    m_engine.wake();
    replies.push_back(output_reply(text, finished ? code : 1));
    co_return replies;
}

} // namespace feedkeeper::daemon

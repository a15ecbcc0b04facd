// daemon/service.cpp — the daemon's control flow. One coroutine sleeps until the archive says
// something is due (a feed, a job, a recheck) or until it is woken (a poll ended, a control
// request, a reload); nothing polls in between, so an idle daemon uses no CPU.
// Threading: the io thread (main thread runs Runtime::io); see runtime.hpp for the pools.
#include "daemon/service.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "daemon/systemd.hpp"

#include <boost/asio/as_tuple.hpp>
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
    , m_crawler(m_runtime)
    , m_signals(m_runtime.io, SIGINT, SIGTERM, SIGHUP)
    , m_wakeup(m_runtime.io)
{
    m_info.started = now_utc();
    m_info.pid = static_cast<long>(getpid());
}

Service::TaskGuard::~TaskGuard()
{
    --service.m_tasks;
    if (!service.m_torn_down)
        service.wake();
}

int Service::run()
{
    auto control = ControlServer::listen(m_runtime.io, m_context.socket_path, [this](const nlohmann::json& request) { return handle(request); });
    if (!control) {
        log_event(LogLevel::error, "daemon.failed", { { "error", control.error().message } });
        return report(control.error(), m_context.socket_path);
    }
    m_control = std::move(*control);
    if (const std::string& listen = m_runtime.config.daemon.metrics_listen; !listen.empty()) {
        auto metrics = MetricsServer::listen(m_runtime.io, listen, [this] {
            DaemonInfo info = m_info;
            info.in_flight = m_runtime.multi.in_flight();
            return render_metrics(info, m_polling.size());
        });
        if (!metrics)
            return report(metrics.error(), "[daemon] metrics_listen");
        m_metrics = std::move(*metrics);
    }
    wait_for_signals();
    asio::co_spawn(m_runtime.io, scheduler_loop(), [this](std::exception_ptr error) {
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
    log_event(LogLevel::notice, "daemon.started", { { "version", FEEDKEEPER_VERSION }, { "database", m_context.db_path }, { "socket", m_context.socket_path },
        { "config", m_context.config.source.empty() ? "(defaults)" : m_context.config.source } });
    notify_ready();
    update_status();
    m_runtime.io.run();
    log_event(LogLevel::notice, "daemon.stopped", { { "unfinished_tasks", m_tasks } });
    m_torn_down = true;
    m_runtime.shut_down(); // cut-short work unwinds now, while everything it refers to exists
    return m_exit_code;
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

void Service::wake() { m_wakeup.cancel(); }

void Service::update_status()
{
    notify_status(fmt::format("{} feeds polling, {} transfers in flight, last crawl {}, {} errors", m_polling.size(), m_runtime.multi.in_flight(),
        m_info.last_crawl ? format_rfc3339(*m_info.last_crawl) : "never", m_info.errors));
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
    auto config = load_config(path);
    if (!config) {
        // Keep running on the old configuration; say why the new one was refused.
        log_event(LogLevel::error, "config.reload_failed", { { "file", path }, { "error", config.error().message } });
        notify_ready();
        return config.error();
    }
    if (config->store_path != m_context.config.store_path)
        log_event(LogLevel::warning, "config.reload", { { "note", "[store] path changes take effect at the next start" } });
    m_context.config = *config;
    m_runtime.config = std::move(*config);
    m_runtime.fetcher.set_options(fetcher_options(m_runtime.config));
    asio::co_spawn(m_runtime.io, [this, config = m_runtime.config]() -> asio::awaitable<void> {
        TaskGuard guard(*this);
        // `config` is this coroutine's own copy: the store thread never reads one a later reload replaces.
        auto synced = co_await m_runtime.store([&](store::Archive& archive) { return sync_config_feeds(archive, config); });
        if (!synced)
            log_event(LogLevel::error, "config.feeds_failed", { { "error", synced.error().message } });
    }, asio::detached);
    log_event(LogLevel::notice, "config.reloaded", { { "file", path }, { "feeds", m_runtime.config.feeds.size() } });
    notify_ready();
    wake();
    return {};
}

asio::awaitable<void> Service::scheduler_loop()
{
    while (!m_stopping) {
        const Timestamp now = now_utc();
        auto due = co_await m_runtime.store([&](store::Archive& archive) { return archive.due_feeds(now); });
        if (!due)
            log_event(LogLevel::error, "store.failed", { { "error", due.error().message } });
        bool started = false;
        for (store::FeedRecord& feed : due ? *due : std::vector<store::FeedRecord> {}) {
            if (m_stopping || m_polling.contains(feed.id) || m_polling.size() >= m_runtime.config.fetch.max_in_flight)
                continue;
            // At most one poll a minute per feed, whatever the archive says: if recording a poll
            // fails (disk full, read-only), its feed stays due, and must not be hammered.
            if (auto it = m_last_poll.find(feed.id); it != m_last_poll.end() && Clock::now() - it->second < std::chrono::minutes(1))
                continue;
            m_last_poll[feed.id] = Clock::now();
            asio::co_spawn(m_runtime.io, poll_task(std::move(feed)), asio::detached);
            started = true;
        }
        auto rechecks = co_await m_runtime.store([&](store::Archive& archive) { return archive.enqueue_due_rechecks(now, 1000); });
        if (!rechecks)
            log_event(LogLevel::error, "store.failed", { { "error", rechecks.error().message } });
        if (!m_jobs_running && !m_stopping) {
            asio::co_spawn(m_runtime.io, job_task(), asio::detached);
            started = true;
        }

        auto next = co_await m_runtime.store([](store::Archive& archive) { return archive.next_due_time(); });
        // Sleep until the next due time, at most an hour; a finished task or a control request
        // wakes us earlier. Work in flight keeps its own item due, hence a floor: 1 s after
        // starting work, 15 s when everything due was already being worked on.
        const auto floor = std::chrono::seconds(started ? 1 : 15);
        auto wait = std::chrono::seconds(3600);
        if (next && *next)
            wait = std::clamp(std::chrono::duration_cast<std::chrono::seconds>(**next - now_utc()), floor, std::chrono::seconds(3600));
        m_info.next_due = now_utc() + wait;
        update_status();
        m_wakeup.expires_after(wait);
        co_await m_wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<void> Service::poll_task(store::FeedRecord feed)
{
    TaskGuard guard(*this);
    const std::int64_t id = feed.id;
    m_polling.insert(id);
    struct Unmark { // however the poll ends: the feed must not stay "polling" forever
        std::set<std::int64_t>& polling;
        std::int64_t id;
        ~Unmark() { polling.erase(id); }
    } unmark { m_polling, id };
    auto polled = co_await m_crawler.poll_feed(std::move(feed));
    m_info.last_crawl = now_utc();
    ++m_info.polls;
    if (!polled) {
        ++m_info.errors;
        ++m_info.poll_failures;
    }
}

void Service::count(const CrawlReport& report)
{
    m_info.errors += report.failures.size();
    m_info.articles_stored += report.articles_stored;
    m_info.article_failures += report.articles_failed;
}

asio::awaitable<void> Service::job_task()
{
    TaskGuard guard(*this);
    m_jobs_running = true;
    struct Done { // however the drain ends, the next one may start
        bool& running;
        ~Done() { running = false; }
    } done { m_jobs_running };
    CrawlReport report;
    co_await m_crawler.drain_jobs({}, report);
    count(report);
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
    m_crawler.stop();
    notify_stopping();
    m_control->close();
    if (m_metrics)
        m_metrics->close();
    wake();
    // Let in-flight work finish (each item commits in one transaction) for up to the grace time;
    // what is cut short stays queued in the archive and resumes at the next start.
    const auto deadline = Clock::now() + m_runtime.config.daemon.shutdown_grace;
    asio::steady_timer timer(m_runtime.io);
    while (m_tasks > 0 && Clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
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
        DaemonInfo info = m_info;
        info.in_flight = m_runtime.multi.in_flight();
        auto text = co_await m_runtime.store([&](store::Archive& archive) { return render_status(archive, m_context.db_path, info, json); });
        if (!text)
            co_return std::vector<nlohmann::json> { error_reply(text.error().message, m_context.db_path, 1) };
        co_return std::vector<nlohmann::json> { output_reply(*text, 0) };
    }
    if (command == "recrawl")
        co_return co_await recrawl(arguments);
    if (command == "reextract") {
        TaskGuard guard(*this);
        auto outcome = co_await m_crawler.reextract(ascii_lower(arguments.value("host", std::string())));
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

asio::awaitable<std::vector<nlohmann::json>> Service::recrawl(const nlohmann::json& arguments)
{
    TaskGuard guard(*this);
    std::vector<nlohmann::json> replies;
    const bool all = arguments.value("all", false);
    const auto selectors = arguments.value("feeds", std::vector<std::string> {});
    const auto urls = arguments.value("urls", std::vector<std::string> {});
    std::vector<store::FeedRecord> feeds;
    auto selected = co_await m_runtime.store([&](store::Archive& archive) -> Result<std::vector<store::FeedRecord>> {
        std::vector<store::FeedRecord> list;
        if (all) {
            auto every = archive.list_feeds();
            if (!every)
                return every.error();
            for (auto& feed : *every)
                if (feed.health != store::FeedHealth::retired)
                    list.push_back(std::move(feed));
        }
        for (const std::string& selector : selectors) {
            auto feed = require_feed(archive, selector);
            if (!feed)
                return feed.error();
            list.push_back(std::move(*feed));
        }
        for (const std::string& url : urls)
            if (auto queued = archive.enqueue_job("manual", url, std::nullopt); !queued)
                return queued.error();
        return list;
    });
    if (!selected)
        co_return std::vector<nlohmann::json> { error_reply(selected.error().message, "recrawl", exit_code_for(selected.error())) };
    CrawlReport report = co_await m_crawler.crawl(std::move(*selected), true);
    m_info.last_crawl = now_utc();
    m_info.polls += report.feeds_polled;
    m_info.poll_failures += report.feeds_failed;
    count(report);
    for (const auto& failure : report.failures)
        replies.push_back(error_reply(failure.what, failure.where));
    replies.push_back(output_reply(report.summary() + "\n", report.exit_code()));
    co_return replies;
}

} // namespace feedkeeper::daemon

// daemon/service.hpp — `feedkeeper daemon`: the scheduler, the control socket, signals and the
// systemd notifications around one Runtime.
// Threading: Service lives on the io thread (Runtime::io run by the main thread); parsing and
// archive work hop to the Runtime's pools as the crawler does.
#pragma once

#include "daemon/context.hpp"
#include "daemon/control_server.hpp"
#include "crawl/engine.hpp"
#include "daemon/metrics.hpp"
#include "daemon/status.hpp"
#include "daemon/web/server.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <boost/asio/cancellation_signal.hpp>

#include <map>
#include <memory>

namespace feedkeeper::daemon {

class Service {
public:
    Service(CommandContext, std::unique_ptr<store::Archive>);
    // Runs until SIGTERM/SIGINT (then drains, at most the configured grace) and returns the
    // process exit code. Start-up failures (socket in use, …) are reported and exit 1.
    int run();

private:
    asio::awaitable<void> engine_task();
    asio::awaitable<void> watchdog_loop(std::chrono::microseconds interval);
    asio::awaitable<void> shutdown();
    asio::awaitable<std::vector<nlohmann::json>> handle(const nlohmann::json& request);
    asio::awaitable<std::vector<nlohmann::json>> crawl_request(const std::string& command, const nlohmann::json& arguments);
    // Walks the feed's past here (one walk per feed at a time); the pages it queues are fetched by
    // the engine at Priority::backfill, behind every poll and new article.
    asio::awaitable<std::vector<nlohmann::json>> backfill_request(const nlohmann::json& arguments);
    Result<void> reload();
    void wait_for_signals();
    void update_status();
    void count(const crawl::CrawlReport&);
    DaemonInfo daemon_info();

    CommandContext m_context;
    crawl::Runtime m_runtime;
    crawl::Engine m_engine;
    asio::signal_set m_signals;
    std::unique_ptr<ControlServer> m_control;
    std::unique_ptr<MetricsServer> m_metrics; // only with [daemon] metrics_listen
    std::unique_ptr<web::WebServer> m_web;    // only with [web] listen; its readers have their own connections
    int m_exit_code = 0;
    bool m_stopping = false;
    DaemonInfo m_info;
    std::chrono::steady_clock::time_point m_last_status {};
    std::map<std::int64_t, std::shared_ptr<asio::cancellation_signal>> m_backfills; // walks running, by feed; cancelled at shutdown
};

} // namespace feedkeeper::daemon

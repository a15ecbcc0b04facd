// daemon/service.hpp — `feedkeeper daemon`: the scheduler, the control socket, signals and the
// systemd notifications around one Runtime.
// Threading: Service lives on the io thread (Runtime::io run by the main thread); parsing and
// archive work hop to the Runtime's pools as the crawler does.
#pragma once

#include "daemon/context.hpp"
#include "daemon/control_server.hpp"
#include "daemon/crawler.hpp"
#include "daemon/metrics.hpp"
#include "daemon/status.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <map>
#include <set>

namespace feedkeeper::daemon {

class Service {
public:
    Service(CommandContext, std::unique_ptr<store::Archive>);
    // Runs until SIGTERM/SIGINT (then drains, at most the configured grace) and returns the
    // process exit code. Start-up failures (socket in use, …) are reported and exit 1.
    int run();

private:
    asio::awaitable<void> scheduler_loop();
    asio::awaitable<void> poll_task(store::FeedRecord);
    asio::awaitable<void> job_task();
    asio::awaitable<void> watchdog_loop(std::chrono::microseconds interval);
    asio::awaitable<void> shutdown();
    asio::awaitable<std::vector<nlohmann::json>> handle(const nlohmann::json& request);
    asio::awaitable<std::vector<nlohmann::json>> recrawl(const nlohmann::json& arguments);
    Result<void> reload();
    void wait_for_signals();
    void wake();
    void update_status();
    void count(const CrawlReport&);

    // Counts a running task for the drain on shutdown; wakes the scheduler when it ends.
    struct TaskGuard {
        Service& service;
        explicit TaskGuard(Service& s) : service(s) { ++service.m_tasks; }
        ~TaskGuard();
    };

    CommandContext m_context;
    Runtime m_runtime;
    Crawler m_crawler;
    asio::signal_set m_signals;
    asio::steady_timer m_wakeup;
    std::unique_ptr<ControlServer> m_control;
    std::unique_ptr<MetricsServer> m_metrics; // only with [daemon] metrics_listen
    std::set<std::int64_t> m_polling; // feeds being polled now
    std::map<std::int64_t, std::chrono::steady_clock::time_point> m_last_poll; // started by the scheduler
    int m_exit_code = 0;
    bool m_jobs_running = false;
    bool m_stopping = false;
    bool m_torn_down = false; // pending frames are being destroyed: guards must not wake anything
    std::size_t m_tasks = 0;
    DaemonInfo m_info;
};

} // namespace feedkeeper::daemon

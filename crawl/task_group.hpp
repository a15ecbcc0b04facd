// crawl/task_group.hpp — the one shutdown protocol: every coroutine of a crawl or of the daemon is
// spawned into a TaskGroup, each with its own cancellation slot; shutdown cancels the group (every
// wait ends with Errc::cancelled, every transfer is aborted; work stays queued in the archive) and
// waits at most a grace period for the tasks to unwind. No flags polled in loops.
// Threading: one executor's thread (the io thread); the group must outlive its tasks' handlers,
// which the io_context destroys unrun when it is shut down.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <exception>
#include <list>
#include <string>

namespace feedkeeper::crawl {

namespace asio = boost::asio;

class TaskGroup {
public:
    explicit TaskGroup(asio::any_io_executor);
    TaskGroup(const TaskGroup&) = delete;
    TaskGroup& operator=(const TaskGroup&) = delete;

    // Starts `task` in the group. An exception that escapes it is logged with `name` (a bug: tasks
    // report failures as values), except the one a cancelled wait throws.
    void spawn(asio::awaitable<void> task, std::string name);
    // Cancels every task of the group; tasks spawned afterwards start cancelled.
    void cancel();
    bool cancelled() const { return m_cancelled; }
    // Waits until the group is empty or `limit` has passed; true when it is empty.
    asio::awaitable<bool> wait_empty(std::chrono::steady_clock::duration limit);
    std::size_t size() const { return m_tasks.size(); }

private:
    struct Task {
        explicit Task(std::string task_name) : name(std::move(task_name)) { }
        asio::cancellation_signal signal;
        std::string name;
    };
    void finished(std::list<Task>::iterator, std::exception_ptr);

    asio::any_io_executor m_executor;
    std::list<Task> m_tasks; // stable addresses: each slot lives as long as its task
    asio::steady_timer m_emptied;
    bool m_cancelled = false;
};

} // namespace feedkeeper::crawl

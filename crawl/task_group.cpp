// crawl/task_group.cpp — spawning with a cancellation slot per task, cancelling, draining.
// Threading: the group's executor's thread.
#include "crawl/task_group.hpp"

#include "core/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace feedkeeper::crawl {

TaskGroup::TaskGroup(asio::any_io_executor executor) : m_executor(executor), m_emptied(executor, asio::steady_timer::time_point::max()) { }

void TaskGroup::spawn(asio::awaitable<void> task, std::string name)
{
    auto it = m_tasks.emplace(m_tasks.end(), std::move(name));
    asio::co_spawn(m_executor, std::move(task),
        asio::bind_cancellation_slot(it->signal.slot(), [this, it](std::exception_ptr error) {
            // The signal may not be destroyed inside its own slot's handler: forget it after.
            asio::post(m_executor, [this, it, error] { finished(it, error); });
        }));
    if (m_cancelled)
        it->signal.emit(asio::cancellation_type::terminal);
}

void TaskGroup::finished(std::list<Task>::iterator it, std::exception_ptr error)
{
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const boost::system::system_error& exception) {
            if (!(m_cancelled && exception.code() == boost::asio::error::operation_aborted))
                log_event(LogLevel::error, "task.failed", { { "task", it->name }, { "error", exception.what() } });
        } catch (const std::exception& exception) {
            log_event(LogLevel::error, "task.failed", { { "task", it->name }, { "error", exception.what() } });
        }
    }
    m_tasks.erase(it);
    if (m_tasks.empty())
        m_emptied.cancel();
}

void TaskGroup::cancel()
{
    m_cancelled = true;
    for (Task& task : m_tasks)
        task.signal.emit(asio::cancellation_type::terminal);
}

asio::awaitable<bool> TaskGroup::wait_empty(std::chrono::steady_clock::duration limit)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!m_tasks.empty() && std::chrono::steady_clock::now() < deadline) {
        m_emptied.expires_at(deadline);
        co_await m_emptied.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return m_tasks.empty();
}

} // namespace feedkeeper::crawl

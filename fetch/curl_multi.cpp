// fetch/curl_multi.cpp — the event-loop contract of curl's docs/examples/multi-uv.c, on Asio.
// Threading: one io_context thread. Asio's epoll reactor is edge-triggered and async_wait never
// completes speculatively; correctness rests on (1) the single thread, so each wait is re-armed
// before the next epoll_wait, and (2) libcurl arming a 0 ms timer whenever it leaves data unread.
#include "fetch/curl_multi.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/post.hpp>

#include <stdexcept>

namespace feedkeeper::fetch {

CurlMulti::CurlMulti(asio::any_io_executor executor)
    : m_executor(std::move(executor))
    , m_timer(m_executor)
    , m_self(std::make_shared<CurlMulti*>(this))
    , m_multi(curl_multi_init())
{
    if (!m_multi)
        throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() { abandon_transfers(); }

void CurlMulti::abandon_transfers()
{
    // Pending handlers are destroyed, not invoked: the io_context is going away. Their
    // cancellation slots would call back into this object, so they are cleared first.
    for (auto& [easy, transfer] : m_transfers) {
        curl_multi_remove_handle(m_multi.get(), easy);
        if (auto slot = asio::get_associated_cancellation_slot(transfer.handler); slot.is_connected())
            slot.clear();
    }
    m_transfers.clear();
}

void CurlMulti::start(CURL* easy, asio::any_completion_handler<void(CURLcode)> handler)
{
    auto slot = asio::get_associated_cancellation_slot(handler);
    const CURLMcode added = curl_multi_add_handle(m_multi.get(), easy);
    if (added != CURLM_OK) {
        // Never leave the caller hanging, and never complete inline.
        asio::post(m_executor, asio::append(std::move(handler), CURLE_FAILED_INIT));
        return;
    }
    const std::uint64_t id = m_next_id++;
    m_transfers.emplace(easy, Transfer { std::move(handler), id });
    if (slot.is_connected())
        slot.assign([this, easy, id](asio::cancellation_type) { cancel(easy, id); });
    // libcurl arms its timer from add_handle; on_timer will drive the transfer.
}

// Runs inside the slot's own handler, on the executor's thread (cancellation is emitted there).
void CurlMulti::cancel(CURL* easy, std::uint64_t id)
{
    auto it = m_transfers.find(easy);
    if (it == m_transfers.end() || it->second.id != id)
        return;
    curl_multi_remove_handle(m_multi.get(), easy);
    complete(easy, CURLE_ABORTED_BY_CALLBACK, SlotState::emitting);
}

void CurlMulti::complete(CURL* easy, CURLcode code, SlotState slot_state)
{
    auto node = m_transfers.extract(easy);
    if (node.empty())
        return;
    auto handler = std::move(node.mapped().handler);
    // A later emit must not reach this object for a finished transfer. While the slot's handler
    // is running (cancel), clearing would destroy it under its own feet; the id check covers it.
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected() && slot_state == SlotState::connected)
        slot.clear();
    // Post, don't invoke: the resumed coroutine may call async_perform() re-entrantly.
    asio::post(m_executor, asio::append(std::move(handler), code));
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self_pointer)
{
    auto& self = *static_cast<CurlMulti*>(self_pointer);
    if (timeout_ms < 0) {
        self.m_deadline.reset();
        self.m_armed.reset();
        self.m_timer.cancel(); // cheap (no syscall), and lets io_context::run() return when idle
        return 0;
    }
    if (timeout_ms == 0) {
        // Never call libcurl from inside its own callback: go through the executor.
        self.m_deadline.reset();
        if (!std::exchange(self.m_timeout_posted, true)) {
            asio::post(self.m_executor, [alive = std::weak_ptr<CurlMulti*>(self.m_self)] {
                if (auto owner = alive.lock()) {
                    (*owner)->m_timeout_posted = false;
                    (*owner)->drive(CURL_SOCKET_TIMEOUT, 0);
                }
            });
        }
        return 0;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    self.m_deadline = deadline;
    if (!self.m_armed || deadline < *self.m_armed)
        self.arm_timer(deadline);
    return 0;
}

void CurlMulti::arm_timer(std::chrono::steady_clock::time_point deadline)
{
    m_armed = deadline;
    m_timer.expires_at(deadline); // aborts the previous wait: its handler sees an error and returns
    m_timer.async_wait([alive = std::weak_ptr<CurlMulti*>(m_self)](boost::system::error_code ec) {
        if (auto owner = alive.lock(); owner && !ec) // a completed wait may still be queued when we go
            (*owner)->on_timer_expired();
    });
}

void CurlMulti::on_timer_expired()
{
    m_armed.reset();
    if (!m_deadline)
        return;
    if (std::chrono::steady_clock::now() < *m_deadline) {
        arm_timer(*m_deadline); // libcurl moved it later meanwhile
        return;
    }
    m_deadline.reset();
    drive(CURL_SOCKET_TIMEOUT, 0);
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self_pointer, void*)
{
    auto& self = *static_cast<CurlMulti*>(self_pointer);
    auto it = self.m_watches.find(fd);
    if (what == CURL_POLL_REMOVE) {
        // May arrive for fds we never saw (libcurl's internal handles) and during curl_multi_cleanup().
        if (it != self.m_watches.end()) {
            (void)it->second->descriptor.release(); // Aborts pending waits; they see a closed descriptor.
            self.m_watches.erase(it);
        }
        return 0;
    }
    if (it == self.m_watches.end()) {
        try {
            it = self.m_watches.emplace(fd, std::make_shared<Watch>(self.m_executor, fd)).first;
        } catch (const boost::system::system_error&) {
            return -1; // epoll refused the fd: libcurl fails this transfer (CURLM_ABORTED_BY_CALLBACK)
        }
    }
    it->second->wanted = what;
    self.watch(fd, it->second);
    return 0;
}

void CurlMulti::watch(curl_socket_t fd, const std::shared_ptr<Watch>& w)
{
    using Wait = asio::posix::descriptor_base::wait_type;
    auto wait_for = [&](bool Watch::*waiting, Wait type, int select_bit) {
        if ((*w).*waiting)
            return;
        (*w).*waiting = true;
        w->descriptor.async_wait(type, [this, fd, w, waiting, select_bit](boost::system::error_code ec) {
            (*w).*waiting = false;
            if (ec || !w->descriptor.is_open())
                return;
            drive(fd, select_bit);
            if (w->descriptor.is_open()) // drive() may have removed it.
                watch(fd, w);
        });
    };
    if (w->wanted & CURL_POLL_IN)
        wait_for(&Watch::waiting_read, Wait::wait_read, CURL_CSELECT_IN);
    if (w->wanted & CURL_POLL_OUT)
        wait_for(&Watch::waiting_write, Wait::wait_write, CURL_CSELECT_OUT);
}

void CurlMulti::drive(curl_socket_t fd, int event_bitmask)
{
    int running = 0;
    curl_multi_socket_action(m_multi.get(), fd, event_bitmask, &running);
    complete_finished_transfers();
}

void CurlMulti::complete_finished_transfers()
{
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(m_multi.get(), &queued)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CURL* easy = message->easy_handle;
        const CURLcode code = message->data.result; // `message` dies in remove_handle(); copy first.
        curl_multi_remove_handle(m_multi.get(), easy);
        complete(easy, code);
    }
}

} // namespace feedkeeper::fetch

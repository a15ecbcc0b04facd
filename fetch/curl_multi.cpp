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
    , m_multi(curl_multi_init())
{
    if (!m_multi)
        throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
    curl_multi_setopt(m_multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
    curl_multi_setopt(m_multi.get(), CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti()
{
    // Pending handlers are destroyed, not invoked: the io_context is going away with us.
    for (auto& [easy, transfer] : m_transfers)
        curl_multi_remove_handle(m_multi.get(), easy);
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
    m_transfers.emplace(easy, Transfer { std::move(handler) });
    if (slot.is_connected())
        slot.assign([this, easy](asio::cancellation_type) { cancel(easy); });
    // libcurl arms its timer from add_handle; on_timer will drive the transfer.
}

void CurlMulti::cancel(CURL* easy)
{
    if (!m_transfers.contains(easy))
        return;
    curl_multi_remove_handle(m_multi.get(), easy);
    complete(easy, CURLE_ABORTED_BY_CALLBACK);
}

void CurlMulti::complete(CURL* easy, CURLcode code)
{
    auto node = m_transfers.extract(easy);
    if (node.empty())
        return;
    auto handler = std::move(node.mapped().handler);
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
        slot.clear();
    // Post, don't invoke: the resumed coroutine may call async_perform() re-entrantly.
    asio::post(m_executor, asio::append(std::move(handler), code));
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self_pointer)
{
    auto& self = *static_cast<CurlMulti*>(self_pointer);
    if (timeout_ms < 0) {
        self.m_timer.cancel();
        return 0;
    }
    // Even for 0 ms, never call libcurl from inside its own callback: go through the executor.
    self.m_timer.expires_after(std::chrono::milliseconds(timeout_ms));
    self.m_timer.async_wait([&self](boost::system::error_code ec) {
        if (!ec)
            self.drive(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
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

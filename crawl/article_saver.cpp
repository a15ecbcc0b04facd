// crawl/article_saver.cpp — the batching writer. Invariant: m_writing is true exactly while one
// write_batches() coroutine runs; it takes the queue as it finds it after each commit, so a save
// waits at most for the batch being written and its own.
// Threading: Runtime::io; store::Archive::Articles::save_many on the store thread.
#include "crawl/article_saver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace feedkeeper::crawl {

struct ArticleSaver::Pending {
    explicit Pending(std::shared_ptr<const store::PreparedArticle> prepared, asio::any_io_executor executor)
        : article(std::move(prepared)), done(executor, asio::steady_timer::time_point::max())
    {
    }
    std::shared_ptr<const store::PreparedArticle> article;
    std::optional<Result<store::ArticleSaveResult>> result;
    asio::steady_timer done; // cancelled when `result` is set
};

asio::awaitable<Result<store::ArticleSaveResult>> ArticleSaver::save(std::shared_ptr<const store::PreparedArticle> article)
{
    auto pending = std::make_shared<Pending>(std::move(article), m_runtime.io.get_executor());
    m_queue.push_back(pending);
    if (!m_writing) {
        m_writing = true;
        asio::co_spawn(m_runtime.io, write_batches(), asio::detached);
    }
    while (!pending->result) {
        co_await pending->done.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!pending->result && (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            // Shutting down: the writer may still store it (then the job is done), or not (then
            // it stays queued); either way the archive is consistent.
            co_return Error(Errc::cancelled, "cancelled while the article was being stored");
    }
    co_return std::move(*pending->result);
}

asio::awaitable<void> ArticleSaver::write_batches()
{
    while (!m_queue.empty()) {
        std::vector<std::shared_ptr<Pending>> batch;
        const std::size_t take = std::min(m_queue.size(), max_batch);
        batch.assign(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(take));
        m_queue.erase(m_queue.begin(), m_queue.begin() + static_cast<std::ptrdiff_t>(take));
        std::vector<const store::PreparedArticle*> articles;
        for (const auto& pending : batch)
            articles.push_back(pending->article.get());
        auto saved = co_await m_runtime.store([&](store::Archive& archive) { return archive.articles().save_many(articles); });
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i]->result = saved ? std::move((*saved)[i]) : Result<store::ArticleSaveResult>(saved.error());
            batch[i]->done.cancel();
        }
    }
    m_writing = false;
}

} // namespace feedkeeper::crawl

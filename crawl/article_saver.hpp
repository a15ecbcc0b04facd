// crawl/article_saver.hpp — group commit for articles: saves that arrive while the one writer is
// busy go into its next transaction together, so a crawl pays one commit (one fsync, with
// synchronous = FULL) per batch instead of one per article. Each save still completes only once
// its transaction is committed: what is reported stored is on disk.
// Threading: save() and the writer coroutine run on Runtime::io; the writes on the store thread.
#pragma once

#include "crawl/runtime.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <vector>

namespace feedkeeper::crawl {

class ArticleSaver {
public:
    explicit ArticleSaver(Runtime& runtime) : m_runtime(runtime) { }
    ArticleSaver(const ArticleSaver&) = delete;
    ArticleSaver& operator=(const ArticleSaver&) = delete;

    // Stores `article` (prepared with store::Archive::Articles::prepare) in the writer's next batch.
    asio::awaitable<Result<store::ArticleSaveResult>> save(std::shared_ptr<const store::PreparedArticle>);

    static constexpr std::size_t max_batch = 64; // bounds one transaction's time and memory

private:
    struct Pending;
    asio::awaitable<void> write_batches();

    Runtime& m_runtime;
    std::vector<std::shared_ptr<Pending>> m_queue;
    bool m_writing = false;
};

} // namespace feedkeeper::crawl

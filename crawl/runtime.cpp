// crawl/runtime.cpp — builds the executors and services of one process. Threading: main thread.
#include "crawl/runtime.hpp"

#include "core/log.hpp"

#include <boost/asio/post.hpp>

namespace feedkeeper::crawl {

fetch::FetcherOptions fetcher_options(const Config& config)
{
    fetch::FetcherOptions options;
    options.politeness = config.politeness;
    options.user_agent = config.fetch.user_agent.empty() ? fetch::default_user_agent() : config.fetch.user_agent;
    return options;
}

Runtime::Runtime(Config configuration, std::unique_ptr<store::Archive> opened)
    : cpu(std::max<std::size_t>(configuration.parse_threads, 1))
    , m_config(std::make_shared<const Config>(std::move(configuration)))
    , archive(std::move(opened))
    , multi(io.get_executor())
    , fetcher(multi, fetcher_options(*m_config))
{
    // robots.txt responses are captures like the feed documents and pages: an export replays the
    // crawl as it happened. Stored on the store thread without waiting (nothing depends on it);
    // shut_down() joins the store pool, so a capture posted before it is stored.
    fetcher.observe_robots([this](const HttpResponse& response) {
        asio::post(store_pool, [this, response] {
            if (auto saved = archive->captures().save(response, "robots"); !saved)
                log_event(LogLevel::warning, "store.failed", { { "url", response.url }, { "error", saved.error().message } });
        });
    });
}

void Runtime::set_config(Config configuration)
{
    m_config = std::make_shared<const Config>(std::move(configuration));
    fetcher.set_options(fetcher_options(*m_config));
}

void Runtime::shut_down()
{
    // Pool work may still refer to coroutine frames (run_on captures by reference): let it finish
    // before the frames go.
    cpu.join();
    store_pool.join();
    multi.abandon_transfers();
    // Twice: destroying a frame can post the destruction of another coroutine it owned.
    io.destroy_pending_work();
    io.destroy_pending_work();
}

Runtime::~Runtime() { shut_down(); }

} // namespace feedkeeper::crawl

// crawl/runtime.cpp — builds the executors and services of one process. Threading: main thread.
#include "crawl/runtime.hpp"

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

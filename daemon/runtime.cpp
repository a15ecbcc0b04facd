// daemon/runtime.cpp — builds the executors and services of one process. Threading: main thread.
#include "daemon/runtime.hpp"

namespace feedkeeper::daemon {

fetch::FetcherOptions fetcher_options(const Config& config)
{
    fetch::FetcherOptions options;
    options.politeness = config.politeness;
    options.user_agent = config.fetch.user_agent.empty() ? fetch::default_user_agent() : config.fetch.user_agent;
    return options;
}

Runtime::Runtime(Config configuration, std::unique_ptr<store::Archive> opened)
    : cpu(std::max<std::size_t>(configuration.parse_threads, 1))
    , config(std::move(configuration))
    , archive(std::move(opened))
    , multi(io.get_executor())
    , fetcher(multi, fetcher_options(config))
{
}

Runtime::~Runtime()
{
    cpu.join();
    store_pool.join();
}

} // namespace feedkeeper::daemon

// crawl/reextract.hpp — re-runs extraction on stored raw captures, without fetching: a changed text
// becomes a new revision (a better extractor, a learned template), an unchanged one is counted.
// Threading: a coroutine on Runtime::io; extraction on cpu, archive calls on store.
#pragma once

#include "crawl/article_job.hpp"
#include "crawl/report.hpp"

namespace feedkeeper::crawl {

// Every archived article of `host` (all when empty), from its latest capture.
asio::awaitable<ReextractReport> reextract(Runtime&, std::string host);

} // namespace feedkeeper::crawl

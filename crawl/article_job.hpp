// crawl/article_job.hpp — one article job: fetch the page politely, extract it on the CPU pool with
// its host's learned template, prepare it there too (compress, hash), store it (capture, article,
// revision, next check and the job's removal in one transaction, shared with the other articles
// ready at that moment). What a failure means for the job is decisions.hpp's.
// Threading: a coroutine on Runtime::io; extraction hops to cpu, archive calls to store.
#pragma once

#include "crawl/article_saver.hpp"
#include "crawl/runtime.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <unordered_map>

namespace feedkeeper::crawl {

struct JobResult {
    enum class Kind {
        stored,         // a new article or a new revision
        unchanged,      // fetched again, same text
        not_article,    // a consent wall, paywall, error page…: captured, classified
        failed,         // an attempt failed: retried later or given up (see `error`)
        requeue,        // its host may not be asked yet: nothing sent, nothing recorded
        released,       // back in the queue untried until `not_before` (the server asked to wait)
        storage_failed, // the archive could not store it: back in the queue as it was
        cancelled,      // shutting down
    };
    Kind kind = Kind::stored;
    std::string error;
    std::optional<Timestamp> not_before;
};

// What the archive learned of each host's template, kept until a page of the host is stored (which
// teaches the archive more) or for a minute: pages fetched side by side share one load.
class SiteProfileCache {
public:
    asio::awaitable<std::shared_ptr<const SiteProfile>> get(Runtime&, const std::string& host);
    void invalidate(const std::string& host) { m_entries.erase(host); }

private:
    struct Entry {
        std::shared_ptr<const SiteProfile> profile;
        std::chrono::steady_clock::time_point loaded;
    };
    std::unordered_map<std::string, Entry> m_entries;
};

// Extracts a fetched or stored page on the CPU pool, with its host's learned template.
asio::awaitable<Result<ExtractedPage>> extract_response(Runtime&, SiteProfileCache&, const HttpResponse&);

// The feed item's metadata fills every field the page leaves unknown; a page that is no article
// takes the item's title.
void apply_entry_hints(ExtractedPage&, const store::EntryHints&);

// `feed`: the feed that brought the job (its headers, cookies and address policy), if any.
// `transfer_ended` is called once, on the io thread, when the page's transfer is over (whatever
// came of it), before the page is extracted and stored, with the size of the body it holds.
asio::awaitable<JobResult> run_article_job(Runtime&, const Config&, SiteProfileCache&, ArticleSaver&, store::Job, const store::FeedRecord* feed,
    std::chrono::milliseconds max_host_wait, const std::function<void(std::size_t body_bytes)>& transfer_ended);

} // namespace feedkeeper::crawl

// crawl/feed_poll.hpp — one feed poll: a conditional GET, the feed parsed on the CPU pool, its
// entries stored (each new link queues an article job), the outcome recorded in the feed's row.
// What the result means for the feed (health, next poll) is decisions.hpp's; this carries it out.
// Threading: a coroutine on Runtime::io; parsing hops to cpu, archive calls to store.
#pragma once

#include "crawl/runtime.hpp"

#include <boost/asio/awaitable.hpp>

#include <random>

namespace feedkeeper::crawl {

struct PollResult {
    enum class Kind {
        polled,   // new entries stored (maybe none), the feed is healthy
        failed,   // recorded as a failure of the feed (it backs off)
        deferred, // its host may not be asked yet: nothing sent, nothing recorded
        cancelled // shutting down
    };
    Kind kind = Kind::polled;
    std::size_t new_entries = 0;
    std::string error; // failed: the cause, a readable sentence
};

// The parsed feed's entries as the store takes them, each with its identity key; `document`'s
// entries are moved out. (Also what a WARC import replays a feed document with.)
std::vector<store::EntryInput> entry_inputs(FeedDocument& document);

// `max_host_wait`: how long the request may wait for the feed's host (see fetch::FetchRequest).
asio::awaitable<PollResult> poll_feed(Runtime&, const Config&, store::FeedRecord, std::mt19937_64&, std::chrono::milliseconds max_host_wait);

} // namespace feedkeeper::crawl

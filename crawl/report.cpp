// crawl/report.cpp — crawl reports as text. Threading: pure functions.
#include "crawl/report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::crawl {

std::string format_clock_time(Timestamp time, Timestamp now)
{
    const std::string full = format_rfc3339(time); // 2026-12-06T18:30:00Z
    if (time >= now - std::chrono::hours(24) && time <= now + std::chrono::hours(24))
        return full.substr(11, 5) + "Z";
    return full;
}

std::string CrawlReport::summary() const
{
    std::string line = fmt::format("polled {} feeds ({} failed), {} new entries; articles: {} stored, {} unchanged, {} not articles, {} failed",
        feeds_polled, feeds_failed, new_entries, articles_stored, articles_unchanged, pages_not_articles, articles_failed);
    std::size_t deferred_feeds = 0, deferred_articles = 0;
    for (const Deferred& host : deferred) {
        deferred_feeds += host.feeds;
        deferred_articles += host.articles;
    }
    if (deferred_feeds + deferred_articles > 0)
        line += fmt::format("; left queued: {} articles and {} feeds on {} hosts", deferred_articles, deferred_feeds, deferred.size());
    if (storage_failures > 0)
        line += fmt::format("; {} articles could not be stored and stay queued", storage_failures);
    return line;
}

std::vector<std::string> CrawlReport::deferred_lines() const
{
    const Timestamp now = now_utc();
    std::vector<std::string> lines;
    for (const Deferred& host : deferred) {
        std::string what;
        if (host.articles > 0)
            what = fmt::format("{} article{}", host.articles, host.articles == 1 ? "" : "s");
        if (host.feeds > 0)
            what += fmt::format("{}{} feed{}", what.empty() ? "" : " and ", host.feeds, host.feeds == 1 ? "" : "s");
        const std::string until = host.until ? fmt::format(" until {}", format_clock_time(*host.until, now)) : std::string();
        const std::string cause = host.cause.empty() ? std::string() : fmt::format(" ({})", host.cause);
        lines.push_back(fmt::format("{}: {}{}{}, {} deferred", host.host, host.state, until, cause, what));
    }
    return lines;
}

int CrawlReport::exit_code() const { return failures.empty() ? 0 : 1; }

void CrawlReport::add(const CrawlReport& other)
{
    feeds_polled += other.feeds_polled;
    feeds_failed += other.feeds_failed;
    new_entries += other.new_entries;
    articles_stored += other.articles_stored;
    articles_unchanged += other.articles_unchanged;
    articles_failed += other.articles_failed;
    pages_not_articles += other.pages_not_articles;
    storage_failures += other.storage_failures;
    failures.insert(failures.end(), other.failures.begin(), other.failures.end());
    deferred.insert(deferred.end(), other.deferred.begin(), other.deferred.end());
}

std::string ReextractReport::summary() const
{
    return fmt::format("re-extracted: {} new revisions, {} unchanged, {} failed", revised, unchanged, failures.size());
}

} // namespace feedkeeper::crawl

// store/archive_sites.cpp — per-host block counts that site-level boilerplate learning feeds on.
// Threading: as Archive.
#include "store/archive_sites.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

namespace {

// A block seen on one page and not again within this long is prose, not template: its row goes.
// Template blocks recur within days; half a year also covers a quiet site's yearly appeals.
constexpr std::int64_t single_page_block_lifetime = 183 * 86400;
// The sweep runs once per this many new pages of a host; through site_blocks_single it reads only
// the rows it deletes.
constexpr std::int64_t sweep_every_pages = 256;

} // namespace

void record_site_blocks(Archive::Impl& impl, const std::string& host, const std::string& page_key, const std::vector<std::uint64_t>& fingerprints, Timestamp now)
{
    if (host.empty() || fingerprints.empty())
        return;
    {
        auto page = impl.statement("INSERT INTO site_pages (host, page_key, seen_at) VALUES (:host, :key, :now) ON CONFLICT DO NOTHING");
        page->bind(":host", host);
        page->bind(":key", page_key);
        page->bind(":now", static_cast<std::int64_t>(seconds(now)));
        if (page->exec() == 0)
            return; // counted when this page was first seen: a re-fetch must not inflate the counts
    }
    const auto seen_at = static_cast<std::int64_t>(seconds(now));
    std::int64_t host_pages = 0;
    {
        auto count = impl.statement("INSERT INTO site_hosts (host, pages) VALUES (:host, 1) ON CONFLICT (host) DO UPDATE SET pages = site_hosts.pages + 1 RETURNING pages");
        count->bind(":host", host);
        if (count->executeStep())
            host_pages = count->getColumn(0).getInt64();
    }
    for (std::uint64_t fingerprint : fingerprints) {
        auto block = impl.statement(
            "INSERT INTO site_blocks (host, fingerprint, pages, seen_at) VALUES (:host, :fingerprint, 1, :now)"
            " ON CONFLICT (host, fingerprint) DO UPDATE SET pages = site_blocks.pages + 1, seen_at = max(site_blocks.seen_at, :now)");
        block->bind(":host", host);
        block->bind(":fingerprint", static_cast<std::int64_t>(fingerprint));
        block->bind(":now", seen_at);
        block->exec();
    }
    if (host_pages % sweep_every_pages == 0) {
        auto sweep = impl.statement(impl.dialect("DELETE FROM site_blocks INDEXED BY site_blocks_single WHERE host = :host AND pages = 1 AND seen_at < :cutoff",
            "DELETE FROM site_blocks WHERE host = :host AND pages = 1 AND seen_at < :cutoff"));
        sweep->bind(":host", host);
        sweep->bind(":cutoff", seen_at - single_page_block_lifetime);
        sweep->exec();
    }
}

Result<SiteProfile> Archive::Sites::profile(const std::string& host)
{
    try {
        // Read before every article of the host: the page count is a kept counter and the blocks
        // come from the partial index of recurring ones, never a scan of the host's pages.
        SiteProfile profile;
        profile.host = host;
        {
            auto pages = m_impl->statement("SELECT pages FROM site_hosts WHERE host = :host");
            pages->bind(":host", host);
            if (pages->executeStep())
                profile.pages = pages->getColumn(0).getInt64();
        }
        auto blocks = m_impl->statement(m_impl->dialect("SELECT fingerprint, pages FROM site_blocks INDEXED BY site_blocks_recurring WHERE host = :host AND pages >= 2",
            "SELECT fingerprint, pages FROM site_blocks WHERE host = :host AND pages >= 2"));
        blocks->bind(":host", host);
        while (blocks->executeStep())
            profile.block_pages[static_cast<std::uint64_t>(blocks->getColumn(0).getInt64())] = blocks->getColumn(1).getInt64();
        return profile;
    } catch (const db::Error& exception) {
        return to_error(exception, "reading the site profile of " + host);
    }
}

} // namespace feedkeeper::store

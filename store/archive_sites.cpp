// store/archive_sites.cpp — per-host block counts that site-level boilerplate learning feeds on,
// and the walk over stored captures that `reextract` uses. Threading: as Archive.
#include "store/archive_sites.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {

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
    {
        auto count = impl.statement("INSERT INTO site_hosts (host, pages) VALUES (:host, 1) ON CONFLICT (host) DO UPDATE SET pages = pages + 1");
        count->bind(":host", host);
        count->exec();
    }
    for (std::uint64_t fingerprint : fingerprints) {
        auto block = impl.statement(
            "INSERT INTO site_blocks (host, fingerprint, pages) VALUES (:host, :fingerprint, 1)"
            " ON CONFLICT (host, fingerprint) DO UPDATE SET pages = pages + 1");
        block->bind(":host", host);
        block->bind(":fingerprint", static_cast<std::int64_t>(fingerprint));
        block->exec();
    }
}

Result<SiteProfile> Archive::site_profile(const std::string& host)
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
        auto blocks = m_impl->statement("SELECT fingerprint, pages FROM site_blocks INDEXED BY site_blocks_recurring WHERE host = :host AND pages >= 2");
        blocks->bind(":host", host);
        while (blocks->executeStep())
            profile.block_pages[static_cast<std::uint64_t>(blocks->getColumn(0).getInt64())] = blocks->getColumn(1).getInt64();
        return profile;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "reading the site profile of " + host);
    }
}

Result<std::vector<StoredCapture>> Archive::latest_captures(const std::string& host, std::int64_t after_article, std::size_t limit)
{
    try {
        // Two statements so each uses its index: articles_host for one host, the rowid otherwise.
        auto query = host.empty()
            ? m_impl->statement(
                "SELECT a.id, a.url, (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id AND c.body_dropped_at IS NULL) AS capture"
                " FROM articles a WHERE a.id > :after AND capture IS NOT NULL ORDER BY a.id LIMIT :limit")
            : m_impl->statement(
                "SELECT a.id, a.url, (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id AND c.body_dropped_at IS NULL) AS capture"
                " FROM articles a WHERE a.host = :host AND a.id > :after AND capture IS NOT NULL ORDER BY a.id LIMIT :limit");
        query->bind(":after", static_cast<std::int64_t>(after_article));
        if (!host.empty())
            query->bind(":host", host);
        query->bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<StoredCapture> captures;
        while (query->executeStep())
            captures.push_back({ query->getColumn(0).getInt64(), column_text(query->getColumn(1)), query->getColumn(2).getInt64() });
        return captures;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "listing stored captures");
    }
}

} // namespace feedkeeper::store

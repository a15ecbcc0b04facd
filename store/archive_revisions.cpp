// store/archive_revisions.cpp — storing an extracted article: identity, revisions, duplicates,
// and the per-host block counts that site-level boilerplate learning feeds on.
// Threading: as Archive. One IMMEDIATE transaction per article, so a kill leaves either all of
// it (capture, article, revision, entry link, job done) or none.
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"
#include "core/url.hpp"
#include "store/simhash.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::store {
namespace {

struct ExistingArticle {
    std::int64_t id = 0;
    std::int64_t revisions = 0;
    std::string content_sha256;
    std::optional<std::int64_t> story_id;
};

std::optional<ExistingArticle> find_article(Archive::Impl& impl, const std::vector<std::string>& keys)
{
    for (const std::string& key : keys) {
        auto& query = impl.statement("SELECT id, revision_count, content_sha256, story_id FROM articles WHERE normalized_url = :key");
        query.bind(":key", key);
        std::optional<ExistingArticle> found;
        if (query.executeStep())
            found = ExistingArticle { query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), column_text(query.getColumn(2)), column_int(query.getColumn(3)) };
        query.reset();
        if (found)
            return found;
    }
    return std::nullopt;
}

// The story an article belongs to: an exact or near duplicate elsewhere in the archive.
std::optional<std::int64_t> find_story(Archive::Impl& impl, std::int64_t article_id, const std::string& sha, std::uint64_t hash, std::optional<std::int64_t>& duplicate_of)
{
    auto& exact = impl.statement("SELECT id, coalesce(story_id, id) FROM articles WHERE content_sha256 = :sha AND id != :id ORDER BY id LIMIT 1");
    exact.bind(":sha", sha);
    exact.bind(":id", static_cast<std::int64_t>(article_id));
    std::optional<std::int64_t> story;
    if (exact.executeStep()) {
        duplicate_of = exact.getColumn(0).getInt64();
        story = exact.getColumn(1).getInt64();
    }
    exact.reset();
    if (story || hash == 0)
        return story;
    for (int band = 0; band < 4 && !story; ++band) {
        auto& near = impl.statement(
            "SELECT a.id, coalesce(a.story_id, a.id), a.simhash FROM simhash_bands b JOIN articles a ON a.id = b.article_id"
            " WHERE b.band = :band AND b.value = :value AND b.article_id != :id LIMIT 64");
        near.bind(":band", band);
        near.bind(":value", static_cast<std::int64_t>((hash >> (16 * band)) & 0xFFFF));
        near.bind(":id", static_cast<std::int64_t>(article_id));
        while (near.executeStep()) {
            const auto other = static_cast<std::uint64_t>(near.getColumn(2).getInt64());
            if (hamming_distance(other, hash) <= near_duplicate_bits) {
                story = near.getColumn(1).getInt64();
                break;
            }
        }
        near.reset();
    }
    return story;
}

void index_simhash(Archive::Impl& impl, std::int64_t article_id, std::uint64_t hash)
{
    auto& clear = impl.statement("DELETE FROM simhash_bands WHERE article_id = :id");
    clear.bind(":id", static_cast<std::int64_t>(article_id));
    clear.exec();
    clear.reset();
    if (hash == 0)
        return;
    for (int band = 0; band < 4; ++band) {
        auto& insert = impl.statement("INSERT OR IGNORE INTO simhash_bands (band, value, article_id) VALUES (:band, :value, :id)");
        insert.bind(":band", band);
        insert.bind(":value", static_cast<std::int64_t>((hash >> (16 * band)) & 0xFFFF));
        insert.bind(":id", static_cast<std::int64_t>(article_id));
        insert.exec();
        insert.reset();
    }
}

void record_site_blocks(Archive::Impl& impl, const std::string& host, const std::string& page_key, const std::vector<std::uint64_t>& fingerprints, Timestamp now)
{
    if (host.empty() || fingerprints.empty())
        return;
    auto& page = impl.statement("INSERT OR IGNORE INTO site_pages (host, page_key, seen_at) VALUES (:host, :key, :now)");
    page.bind(":host", host);
    page.bind(":key", page_key);
    page.bind(":now", static_cast<std::int64_t>(seconds(now)));
    const int inserted = page.exec();
    page.reset();
    if (inserted == 0)
        return; // counted when this page was first seen: a re-fetch must not inflate the counts
    for (std::uint64_t fingerprint : fingerprints) {
        auto& block = impl.statement(
            "INSERT INTO site_blocks (host, fingerprint, pages) VALUES (:host, :fingerprint, 1)"
            " ON CONFLICT (host, fingerprint) DO UPDATE SET pages = pages + 1");
        block.bind(":host", host);
        block.bind(":fingerprint", static_cast<std::int64_t>(fingerprint));
        block.exec();
        block.reset();
    }
}

// The keys an article may already be archived under, the preferred one first: its canonical URL
// when that is a plausible article address on the same host (not the home page), then the
// address it was fetched from, then the link that led to it; all normalised.
std::vector<std::string> identity_keys(const ArticleInput& input, const std::string& fetched_url)
{
    std::vector<std::string> keys;
    const auto add = [&keys](std::string key) {
        if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(std::move(key));
    };
    const std::string& canonical = input.page.canonical_url;
    if (is_http_url(canonical)) {
        auto strip_www = [](std::string host) { return host.starts_with("www.") ? host.substr(4) : host; };
        const std::string normalized = normalize_url(canonical);
        const auto path_start = normalized.find('/', normalized.find("//") + 2);
        const bool has_path = path_start != std::string::npos && path_start + 1 < normalized.size();
        if (has_path && strip_www(url_host(canonical)) == strip_www(url_host(fetched_url)))
            add(normalized);
    }
    add(normalize_url(fetched_url));
    if (!input.requested_url.empty())
        add(normalize_url(input.requested_url));
    return keys;
}

} // namespace

Result<ArticleSaveResult> Archive::save_article(const ArticleInput& input)
{
    const std::string fetched_url = input.response.final_url.empty() ? input.requested_url : input.response.final_url;
    try {
        SQLite::Transaction transaction(m_impl->db, SQLite::TransactionBehavior::IMMEDIATE);
        Archive::Impl& impl = *m_impl;
        const Timestamp now = input.response.fetched_at == Timestamp {} ? now_utc() : input.response.fetched_at;

        // Capture first: whatever the page turns out to be, its bytes are kept.
        Result<std::int64_t> capture_id = input.capture_id ? Result<std::int64_t>(*input.capture_id) : save_capture(input.response, "article");
        if (!capture_id)
            return capture_id.error();

        const ExtractedPage& page = input.page;
        const std::vector<std::string> keys = identity_keys(input, fetched_url);
        const std::string& key = keys.front();
        const std::optional<ExistingArticle> existing = find_article(impl, keys);
        const bool is_article = page.status == PageStatus::article && !page.body.empty();
        const std::string sha = is_article ? sha256_hex(page.body) : std::string();
        const std::string host = url_host(fetched_url);

        ArticleSaveResult result;
        if (existing) {
            result.article_id = existing->id;
            result.revision = existing->revisions;
        } else {
            auto& insert = impl.statement(
                "INSERT INTO articles (normalized_url, url, canonical_url, host, status, http_status, first_seen, last_seen)"
                " VALUES (:key, :url, :canonical, :host, :status, :http, :now, :now)");
            insert.bind(":key", key);
            insert.bind(":url", fetched_url);
            bind_text_or_null(insert, ":canonical", page.canonical_url);
            insert.bind(":host", host);
            insert.bind(":status", std::string(to_string(page.status)));
            insert.bind(":http", static_cast<std::int64_t>(input.response.status));
            insert.bind(":now", static_cast<std::int64_t>(seconds(now)));
            insert.exec();
            insert.reset();
            result.article_id = impl.db.getLastInsertRowid();
        }

        const bool changed = is_article && (!existing || existing->content_sha256 != sha);
        if (changed) {
            result.revision += 1;
            result.change = existing ? ArticleChange::revised : ArticleChange::created;
            auto& revision = impl.statement(
                "INSERT INTO revisions (article_id, revision, capture_id, fetched_at, title, author, published, modified, language,"
                " site_name, canonical_url, categories, lead_image, body, body_html, content_sha256)"
                " VALUES (:article, :revision, :capture, :fetched, :title, :author, :published, :modified, :language,"
                " :site_name, :canonical, :categories, :image, :body, :html, :sha)");
            revision.bind(":article", static_cast<std::int64_t>(result.article_id));
            revision.bind(":revision", static_cast<std::int64_t>(result.revision));
            revision.bind(":capture", static_cast<std::int64_t>(*capture_id));
            revision.bind(":fetched", static_cast<std::int64_t>(seconds(now)));
            bind_text_or_null(revision, ":title", page.title);
            bind_text_or_null(revision, ":author", page.author);
            bind_time(revision, ":published", page.published);
            bind_time(revision, ":modified", page.modified);
            bind_text_or_null(revision, ":language", page.language);
            bind_text_or_null(revision, ":site_name", page.site_name);
            bind_text_or_null(revision, ":canonical", page.canonical_url);
            revision.bind(":categories", strings_to_json(page.categories));
            bind_text_or_null(revision, ":image", page.lead_image);
            revision.bind(":body", page.body);
            revision.bind(":html", page.body_html);
            revision.bind(":sha", sha);
            revision.exec();
            revision.reset();
        } else if (is_article) {
            result.change = ArticleChange::unchanged;
        }

        std::optional<std::int64_t> story = existing ? existing->story_id : std::nullopt;
        const std::uint64_t hash = changed ? simhash(page.body) : 0;
        if (changed) {
            story = find_story(impl, result.article_id, sha, hash, result.duplicate_of);
            index_simhash(impl, result.article_id, hash);
        }
        auto& update = impl.statement(
            "UPDATE articles SET last_seen = :now, last_fetched = :now, url = :url, status = :status, http_status = :http,"
            " canonical_url = coalesce(:canonical, canonical_url), gone_at = NULL,"
            " revision_count = :revisions, content_sha256 = coalesce(:sha, content_sha256),"
            " last_changed = CASE WHEN :changed THEN :now ELSE last_changed END,"
            " simhash = CASE WHEN :changed THEN :simhash ELSE simhash END, story_id = :story, checks = checks + 1"
            " WHERE id = :id");
        update.bind(":now", static_cast<std::int64_t>(seconds(now)));
        update.bind(":url", fetched_url);
        update.bind(":status", std::string(to_string(page.status)));
        update.bind(":http", static_cast<std::int64_t>(input.response.status));
        bind_text_or_null(update, ":canonical", page.canonical_url);
        update.bind(":revisions", static_cast<std::int64_t>(result.revision));
        bind_text_or_null(update, ":sha", sha);
        update.bind(":changed", changed ? 1 : 0);
        update.bind(":simhash", static_cast<std::int64_t>(hash));
        if (story)
            update.bind(":story", static_cast<std::int64_t>(*story));
        else
            update.bind(":story");
        update.bind(":id", static_cast<std::int64_t>(result.article_id));
        update.exec();
        update.reset();

        auto& own = impl.statement("UPDATE captures SET article_id = :article WHERE id = :capture");
        own.bind(":article", static_cast<std::int64_t>(result.article_id));
        own.bind(":capture", static_cast<std::int64_t>(*capture_id));
        own.exec();
        own.reset();
        if (input.entry_id) {
            auto& link = impl.statement("UPDATE entries SET article_id = :article WHERE id = :entry");
            link.bind(":article", static_cast<std::int64_t>(result.article_id));
            link.bind(":entry", static_cast<std::int64_t>(*input.entry_id));
            link.exec();
            link.reset();
        }
        if (input.job_id) {
            auto& done = impl.statement("UPDATE jobs SET state = 'done', attempts = attempts + 1, updated_at = :now WHERE id = :id");
            done.bind(":now", static_cast<std::int64_t>(seconds(now)));
            done.bind(":id", static_cast<std::int64_t>(*input.job_id));
            done.exec();
            done.reset();
        }
        record_site_blocks(impl, host, key, page.block_fingerprints, now);
        transaction.commit();
        return result;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "storing the article " + fetched_url);
    }
}

Result<bool> Archive::mark_gone(const std::string& url, long http_status, Timestamp when)
{
    try {
        auto& update = m_impl->statement(
            "UPDATE articles SET gone_at = coalesce(gone_at, :when), http_status = :status, last_fetched = :when"
            " WHERE normalized_url = :key");
        update.bind(":when", static_cast<std::int64_t>(seconds(when)));
        update.bind(":status", static_cast<std::int64_t>(http_status));
        update.bind(":key", normalize_url(url));
        const int changed = update.exec();
        update.reset();
        return changed > 0;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "recording that " + url + " is gone");
    }
}

Result<std::vector<StoredCapture>> Archive::latest_captures(const std::string& host, std::int64_t after_article, std::size_t limit)
{
    try {
        auto& query = m_impl->statement(
            "SELECT a.id, a.url, (SELECT max(c.id) FROM captures c WHERE c.article_id = a.id) AS capture FROM articles a"
            " WHERE a.id > :after AND (:host = '' OR a.host = :host) AND capture IS NOT NULL ORDER BY a.id LIMIT :limit");
        query.bind(":after", static_cast<std::int64_t>(after_article));
        query.bind(":host", host);
        query.bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<StoredCapture> captures;
        while (query.executeStep())
            captures.push_back({ query.getColumn(0).getInt64(), column_text(query.getColumn(1)), query.getColumn(2).getInt64() });
        query.reset();
        return captures;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "listing stored captures");
    }
}

Result<SiteProfile> Archive::site_profile(const std::string& host)
{
    try {
        SiteProfile profile;
        profile.host = host;
        auto& pages = m_impl->statement("SELECT count(*) FROM site_pages WHERE host = :host");
        pages.bind(":host", host);
        if (pages.executeStep())
            profile.pages = pages.getColumn(0).getInt64();
        pages.reset();
        auto& blocks = m_impl->statement("SELECT fingerprint, pages FROM site_blocks WHERE host = :host AND pages >= 2");
        blocks.bind(":host", host);
        while (blocks.executeStep())
            profile.block_pages[static_cast<std::uint64_t>(blocks.getColumn(0).getInt64())] = blocks.getColumn(1).getInt64();
        blocks.reset();
        return profile;
    } catch (const SQLite::Exception& exception) {
        return to_error(exception, "reading the site profile of " + host);
    }
}

} // namespace feedkeeper::store

// store/archive_revisions.cpp — storing an extracted article: identity, revisions, duplicates.
// Threading: as Archive. One IMMEDIATE transaction per article, so a kill leaves either all of
// it (capture, article, keys, revision, entry links, site counts, job removed) or none of it.
#include "store/archive_impl.hpp"

#include "core/sha256.hpp"
#include "core/url.hpp"
#include "store/archive_sites.hpp"
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
    Timestamp first_seen {};
    std::string record_status; // the current revision's
    std::string record_sha256;
};

std::optional<ExistingArticle> find_existing(Archive::Impl& impl, const std::vector<std::string>& keys)
{
    for (const std::string& key : keys) {
        auto query = impl.statement(
            "SELECT a.id, a.revision_count, a.content_sha256, a.story_id, a.first_seen, r.status, r.content_sha256"
            " FROM article_keys k JOIN articles a ON a.id = k.article_id"
            " LEFT JOIN revisions r ON r.article_id = a.id AND r.revision = a.revision_count WHERE k.key = :key");
        query->bind(":key", key);
        if (query->executeStep())
            return ExistingArticle { query->getColumn(0).getInt64(), query->getColumn(1).getInt64(), column_text(query->getColumn(2)),
                column_int(query->getColumn(3)), column_time(query->getColumn(4)).value_or(Timestamp {}), column_text(query->getColumn(5)),
                column_text(query->getColumn(6)) };
    }
    return std::nullopt;
}

// The story an article belongs to: an exact or near duplicate elsewhere in the archive.
std::optional<std::int64_t> find_story(Archive::Impl& impl, std::int64_t article_id, const std::string& sha, std::uint64_t hash, std::optional<std::int64_t>& duplicate_of)
{
    {
        auto exact = impl.statement("SELECT id, coalesce(story_id, id) FROM articles WHERE content_sha256 = :sha AND id != :id ORDER BY id LIMIT 1");
        exact->bind(":sha", sha);
        exact->bind(":id", static_cast<std::int64_t>(article_id));
        if (exact->executeStep()) {
            duplicate_of = exact->getColumn(0).getInt64();
            return exact->getColumn(1).getInt64();
        }
    }
    if (hash == 0)
        return std::nullopt;
    for (int band = 0; band < 4; ++band) {
        auto near = impl.statement(
            "SELECT a.id, coalesce(a.story_id, a.id), a.simhash FROM simhash_bands b JOIN articles a ON a.id = b.article_id"
            " WHERE b.band = :band AND b.value = :value AND b.article_id != :id LIMIT 64");
        near->bind(":band", band);
        near->bind(":value", static_cast<std::int64_t>((hash >> (16 * band)) & 0xFFFF));
        near->bind(":id", static_cast<std::int64_t>(article_id));
        while (near->executeStep()) {
            const auto other = static_cast<std::uint64_t>(near->getColumn(2).getInt64());
            if (hamming_distance(other, hash) <= near_duplicate_bits)
                return near->getColumn(1).getInt64();
        }
    }
    return std::nullopt;
}

void index_simhash(Archive::Impl& impl, std::int64_t article_id, std::uint64_t hash)
{
    {
        auto clear = impl.statement("DELETE FROM simhash_bands WHERE article_id = :id");
        clear->bind(":id", static_cast<std::int64_t>(article_id));
        clear->exec();
    }
    if (hash == 0)
        return;
    for (int band = 0; band < 4; ++band) {
        auto insert = impl.statement("INSERT INTO simhash_bands (band, value, article_id) VALUES (:band, :value, :id) ON CONFLICT DO NOTHING");
        insert->bind(":band", band);
        insert->bind(":value", static_cast<std::int64_t>((hash >> (16 * band)) & 0xFFFF));
        insert->bind(":id", static_cast<std::int64_t>(article_id));
        insert->exec();
    }
}

// The keys an article may already be archived under, the preferred one first: its canonical URL
// when that is a plausible article address on the same site (not the home page), then the
// address it was fetched from, then the link that led to it; all normalised.
std::vector<std::string> identity_keys(const ArticleInput& input, const std::string& fetched_url)
{
    std::vector<std::string> keys;
    const auto add = [&keys](std::string key) {
        if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(std::move(key));
    };
    const auto has_path = [](const std::string& normalized) {
        const auto path_start = normalized.find('/', normalized.find("//") + 2);
        return path_start != std::string::npos && path_start + 1 < normalized.size();
    };
    // Addresses other than the link itself identify the page only when it is an article with a
    // path of its own: soft 404s and paywalls that send every link to "/" or "/login", and such
    // pages' canonical URLs, must not merge distinct links into one article.
    const bool article = input.page.status == PageStatus::article && !input.page.body.empty();
    const std::string& canonical = input.page.canonical_url;
    if (article && is_http_url(canonical)) {
        const std::string normalized = normalize_url(canonical);
        if (has_path(normalized) && same_site(canonical, fetched_url))
            add(normalized);
    }
    const std::string fetched_key = normalize_url(fetched_url);
    const std::string requested_key = input.requested_url.empty() ? std::string() : normalize_url(input.requested_url);
    if (requested_key.empty() || fetched_key == requested_key || (article && has_path(fetched_key)))
        add(fetched_key);
    add(requested_key);
    return keys;
}

// The text a record keeps: the page's, else the item's own from its feed (a consent wall, an error
// page: their boilerplate is never a body), else none.
struct RecordBody {
    const std::string* body = nullptr;
    const std::string* body_html = nullptr;
    BodySource source = BodySource::none;
    std::string sha256;
};

void insert_revision(Archive::Impl& impl, const ExtractedPage& page, const RecordBody& text, std::int64_t article_id, std::int64_t revision,
    std::int64_t capture_id, Timestamp now)
{
    auto insert = impl.statement(
        "INSERT INTO revisions (article_id, revision, capture_id, fetched_at, title, author, published, modified, language,"
        " site_name, canonical_url, categories, lead_image, body, body_html, content_sha256, status, body_source)"
        " VALUES (:article, :revision, :capture, :fetched, :title, :author, :published, :modified, :language,"
        " :site_name, :canonical_url, :categories, :lead_image, :body, :html, :sha, :status, :source)");
    insert->bind(":article", static_cast<std::int64_t>(article_id));
    insert->bind(":revision", static_cast<std::int64_t>(revision));
    insert->bind(":capture", static_cast<std::int64_t>(capture_id));
    insert->bind(":fetched", static_cast<std::int64_t>(seconds(now)));
    bind_metadata(insert, page);
    insert->bindNoCopy(":body", *text.body);
    insert->bindNoCopy(":html", *text.body_html);
    insert->bind(":sha", text.sha256);
    insert->bind(":status", std::string(to_string(record_status(page.status))));
    insert->bind(":source", std::string(to_string(text.source)));
    insert->exec();
}

// The item's own text, for a page that has none: the entry the job was for, else one linked to the
// article, else one waiting for one of its addresses. False when none has a text.
bool feed_body(Archive::Impl& impl, const ArticleInput& input, std::optional<std::int64_t> article_id, const std::vector<std::string>& keys, FeedBody& feed_body)
{
    const auto read = [&feed_body](CachedStatement& query) {
        if (!query->executeStep())
            return false;
        feed_body.body = column_text(query->getColumn(0));
        feed_body.body_html = column_text(query->getColumn(1));
        feed_body.source = body_source_from_string(column_text(query->getColumn(2))).value_or(BodySource::none);
        return !feed_body.body.empty() && feed_body.source != BodySource::none;
    };
    if (input.entry_id) {
        auto query = impl.statement("SELECT body, body_html, body_source FROM entries WHERE id = :id");
        query->bind(":id", static_cast<std::int64_t>(*input.entry_id));
        if (read(query))
            return true;
    }
    if (article_id) {
        auto query = impl.statement("SELECT body, body_html, body_source FROM entries WHERE article_id = :id AND body IS NOT NULL ORDER BY id LIMIT 1");
        query->bind(":id", static_cast<std::int64_t>(*article_id));
        if (read(query))
            return true;
    }
    for (const std::string& key : keys) {
        auto query = impl.statement("SELECT body, body_html, body_source FROM entries WHERE link_key = :key AND article_id IS NULL AND body IS NOT NULL ORDER BY id LIMIT 1");
        query->bind(":key", key);
        if (read(query))
            return true;
    }
    return false;
}

// Every address of the article maps to it; entries waiting for one of them are linked to it.
void link_keys_and_entries(Archive::Impl& impl, std::int64_t article_id, const std::vector<std::string>& keys, std::optional<std::int64_t> entry_id)
{
    for (const std::string& key : keys) {
        auto map = impl.statement("INSERT INTO article_keys (key, article_id) VALUES (:key, :article) ON CONFLICT DO NOTHING");
        map->bind(":key", key);
        map->bind(":article", static_cast<std::int64_t>(article_id));
        map->exec();
        auto link = impl.statement("UPDATE entries SET article_id = :article WHERE link_key = :key AND article_id IS NULL");
        link->bind(":article", static_cast<std::int64_t>(article_id));
        link->bind(":key", key);
        link->exec();
    }
    if (entry_id) {
        auto link = impl.statement("UPDATE entries SET article_id = :article WHERE id = :entry AND article_id IS NULL");
        link->bind(":article", static_cast<std::int64_t>(article_id));
        link->bind(":entry", static_cast<std::int64_t>(*entry_id));
        link->exec();
    }
}

// The first of first_seen + ages still ahead of `now`; none when every age has passed.
std::optional<Timestamp> next_check(Timestamp first_seen, const std::vector<std::chrono::seconds>& ages, Timestamp now)
{
    for (const auto age : ages)
        if (first_seen + age > now)
            return first_seen + age;
    return std::nullopt;
}

} // namespace

PreparedArticle Archive::Articles::prepare(ArticleInput input)
{
    PreparedArticle prepared;
    prepared.fetched_url = input.response.final_url.empty() ? input.requested_url : input.response.final_url;
    prepared.fetched_at = input.response.fetched_at == Timestamp {} ? now_utc() : input.response.fetched_at;
    if (!input.capture_id) {
        prepared.capture = prepare_capture(input.response, "article");
        // Compressed now: the decoded page need not wait for the writer (a crawl keeps many
        // prepared articles queued for it).
        std::string().swap(input.response.body);
    }
    prepared.keys = identity_keys(input, prepared.fetched_url);
    prepared.is_article = input.page.status == PageStatus::article && !input.page.body.empty();
    if (!input.page.body.empty())
        prepared.sha256 = sha256_hex(input.page.body);
    if (prepared.is_article)
        prepared.simhash = simhash(input.page.body);
    prepared.host = url_host(prepared.fetched_url);
    prepared.input = std::move(input);
    return prepared;
}

namespace {

// Writes one prepared article inside the caller's transaction. Throws db::Error.
ArticleSaveResult write_article(Archive::Impl& impl, const PreparedArticle& prepared)
{
    const ArticleInput& input = prepared.input;
    const ExtractedPage& page = input.page;
    const Timestamp now = prepared.fetched_at;
    const std::vector<std::string>& keys = prepared.keys;
    // Capture first: whatever the page turns out to be, its bytes are kept.
    const std::int64_t capture_id = prepared.capture ? insert_capture(impl, input.response, *prepared.capture) : *input.capture_id;
    const std::optional<ExistingArticle> existing = find_existing(impl, keys);

    ArticleSaveResult result;
    if (existing) {
        result.article_id = existing->id;
        result.revision = existing->revisions;
    } else {
        auto insert = impl.statement(
            "INSERT INTO articles (normalized_url, url, canonical_url, host, status, http_status, first_seen, last_seen)"
            " VALUES (:key, :url, :canonical, :host, :status, :http, :now, :now)");
        insert->bind(":key", keys.front());
        insert->bind(":url", prepared.fetched_url);
        bind_text_or_null(insert, ":canonical", page.canonical_url);
        insert->bind(":host", prepared.host);
        insert->bind(":status", std::string(to_string(page.status)));
        insert->bind(":http", static_cast<std::int64_t>(input.response.status));
        insert->bind(":now", static_cast<std::int64_t>(seconds(now)));
        insert->exec();
        result.article_id = impl.db.getLastInsertRowid();
    }

    // Every stored page is a record revision. A page that is no article keeps the item's own text
    // from its feed; it is a new revision while the record has no article yet and its status or
    // text changed. Once the record holds an article, a later fetch that finds none (a paywall
    // put up, a consent wall without its cookie) is noted on the article, not made its current text.
    FeedBody from_feed;
    RecordBody text { &page.body, &page.body_html, BodySource::page, prepared.sha256 };
    if (page.body.empty()) {
        text = { &from_feed.body, &from_feed.body_html, BodySource::none, {} };
        if (feed_body(impl, input, existing ? std::optional(existing->id) : std::nullopt, keys, from_feed))
            text.source = from_feed.source;
        text.sha256 = sha256_hex(*text.body);
    }
    const std::string status(to_string(record_status(page.status)));
    const bool first = !existing || existing->revisions == 0;
    const bool changed = prepared.is_article
        ? first || existing->record_status != status || existing->record_sha256 != text.sha256
        : first || (existing->record_status != "article" && (existing->record_status != status || existing->record_sha256 != text.sha256));
    const std::string& sha = prepared.is_article ? prepared.sha256 : std::string();
    std::optional<std::int64_t> story = existing ? existing->story_id : std::nullopt;
    if (changed) {
        result.revision += 1;
        result.change = existing ? ArticleChange::revised : ArticleChange::created;
        insert_revision(impl, page, text, result.article_id, result.revision, capture_id, now);
        if (prepared.is_article) {
            // A revised text may join a story; once linked, an article stays in its story.
            if (auto found = find_story(impl, result.article_id, sha, prepared.simhash, result.duplicate_of))
                story = found;
            index_simhash(impl, result.article_id, prepared.simhash);
        }
    } else {
        result.change = ArticleChange::unchanged;
    }

    // `now` may lie in the past (reextract of an old capture): times only move forward.
    auto update = impl.statement(
        "UPDATE articles SET last_seen = max(last_seen, :now), last_fetched = max(coalesce(last_fetched, 0), :now),"
        " url = CASE WHEN :now >= coalesce(last_fetched, 0) THEN :url ELSE url END,"
        " http_status = CASE WHEN :now >= coalesce(last_fetched, 0) THEN :http ELSE http_status END,"
        " status = :status, canonical_url = coalesce(:canonical, canonical_url),"
        " gone_at = CASE WHEN gone_at > :now THEN gone_at ELSE NULL END,"
        " revision_count = :revisions, content_sha256 = coalesce(:sha, content_sha256),"
        " last_changed = CASE WHEN :changed = 1 THEN :now ELSE last_changed END,"
        " simhash = CASE WHEN :changed = 1 THEN :simhash ELSE simhash END, story_id = :story, checks = checks + 1,"
        " next_check = CASE WHEN :schedule = 1 THEN :next_check ELSE next_check END"
        " WHERE id = :id");
    update->bind(":now", static_cast<std::int64_t>(seconds(now)));
    update->bind(":url", prepared.fetched_url);
    update->bind(":status", std::string(to_string(page.status)));
    update->bind(":http", static_cast<std::int64_t>(input.response.status));
    bind_text_or_null(update, ":canonical", page.canonical_url);
    update->bind(":revisions", static_cast<std::int64_t>(result.revision));
    bind_text_or_null(update, ":sha", sha);
    update->bind(":changed", changed ? 1 : 0);
    update->bind(":simhash", static_cast<std::int64_t>(prepared.simhash));
    bind_int_or_null(update, ":story", story);
    // A fetched article's next revision check, in this transaction: a kill or a busy archive
    // cannot leave it stored without one. Re-extraction (no ages) leaves the schedule alone.
    const bool schedule = prepared.is_article && !input.recheck_ages.empty();
    update->bind(":schedule", schedule ? 1 : 0);
    bind_time(update, ":next_check", schedule ? next_check(existing ? existing->first_seen : now, input.recheck_ages, now_utc()) : std::nullopt);
    update->bind(":id", static_cast<std::int64_t>(result.article_id));
    update->exec();

    auto own = impl.statement("UPDATE captures SET article_id = :article WHERE id = :capture");
    own->bind(":article", static_cast<std::int64_t>(result.article_id));
    own->bind(":capture", static_cast<std::int64_t>(capture_id));
    own->exec();
    link_keys_and_entries(impl, result.article_id, keys, input.entry_id);
    if (input.job_id) {
        // Done: the job leaves the queue in the same transaction that stored its result.
        auto done = impl.statement("DELETE FROM jobs WHERE id = :id");
        done->bind(":id", static_cast<std::int64_t>(*input.job_id));
        done->exec();
    }
    record_site_blocks(impl, prepared.host, keys.front(), page.block_fingerprints, now);
    return result;
}

} // namespace

Result<ArticleSaveResult> Archive::Articles::save(const ArticleInput& input)
{
    // Pure work first (hashing, compressing, normalising), so the write lock is held briefly.
    const PreparedArticle prepared = prepare(input);
    auto saved = save_many({ &prepared });
    if (!saved)
        return saved.error();
    return std::move(saved->front());
}

void index_revisions(Archive::Impl& impl)
{
    if (impl.db.backend() != db::Backend::sqlite)
        return;
    // Removals first: an external-content 'delete' reads the text it indexed from `revisions`.
    impl.db.exec("INSERT INTO revisions_fts (revisions_fts, rowid, title, body)"
                 " SELECT 'delete', r.id, r.title, r.body FROM fts_changes c JOIN revisions r ON r.id = c.revision_id WHERE c.change = 'remove'");
    impl.db.exec("INSERT INTO revisions_fts (rowid, title, body)"
                 " SELECT r.id, r.title, r.body FROM fts_changes c JOIN revisions r ON r.id = c.revision_id WHERE c.change = 'add'");
    impl.db.exec("DELETE FROM fts_changes");
}

Result<std::vector<Result<ArticleSaveResult>>> Archive::Articles::save_many(const std::vector<const PreparedArticle*>& articles)
{
    std::vector<Result<ArticleSaveResult>> results;
    results.reserve(articles.size());
    try {
        Archive::Impl& impl = *m_impl;
        db::Transaction transaction(impl.db);
        for (const PreparedArticle* prepared : articles) {
            // Each article in a savepoint: one that fails (a constraint, a bug) is undone alone.
            // A full disk fails the commit below instead, and with it every article of the batch.
            results.push_back(write_in_savepoint(
                impl.db, [&] { return write_article(impl, *prepared); }, [&] { return "storing the article " + prepared->fetched_url; }));
        }
        index_revisions(impl);
        transaction.commit();
        return results;
    } catch (const db::Error& exception) {
        return to_error(exception, articles.size() == 1 ? "storing the article " + articles.front()->fetched_url
                                                        : fmt::format("storing {} articles", articles.size()));
    }
}

Result<std::optional<ArticleRecord>> Archive::Articles::find(const std::string& url)
{
    try {
        auto query = m_impl->statement(
            "SELECT a.id, a.url, a.normalized_url, a.canonical_url, a.status, a.http_status, a.first_seen, a.last_seen, a.gone_at,"
            " a.revision_count, coalesce(a.story_id, a.id), a.content_sha256"
            " FROM article_keys k JOIN articles a ON a.id = k.article_id WHERE k.key = :key");
        query->bind(":key", normalize_url(url));
        if (!query->executeStep())
            return std::optional<ArticleRecord>();
        ArticleRecord article;
        article.id = query->getColumn(0).getInt64();
        article.url = column_text(query->getColumn(1));
        article.normalized_url = column_text(query->getColumn(2));
        article.canonical_url = column_text(query->getColumn(3));
        article.status = column_text(query->getColumn(4));
        article.http_status = column_int(query->getColumn(5));
        article.first_seen = column_time(query->getColumn(6)).value_or(Timestamp {});
        article.last_seen = column_time(query->getColumn(7)).value_or(Timestamp {});
        article.gone_at = column_time(query->getColumn(8));
        article.revisions = query->getColumn(9).getInt64();
        article.story_id = query->getColumn(10).getInt64();
        article.content_sha256 = column_text(query->getColumn(11));
        return std::optional<ArticleRecord>(std::move(article));
    } catch (const db::Error& exception) {
        return to_error(exception, "looking up the article " + url);
    }
}

Result<bool> Archive::Articles::mark_gone(const std::string& url, long http_status, Timestamp when)
{
    try {
        auto update = m_impl->statement(
            "UPDATE articles SET gone_at = coalesce(gone_at, :when), http_status = :status, last_fetched = max(coalesce(last_fetched, 0), :when),"
            " next_check = NULL" // nothing left to recheck: a due time here would keep the scheduler awake
            " WHERE id = (SELECT article_id FROM article_keys WHERE key = :key)");
        update->bind(":when", static_cast<std::int64_t>(seconds(when)));
        update->bind(":status", static_cast<std::int64_t>(http_status));
        update->bind(":key", normalize_url(url));
        return update->exec() > 0;
    } catch (const db::Error& exception) {
        return to_error(exception, "recording that " + url + " is gone");
    }
}

} // namespace feedkeeper::store

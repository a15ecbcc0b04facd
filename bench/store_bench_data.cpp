// bench/store_bench_data.cpp — text, pages and cached archives for the store benchmarks.
// Threading: the benchmark's main thread.
#include "store_bench_data.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

namespace feedkeeper::bench {
namespace {

constexpr int generator_version = 1; // bump when the generated data changes
constexpr int schema_version = 1;    // store/schema.cpp's; cached files are keyed by it

const char* const syllables[] = { "ka", "ri", "mo", "ten", "sch", "ber", "lin", "ga", "ost", "ung", "al", "ter", "ne", "wa", "hof", "dor",
    "fe", "gi", "lu", "ma", "nik", "pol", "ra", "sa", "ti", "ve", "zu", "ein", "aus", "ver", "ge", "ru", "ha", "ke", "mi", "no" };
const char* const common[] = { "die", "der", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für", "ist", "im", "dem",
    "nicht", "ein", "eine", "als", "auch", "es", "an", "werden", "aus", "er", "hat", "dass", "sie", "nach", "wird", "bei", "Regierung",
    "Präsident", "Minister", "Föderation", "Parlament", "Wahl", "Stadt", "Krieg", "Hochwasser" };

void exec(sqlite3* db, const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string text = message ? message : "?";
        sqlite3_free(message);
        throw std::runtime_error("bench data: " + text + " in: " + sql.substr(0, 120));
    }
}

class Prepared {
public:
    Prepared(sqlite3* db, const char* sql)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_statement, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("bench data: ") + sqlite3_errmsg(db));
    }
    ~Prepared() { sqlite3_finalize(m_statement); }
    Prepared& bind(int index, std::int64_t value) { sqlite3_bind_int64(m_statement, index, value); return *this; }
    Prepared& bind(int index, const std::string& text) { sqlite3_bind_text(m_statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT); return *this; }
    void run()
    {
        if (sqlite3_step(m_statement) != SQLITE_DONE)
            throw std::runtime_error(std::string("bench data: ") + sqlite3_errmsg(sqlite3_db_handle(m_statement)));
        sqlite3_reset(m_statement);
    }

private:
    sqlite3_stmt* m_statement = nullptr;
};

bool complete(const std::filesystem::path& path) { return std::filesystem::exists(path.string() + ".complete"); }
void mark_complete(const std::filesystem::path& path) { std::ofstream(path.string() + ".complete") << "ok\n"; }
void remove_archive(const std::filesystem::path& path)
{
    for (const char* suffix : { "", "-wal", "-shm", ".complete" })
        std::filesystem::remove(path.string() + suffix);
}

std::uint64_t fnv(std::string_view text)
{
    std::uint64_t hash = 1469598103934665603ULL;
    for (unsigned char c : text)
        hash = (hash ^ c) * 1099511628211ULL;
    return hash;
}

} // namespace

TextGenerator::TextGenerator(std::uint64_t seed) : m_random(seed)
{
    std::mt19937_64 words(42); // the vocabulary is the same for every seed
    std::set<std::string> seen;
    for (const char* word : common)
        if (seen.insert(word).second)
            m_vocabulary.push_back(word);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(syllables) - 1);
    std::uniform_int_distribution<int> length(2, 4);
    while (m_vocabulary.size() < 30'000) {
        std::string word;
        for (int i = length(words); i > 0; --i)
            word += syllables[pick(words)];
        if (seen.insert(word).second)
            m_vocabulary.push_back(word);
    }
    double total = 0;
    for (std::size_t rank = 0; rank < m_vocabulary.size(); ++rank)
        m_cumulative.push_back(total += 1.0 / static_cast<double>(rank + 1));
}

std::string TextGenerator::word()
{
    std::uniform_real_distribution<double> uniform(0, m_cumulative.back());
    const auto it = std::lower_bound(m_cumulative.begin(), m_cumulative.end(), uniform(m_random));
    return m_vocabulary[static_cast<std::size_t>(it - m_cumulative.begin())];
}

std::string TextGenerator::sentence(std::size_t words)
{
    std::string text = word();
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    for (std::size_t i = 1; i < words; ++i)
        text += ' ' + word();
    return text + '.';
}

std::string TextGenerator::paragraphs(std::size_t count, std::size_t sentences_each)
{
    std::string text;
    for (std::size_t p = 0; p < count; ++p) {
        if (p > 0)
            text += "\n\n";
        for (std::size_t s = 0; s < sentences_each; ++s)
            text += (s > 0 ? " " : "") + sentence(12);
    }
    return text;
}

store::ArticleInput make_article(TextGenerator& text, std::int64_t number)
{
    const std::string site = fmt::format("site{}.example", number % 50);
    const std::string url = fmt::format("https://{}/news/{}-{}.html?utm_source=rss", site, number, text.word());
    store::ArticleInput input;
    input.requested_url = url;
    ExtractedPage& page = input.page;
    page.status = PageStatus::article;
    page.title = fmt::format("Meldung {}: {}", number, text.sentence(7));
    page.author = "Redaktion";
    page.published = Timestamp(std::chrono::seconds(1'700'000'000 + number * 60));
    page.language = "de";
    page.categories = { "Politik", text.word() };
    page.body = text.paragraphs(6, 4);
    std::string html_paragraphs;
    std::size_t start = 0;
    while (start < page.body.size()) {
        const auto end = std::min(page.body.find("\n\n", start), page.body.size());
        html_paragraphs += "<p>" + page.body.substr(start, end - start) + "</p>\n";
        page.block_fingerprints.push_back(fnv(page.body.substr(start, end - start)));
        start = end + 2;
    }
    page.body_html = html_paragraphs;
    for (std::uint64_t i = 0; i < 10; ++i)
        page.block_fingerprints.push_back(fnv(site) + i); // the site's template blocks
    std::string navigation;
    for (int i = 0; i < 40; ++i)
        navigation += fmt::format("<li><a href=\"/rubrik/{0}\">Rubrik {0}</a></li>", i);
    HttpResponse& response = input.response;
    response.url = url;
    response.final_url = url;
    response.status = 200;
    response.http_version = "HTTP/1.1";
    response.request_headers = { { "Host", site }, { "User-Agent", "feedkeeper/0.1" }, { "Accept", "text/html" }, { "Accept-Encoding", "gzip, br" } };
    response.headers = { { "Content-Type", "text/html; charset=utf-8" }, { "Cache-Control", "max-age=60" }, { "ETag", fmt::format("\"{}\"", number) } };
    response.body = "<!DOCTYPE html><html lang=\"de\"><head><title>" + page.title + "</title></head><body><header><nav><ul>" + navigation +
                    "</ul></nav></header><main><article><h1>" + page.title + "</h1>\n" + html_paragraphs + "</article><aside>" + navigation +
                    "</aside></main><footer>" + navigation + "</footer></body></html>";
    response.fetched_at = Timestamp(std::chrono::seconds(1'700'000'000 + number * 60 + 30));
    response.remote_ip = "192.0.2.10";
    return input;
}

std::filesystem::path data_directory()
{
    const char* configured = std::getenv("FEEDKEEPER_BENCH_DATA");
    std::filesystem::path directory = configured && *configured ? configured : std::filesystem::path(FEEDKEEPER_BENCH_DEFAULT_DATA);
    std::filesystem::create_directories(directory);
    return directory;
}

std::filesystem::path api_archive(std::int64_t count, std::uint64_t seed)
{
    const auto path = data_directory() / fmt::format("api-{}-s{}-schema{}-g{}.db", count, seed, schema_version, generator_version);
    if (complete(path))
        return path;
    remove_archive(path);
    auto archive = store::Archive::open(path, store::OpenMode::read_write, { .synchronous = store::Synchronous::normal });
    if (!archive)
        throw std::runtime_error(archive.error().message);
    TextGenerator text(seed);
    std::vector<std::int64_t> feeds;
    for (int i = 0; i < 20; ++i)
        feeds.push_back((*archive)->feeds().add({ .url = fmt::format("https://feeds.example/{}.xml", i) }).value().id);
    constexpr std::int64_t batch = 100; // articles per feed poll
    for (std::int64_t first = 0; first < count; first += batch) {
        std::vector<store::ArticleInput> articles;
        std::vector<store::EntryInput> entries;
        for (std::int64_t n = first; n < std::min(count, first + batch); ++n) {
            articles.push_back(make_article(text, n));
            store::EntryInput entry;
            entry.key = fmt::format("guid:{}", n);
            entry.entry.id = fmt::format("{}", n);
            entry.entry.link = articles.back().requested_url;
            entry.entry.title = articles.back().page.title;
            entries.push_back(std::move(entry));
        }
        const std::int64_t feed = feeds[static_cast<std::size_t>(first / batch) % feeds.size()];
        (*archive)->entries().save(feed, entries, articles.front().response.fetched_at).value();
        const auto jobs = (*archive)->jobs().due(Timestamp::max(), static_cast<std::size_t>(batch), feed).value();
        for (std::size_t i = 0; i < articles.size() && i < jobs.size(); ++i) {
            articles[i].job_id = jobs[i].id;
            articles[i].entry_id = jobs[i].entry_id;
            (*archive)->articles().save(articles[i]).value();
        }
    }
    archive->reset();
    mark_complete(path);
    return path;
}

std::filesystem::path bulk_archive(std::int64_t count)
{
    const auto path = data_directory() / fmt::format("bulk-{}-schema{}-g{}.db", count, schema_version, generator_version);
    if (complete(path))
        return path;
    remove_archive(path);
    if (auto created = store::Archive::open(path); !created)
        throw std::runtime_error(created.error().message);
    sqlite3* db = nullptr;
    sqlite3_open(path.string().c_str(), &db);
    exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA foreign_keys = OFF; BEGIN");
    exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
             " INSERT INTO feeds (id, url, added_url, created_at, last_fetch, next_fetch)"
             " SELECT i, 'https://feeds.example/' || i || '.xml', 'https://feeds.example/' || i || '.xml', 1700000000, 1700000000, 4102444800 FROM n");
    TextGenerator text(7);
    Prepared capture(db, "INSERT INTO captures (id, kind, url, status, http_version, request_headers, response_headers, fetched_at, body_size,"
                         " body_sha256, body_zstd, article_id) VALUES (?1, 'article', ?2, 200, 'HTTP/1.1', '[]', '[[\"Content-Type\",\"text/html\"]]',"
                         " ?3, 6000, lower(hex(randomblob(32))), randomblob(1500), ?1)");
    Prepared article(db, "INSERT INTO articles (id, normalized_url, url, host, status, http_status, first_seen, last_seen, last_fetched,"
                         " revision_count, content_sha256, simhash) VALUES (?1, ?2, ?2, ?3, 'article', 200, ?4, ?4, ?4, 1, lower(hex(randomblob(32))), random())");
    Prepared key(db, "INSERT INTO article_keys (key, article_id) VALUES (?2, ?1)");
    Prepared band(db, "INSERT OR IGNORE INTO simhash_bands (band, value, article_id) VALUES (?2, abs(random()) % 65536, ?1)");
    Prepared revision(db, "INSERT INTO revisions (id, article_id, revision, capture_id, fetched_at, title, published, language, body, body_html,"
                          " content_sha256) VALUES (?1, ?1, 1, ?1, ?2, ?3, ?2, 'de', ?4, '', lower(hex(randomblob(32))))");
    Prepared entry(db, "INSERT INTO entries (feed_id, entry_key, guid, url, link_key, title, first_seen, last_seen, article_id)"
                       " VALUES (?1 % 100 + 1, 'guid:' || ?1, ?1, ?2, ?2, ?3, ?4, ?4, ?1)");
    for (std::int64_t i = 1; i <= count; ++i) {
        const std::string url = fmt::format("https://site{}.example/news/{}.html", i % 500, i);
        const std::int64_t time = 1'700'000'000 + i * 30;
        const std::string title = fmt::format("Meldung {}", i);
        capture.bind(1, i).bind(2, url).bind(3, time).run();
        article.bind(1, i).bind(2, url).bind(3, fmt::format("site{}.example", i % 500)).bind(4, time).run();
        key.bind(1, i).bind(2, url).run();
        for (std::int64_t b = 0; b < 4; ++b)
            band.bind(1, i).bind(2, b).run();
        revision.bind(1, i).bind(2, time).bind(3, title).bind(4, text.sentence(20) + " " + text.sentence(15)).run();
        entry.bind(1, i).bind(2, url).bind(3, title).bind(4, time).run();
    }
    exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
             " INSERT INTO jobs (kind, url, feed_id, state, not_before, created_at, updated_at)" // pending but not due: start-up fetches nothing
             " SELECT 'article', 'https://late.example/' || i, i % 100 + 1, CASE WHEN i <= 1000 THEN 'pending' ELSE 'failed' END, 4102444800, 1700000000, 1700000000 FROM n");
    exec(db, "COMMIT; PRAGMA journal_mode = WAL");
    sqlite3_close(db);
    mark_complete(path);
    return path;
}

} // namespace feedkeeper::bench

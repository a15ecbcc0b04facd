// bench/bench_store.cpp — the archive's performance, each figure next to a floor measured in the
// same run (issue 6): storing 10,000 articles with captures, one per transaction and 64 per
// transaction as the crawl's writer does (floor: bare SQLite inserts of the same bytes), exporting them as JSONL (floors: a bare SELECT of the same rows, writing the same
// bytes), search latency over 100,000 articles (floor: bare FTS5 ranking), and start-up on a
// 1,000,000-article archive (floor: one scan of the articles table, which start-up must avoid).
// Run: build/bench/bench_store [--benchmark_filter=...]. Threading: main thread.
#include "store_bench_data.hpp"

#include "store/export.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <zstd.h>

#include <algorithm>
#include <fstream>

namespace feedkeeper::bench {
namespace {

constexpr std::int64_t stored_articles = 10'000;
constexpr std::int64_t searched_articles = 100'000;
constexpr std::int64_t startup_articles = 1'000'000;
constexpr double mebibyte = 1024.0 * 1024.0;

std::filesystem::path fresh_file(const std::string& name)
{
    const auto path = data_directory() / "scratch" / name;
    std::filesystem::create_directories(path.parent_path());
    for (const char* suffix : { "", "-wal", "-shm" })
        std::filesystem::remove(path.string() + suffix);
    return path;
}

sqlite3* open_raw(const std::filesystem::path& path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.string().c_str(), &db) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db));
    return db;
}

void exec(sqlite3* db, const char* sql)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        throw std::runtime_error(sqlite3_errmsg(db));
}

// --- storing 10,000 articles: the crawler's calls (entries per poll of 100, then one
// articles().save per article: capture, article, keys, revision, FTS, story, site counts, job).
// Articles first..first+count as the crawler meets them: their feed entries saved, each article
// carrying its job and entry. Adds the input's bytes to `input_bytes`.
std::vector<store::ArticleInput> queued_articles(store::Archive& archive, std::int64_t feed, TextGenerator& text, std::int64_t first,
    std::int64_t count, std::size_t& input_bytes)
{
    std::vector<store::ArticleInput> articles;
    std::vector<store::EntryInput> entries;
    for (std::int64_t n = first; n < first + count; ++n) {
        articles.push_back(make_article(text, n));
        store::EntryInput entry;
        entry.key = fmt::format("guid:{}", n);
        entry.entry.link = articles.back().requested_url;
        entries.push_back(std::move(entry));
        input_bytes += articles.back().response.body.size() + articles.back().page.body.size() + articles.back().page.body_html.size();
    }
    archive.entries().save(feed, entries, articles.front().response.fetched_at).value();
    const auto jobs = archive.jobs().due(Timestamp::max(), static_cast<std::size_t>(count), feed).value();
    for (std::size_t i = 0; i < articles.size(); ++i) {
        articles[i].job_id = jobs.at(i).id;
        articles[i].entry_id = jobs.at(i).entry_id;
    }
    return articles;
}

void Store_ArchiveApi(benchmark::State& state)
{
    const auto synchronous = state.range(0) ? store::Synchronous::full : store::Synchronous::normal;
    std::size_t input_bytes = 0;
    for (auto _ : state) {
        auto archive = store::Archive::open(fresh_file("store.db"), store::OpenMode::read_write, { .synchronous = synchronous }).value();
        const std::int64_t feed = archive->feeds().add({ .url = "https://feeds.example/a.xml" }).value().id;
        TextGenerator text(1);
        for (std::int64_t first = 0; first < stored_articles; first += 100) {
            for (const store::ArticleInput& article : queued_articles(*archive, feed, text, first, 100, input_bytes))
                archive->articles().save(article).value();
        }
    }
    state.counters["articles/s"] = benchmark::Counter(static_cast<double>(stored_articles * state.iterations()), benchmark::Counter::kIsRate);
    state.counters["MiB/s"] = benchmark::Counter(static_cast<double>(input_bytes) / mebibyte, benchmark::Counter::kIsRate);
}

// The same articles stored as the crawl's writer stores them (crawl/article_saver.hpp): prepared
// first, then saved 64 to a transaction. Only the saves are timed.
void Store_ArchiveApi_Batches(benchmark::State& state)
{
    std::size_t input_bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto archive = store::Archive::open(fresh_file("store.db"), store::OpenMode::read_write, { .synchronous = store::Synchronous::full }).value();
        const std::int64_t feed = archive->feeds().add({ .url = "https://feeds.example/a.xml" }).value().id;
        TextGenerator text(1);
        for (std::int64_t first = 0; first < stored_articles; first += 64) {
            std::vector<store::PreparedArticle> prepared;
            for (store::ArticleInput& article : queued_articles(*archive, feed, text, first, std::min<std::int64_t>(64, stored_articles - first), input_bytes))
                prepared.push_back(store::Archive::Articles::prepare(std::move(article)));
            std::vector<const store::PreparedArticle*> batch;
            for (const auto& article : prepared)
                batch.push_back(&article);
            state.ResumeTiming();
            for (const auto& saved : archive->articles().save_many(batch).value())
                saved.value();
            state.PauseTiming();
        }
        state.ResumeTiming();
    }
    state.counters["articles/s"] = benchmark::Counter(static_cast<double>(stored_articles * state.iterations()), benchmark::Counter::kIsRate);
    state.counters["MiB/s"] = benchmark::Counter(static_cast<double>(input_bytes) / mebibyte, benchmark::Counter::kIsRate);
}

// Floor: the same bytes made durable with nothing else — per article one transaction inserting
// the zstd capture, the text and HTML, and the feed entry into bare tables without indexes.
void Store_Floor_RawInserts(benchmark::State& state)
{
    std::size_t input_bytes = 0;
    for (auto _ : state) {
        sqlite3* db = open_raw(fresh_file("floor.db"));
        exec(db, "PRAGMA journal_mode = WAL");
        exec(db, state.range(0) ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        exec(db, "CREATE TABLE captures (url TEXT, headers TEXT, body BLOB); CREATE TABLE revisions (title TEXT, body TEXT, html TEXT);"
                 " CREATE TABLE entries (key TEXT, url TEXT)");
        sqlite3_stmt *capture = nullptr, *revision = nullptr, *entry = nullptr;
        sqlite3_prepare_v2(db, "INSERT INTO captures VALUES (?, ?, ?)", -1, &capture, nullptr);
        sqlite3_prepare_v2(db, "INSERT INTO revisions VALUES (?, ?, ?)", -1, &revision, nullptr);
        sqlite3_prepare_v2(db, "INSERT INTO entries VALUES (?, ?)", -1, &entry, nullptr);
        TextGenerator text(1);
        std::string compressed;
        for (std::int64_t n = 0; n < stored_articles; ++n) {
            const store::ArticleInput article = make_article(text, n);
            const std::string& html = article.response.body;
            input_bytes += html.size() + article.page.body.size() + article.page.body_html.size();
            compressed.resize(ZSTD_compressBound(html.size()));
            compressed.resize(ZSTD_compress(compressed.data(), compressed.size(), html.data(), html.size(), 3));
            exec(db, "BEGIN IMMEDIATE");
            sqlite3_bind_text(entry, 1, "guid", -1, SQLITE_STATIC);
            sqlite3_bind_text(entry, 2, article.requested_url.c_str(), -1, SQLITE_STATIC);
            sqlite3_step(entry);
            sqlite3_reset(entry);
            sqlite3_bind_text(capture, 1, article.requested_url.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(capture, 2, "[[\"Content-Type\",\"text/html\"]]", -1, SQLITE_STATIC);
            sqlite3_bind_blob(capture, 3, compressed.data(), static_cast<int>(compressed.size()), SQLITE_STATIC);
            sqlite3_step(capture);
            sqlite3_reset(capture);
            sqlite3_bind_text(revision, 1, article.page.title.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(revision, 2, article.page.body.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(revision, 3, article.page.body_html.c_str(), -1, SQLITE_STATIC);
            sqlite3_step(revision);
            sqlite3_reset(revision);
            exec(db, "COMMIT");
        }
        sqlite3_finalize(capture);
        sqlite3_finalize(revision);
        sqlite3_finalize(entry);
        sqlite3_close(db);
    }
    state.counters["articles/s"] = benchmark::Counter(static_cast<double>(stored_articles * state.iterations()), benchmark::Counter::kIsRate);
    state.counters["MiB/s"] = benchmark::Counter(static_cast<double>(input_bytes) / mebibyte, benchmark::Counter::kIsRate);
}

// --- exporting the 10,000 articles as JSONL to a file.
void Export_Jsonl(benchmark::State& state)
{
    const auto path = api_archive(stored_articles, 1);
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto archive = store::Archive::open(path, store::OpenMode::read_only).value();
        std::ofstream out(fresh_file("export.jsonl"), std::ios::binary);
        bytes += store::export_archive(*archive, store::ExportFormat::jsonl, {}, out).value().bytes;
    }
    state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
    state.counters["bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

// Floor: the same revision rows read with a bare SELECT (no joins, no formatting).
void Export_Floor_BareSelect(benchmark::State& state)
{
    const auto path = api_archive(stored_articles, 1);
    std::size_t bytes = 0;
    for (auto _ : state) {
        sqlite3* db = open_raw(path);
        sqlite3_stmt* select = nullptr;
        sqlite3_prepare_v2(db, "SELECT id, article_id, title, author, published, fetched_at, revision, language, categories, body, content_sha256 FROM revisions ORDER BY id", -1, &select, nullptr);
        while (sqlite3_step(select) == SQLITE_ROW)
            for (int column = 0; column < 11; ++column)
                bytes += static_cast<std::size_t>(sqlite3_column_bytes(select, column)) + (sqlite3_column_text(select, column) ? 1 : 0);
        sqlite3_finalize(select);
        sqlite3_close(db);
    }
    state.counters["MB/s"] = benchmark::Counter(static_cast<double>(bytes) / 1e6, benchmark::Counter::kIsRate);
}

// Floor: writing as many bytes as the JSONL export produced, in 64 KiB blocks, to the same place.
void Export_Floor_WriteSameBytes(benchmark::State& state)
{
    const auto size = static_cast<std::size_t>(std::filesystem::file_size(data_directory() / "scratch" / "export.jsonl"));
    const std::string block(64 * 1024, 'x');
    for (auto _ : state) {
        std::ofstream out(fresh_file("floor.jsonl"), std::ios::binary);
        for (std::size_t written = 0; written < size; written += block.size())
            out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), size - written)));
    }
    state.counters["MB/s"] = benchmark::Counter(static_cast<double>(size * state.iterations()) / 1e6, benchmark::Counter::kIsRate);
}

} // namespace
} // namespace feedkeeper::bench

using namespace feedkeeper::bench;
BENCHMARK(Store_ArchiveApi)->ArgName("sync_full")->Arg(1)->Arg(0)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Store_ArchiveApi_Batches)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(Store_Floor_RawInserts)->ArgName("sync_full")->Arg(1)->Arg(0)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Export_Jsonl)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Export_Floor_BareSelect)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(Export_Floor_WriteSameBytes)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

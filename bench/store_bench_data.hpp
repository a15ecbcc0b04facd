// bench/store_bench_data.hpp — generated inputs for the store benchmarks: realistic article
// pages (Zipf-distributed words), and cached archives of 10,000, 100,000 and 1,000,000 articles
// under the build directory (regenerated when the schema or the generator changes).
// Threading: the benchmark's main thread.
#pragma once

#include "store/archive.hpp"

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace feedkeeper::bench {

// Words drawn from a 30,000-word vocabulary with a Zipf (s = 1) distribution, as in real text:
// a few words are in almost every article, most are rare.
class TextGenerator {
public:
    explicit TextGenerator(std::uint64_t seed);
    std::string word();
    std::string sentence(std::size_t words);
    std::string paragraphs(std::size_t count, std::size_t sentences_each); // blank-line separated
    const std::vector<std::string>& vocabulary() const { return m_vocabulary; }

private:
    std::mt19937_64 m_random;
    std::vector<std::string> m_vocabulary;
    std::vector<double> m_cumulative;
};

// One crawled article as the crawler hands it to the store: ~12 KB of HTML (template + text)
// and ~2.5 KB of extracted text, with 30 block fingerprints (a third of them template).
store::ArticleInput make_article(TextGenerator&, std::int64_t number);

// The directory for cached benchmark archives ($FEEDKEEPER_BENCH_DATA, else next to the binary).
std::filesystem::path data_directory();

// An archive of `count` articles stored through Archive::save_article (synchronous = NORMAL),
// built once and reused; `seed` keeps texts identical between runs.
std::filesystem::path api_archive(std::int64_t count, std::uint64_t seed);

// An archive of `count` articles (with captures, keys, entries of 100 feeds, short revisions and
// their full-text index) bulk-generated in SQL: only for the start-up benchmark, where what
// matters is the size of the tables that must *not* be scanned.
std::filesystem::path bulk_archive(std::int64_t count);

} // namespace feedkeeper::bench

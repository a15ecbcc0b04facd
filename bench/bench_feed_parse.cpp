// bench/bench_feed_parse.cpp — feed parser throughput on a corpus directory, against a bare pugixml
// parse of the same bytes as the floor. Corpus: --corpus=DIR, else $FEEDKEEPER_FEED_BENCH_DIR;
// without one the benchmarks are skipped. Threading: Google Benchmark's main thread only.
#include "parse/feed/parser.hpp"

#include <benchmark/benchmark.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct CorpusFile {
    std::string name;
    std::string bytes;
};

std::vector<CorpusFile>& corpus()
{
    static std::vector<CorpusFile> files;
    return files;
}

std::size_t corpus_bytes()
{
    std::size_t total = 0;
    for (const CorpusFile& file : corpus())
        total += file.bytes.size();
    return total;
}

void load_corpus(const std::filesystem::path& directory)
{
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(directory, error)) {
        if (!item.is_regular_file() || item.path().extension() != ".xml")
            continue;
        std::ifstream in(item.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        corpus().push_back({ item.path().filename().string(), buffer.str() });
    }
    std::sort(corpus().begin(), corpus().end(), [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
}

// The whole parser: decode, scan, pugixml in place, read every field into FeedDocument.
void parse_feed_corpus(benchmark::State& state)
{
    if (corpus().empty()) {
        state.SkipWithError("no corpus: pass --corpus=DIR or set FEEDKEEPER_FEED_BENCH_DIR");
        return;
    }
    feedkeeper::parse::FeedParseOptions options;
    options.url = "https://feeds.example.com/feed.xml"; // a real fetch always has one: relative links get resolved
    std::size_t items = 0;
    for (auto _ : state) {
        for (const CorpusFile& file : corpus()) {
            auto feed = feedkeeper::parse::parse_feed(file.bytes, options);
            if (!feed) {
                state.SkipWithError(("parse failed: " + file.name).c_str());
                return;
            }
            items += feed->entries.size();
            benchmark::DoNotOptimize(feed->entries.data());
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus_bytes()));
    state.counters["feeds/s"] = benchmark::Counter(static_cast<double>(state.iterations() * corpus().size()), benchmark::Counter::kIsRate);
    state.counters["items/s"] = benchmark::Counter(static_cast<double>(items), benchmark::Counter::kIsRate);
}

// The floor: pugixml's default parse of the same bytes (it copies them, as parse_feed does).
void pugixml_floor(benchmark::State& state)
{
    if (corpus().empty()) {
        state.SkipWithError("no corpus: pass --corpus=DIR or set FEEDKEEPER_FEED_BENCH_DIR");
        return;
    }
    for (auto _ : state) {
        for (const CorpusFile& file : corpus()) {
            pugi::xml_document document;
            const pugi::xml_parse_result result = document.load_buffer(file.bytes.data(), file.bytes.size());
            benchmark::DoNotOptimize(result.status);
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus_bytes()));
}

BENCHMARK(parse_feed_corpus)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(pugixml_floor)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Prints the usual table, then the parser's throughput as a fraction of the floor's.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const Run& run : runs) {
            auto found = run.counters.find("bytes_per_second");
            if (found != run.counters.end() && !run.error_occurred)
                rates_[run.benchmark_name()] = found->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }

    void Finalize() override
    {
        ConsoleReporter::Finalize();
        const double parser = rate("parse_feed_corpus");
        const double floor = rate("pugixml_floor");
        if (parser > 0 && floor > 0) {
            std::cout << "corpus: " << corpus().size() << " files, " << corpus_bytes() / 1e6 << " MB\n"
                      << "feed parser: " << parser / 1e6 << " MB/s; bare pugixml: " << floor / 1e6
                      << " MB/s; parser/floor = " << parser / floor << "\n";
        }
    }

private:
    double rate(const std::string& prefix) const
    {
        for (const auto& [name, value] : rates_)
            if (name.rfind(prefix, 0) == 0)
                return value;
        return 0;
    }
    std::map<std::string, double> rates_;
};

} // namespace

int main(int argc, char** argv)
{
    std::string directory;
    std::vector<char*> arguments;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--corpus=", 9) == 0)
            directory = argv[i] + 9;
        else
            arguments.push_back(argv[i]);
    }
    if (directory.empty())
        if (const char* from_environment = std::getenv("FEEDKEEPER_FEED_BENCH_DIR"))
            directory = from_environment;
    if (!directory.empty())
        load_corpus(directory);
    if (corpus().empty())
        std::cerr << "bench_feed_parse: no corpus (--corpus=DIR or FEEDKEEPER_FEED_BENCH_DIR); skipping\n";
    int count = static_cast<int>(arguments.size());
    benchmark::Initialize(&count, arguments.data());
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}

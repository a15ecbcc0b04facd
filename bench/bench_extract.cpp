// bench/bench_extract.cpp — extract_page over a corpus of HTML pages next to a bare Gumbo parse of
// the same bytes (the floor), with the ratio. Corpus: --corpus=DIR or $FEEDKEEPER_EXTRACTION_CORPUS
// (a directory of *.html, or a set directory holding html/); skipped when neither is given.
// Threading: single-threaded, one page after another, like `feedkeeper extract --jsonl`. Times and
// rates are CPU time, so a busy shared machine does not distort them.
#include "parse/extract/extract.hpp"

#include <benchmark/benchmark.h>
#include <gumbo.h>

#include <algorithm>
#include <cstdio>
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

std::vector<std::string> load_corpus(std::filesystem::path directory)
{
    std::vector<std::string> pages;
    if (std::filesystem::is_directory(directory / "html"))
        directory /= "html";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        if (entry.path().extension() == ".html" || entry.path().extension() == ".htm")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        pages.push_back(bytes.str());
    }
    return pages;
}

std::vector<std::string>& corpus()
{
    static std::vector<std::string> pages;
    return pages;
}

std::size_t corpus_bytes()
{
    std::size_t total = 0;
    for (const std::string& page : corpus())
        total += page.size();
    return total;
}

void report_pages(benchmark::State& state)
{
    const auto pages = static_cast<double>(corpus().size()) * static_cast<double>(state.iterations());
    state.counters["pages/s"] = benchmark::Counter(pages, benchmark::Counter::kIsRate);
    state.SetBytesProcessed(static_cast<std::int64_t>(corpus_bytes()) * state.iterations());
}

void BM_GumboParseFloor(benchmark::State& state)
{
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    for (auto _ : state) {
        for (const std::string& page : corpus()) {
            GumboOutput* output = gumbo_parse_with_options(&options, page.data(), page.size());
            benchmark::DoNotOptimize(output->root);
            gumbo_destroy_output(&options, output);
        }
    }
    report_pages(state);
}

void BM_ExtractPage(benchmark::State& state)
{
    std::size_t body_bytes = 0;
    for (auto _ : state) {
        for (const std::string& page : corpus()) {
            auto extracted = feedkeeper::parse::extract_page(page);
            body_bytes += extracted ? extracted->body.size() : 0;
        }
    }
    benchmark::DoNotOptimize(body_bytes);
    report_pages(state);
}

// Keeps the mean wall time per iteration of each benchmark to print the ratio at the end.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const Run& run : runs) {
            if (run.run_type == Run::RT_Iteration && run.iterations > 0)
                seconds[run.run_name.function_name] = run.cpu_accumulated_time / static_cast<double>(run.iterations);
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> seconds; // CPU seconds per iteration (one pass over the corpus)
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
    if (directory.empty()) {
        if (const char* from_environment = std::getenv("FEEDKEEPER_EXTRACTION_CORPUS"))
            directory = from_environment;
    }
    if (directory.empty() || !std::filesystem::is_directory(directory)) {
        std::cout << "bench_extract: no corpus (--corpus=DIR or FEEDKEEPER_EXTRACTION_CORPUS); skipped\n";
        return 0;
    }
    corpus() = load_corpus(directory);
    if (corpus().empty()) {
        std::cout << "bench_extract: no *.html in " << directory << "; skipped\n";
        return 0;
    }
    std::cout << "corpus: " << corpus().size() << " pages, " << corpus_bytes() << " bytes from " << directory << "\n";
    benchmark::RegisterBenchmark("GumboParseFloor", BM_GumboParseFloor)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("ExtractPage", BM_ExtractPage)->Unit(benchmark::kMillisecond);
    int count = static_cast<int>(arguments.size());
    benchmark::Initialize(&count, arguments.data());
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const auto floor = reporter.seconds.find("GumboParseFloor");
    const auto extract = reporter.seconds.find("ExtractPage");
    if (floor != reporter.seconds.end() && extract != reporter.seconds.end() && floor->second > 0) {
        const double pages = static_cast<double>(corpus().size());
        std::printf("gumbo floor: %.0f pages/s; extract_page: %.0f pages/s; extract/floor time ratio: %.2f\n",
            pages / floor->second, pages / extract->second, extract->second / floor->second);
    }
    return 0;
}

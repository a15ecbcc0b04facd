// tests/parse/extract/fixture_test.cpp — the caucasuswatch fixture (tests/data/caucasuswatch): every
// page yields exactly its expected body and metadata, in-process and through `feedkeeper extract`.
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <unistd.h>

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

const std::filesystem::path fixture = std::filesystem::path(FEEDKEEPER_TEST_DATA) / "caucasuswatch";
const std::string base = "http://127.0.0.1:43117";

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string with_base(std::string text)
{
    for (std::size_t at = text.find("__BASE__"); at != std::string::npos; at = text.find("__BASE__", at + base.size()))
        text.replace(at, 8, base);
    return text;
}

std::string without_final_newline(std::string text)
{
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    return text;
}

nlohmann::json articles() { return nlohmann::json::parse(read_file(fixture / "expected" / "articles.json")); }

// `feedkeeper extract --jsonl FILE`, parsed.
nlohmann::json extract_with_binary(const std::filesystem::path& file)
{
    const std::string command = std::string(FEEDKEEPER_BINARY) + " extract --jsonl '" + file.string() + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
    EXPECT_TRUE(pipe);
    std::string output;
    std::array<char, 65536> buffer;
    while (pipe) {
        const std::size_t read = std::fread(buffer.data(), 1, buffer.size(), pipe.get());
        if (read == 0)
            break;
        output.append(buffer.data(), read);
    }
    return nlohmann::json::parse(output, nullptr, false);
}

} // namespace

TEST(ExtractFixture, EveryPageGivesItsExpectedBodyAndMetadata)
{
    const nlohmann::json expected_articles = articles();
    ASSERT_EQ(expected_articles.size(), 4u);
    for (const nlohmann::json& expected : expected_articles) {
        SCOPED_TRACE(expected["path"].get<std::string>());
        parse::ExtractOptions options;
        options.url = with_base(expected["url"].get<std::string>());
        options.headers = { { "Content-Type", "text/html; charset=UTF-8" } };
        const ExtractedPage page = extract(with_base(read_file(fixture / expected["path"].get<std::string>())), options);
        EXPECT_EQ(page.status, PageStatus::article);
        EXPECT_EQ(page.body, without_final_newline(read_file(fixture / expected["expected_body"].get<std::string>())));
        EXPECT_EQ(page.title, expected["title"].get<std::string>());
        EXPECT_EQ(page.author, expected["author"].get<std::string>());
        EXPECT_EQ(format_rfc3339(page.published), expected["published"].get<std::string>());
        EXPECT_EQ(page.language, expected["language"].get<std::string>());
        EXPECT_EQ(page.categories, expected["categories"].get<std::vector<std::string>>());
        EXPECT_EQ(page.canonical_url, options.url);
        EXPECT_EQ(page.site_name, "Caucasus Watch");
        EXPECT_FALSE(contains(page.body_html, "Siehe auch"));
        EXPECT_FALSE(contains(page.body_html, "Lebenslauf"));
        EXPECT_FALSE(page.block_fingerprints.empty());
    }
}

TEST(ExtractFixture, NoticesGoEvenWithoutTheirTellingClassNames)
{
    // Rename the classes that give the related-posts and recruiting boxes away: position, form
    // (emphasis, e-mail address, a link list) and wording must still remove them.
    for (const nlohmann::json& expected : articles()) {
        SCOPED_TRACE(expected["path"].get<std::string>());
        std::string html = read_file(fixture / expected["path"].get<std::string>());
        for (const std::string& name : { std::string("jp-relatedposts"), std::string("cw-recruiting"),
                 std::string("related-posts"), std::string("related-post"), std::string("related-title") }) {
            for (std::size_t at = html.find(name); at != std::string::npos; at = html.find(name, at))
                html.replace(at, name.size(), "box");
        }
        EXPECT_EQ(extract(html).body, without_final_newline(read_file(fixture / expected["expected_body"].get<std::string>())));
    }
}

TEST(ExtractFixture, CommandLinePrintsTheSeedArticlesBody)
{
    const std::string page = "news/20871-jeyhun-bayramov-trifft-sergej-lawrow-in-moskau-ilham-alijew-empfaengt-putins-"
                             "berater-in-baku.html";
    const nlohmann::json record = extract_with_binary(fixture / page);
    ASSERT_TRUE(record.is_object());
    EXPECT_EQ(record["status"], "article");
    EXPECT_EQ(record["body"].get<std::string>(),
        without_final_newline(read_file(fixture / ("expected/" + std::filesystem::path(page).stem().string() + ".txt"))));
    EXPECT_FALSE(record.contains("truncated")); // said only of pages that were
}

TEST(ExtractFixture, CommandLineSaysWhenAPageWasCutAtACap)
{
    // Over the default node cap (500,000): two nodes a paragraph, 300,000 paragraphs, 2.7 MB.
    std::string html = "<html><body><article><p>" + prose(1) + "</p><p>" + prose(2) + "</p>";
    for (int i = 0; i < 300'000; ++i)
        html += "<p>x</p>";
    html += "</article></body></html>";
    const std::filesystem::path file = std::filesystem::temp_directory_path()
        / ("feedkeeper-truncated-" + std::to_string(::getpid()) + ".html");
    std::ofstream(file, std::ios::binary) << html;
    const nlohmann::json record = extract_with_binary(file);
    std::filesystem::remove(file);
    ASSERT_TRUE(record.is_object());
    EXPECT_EQ(record["truncated"], true);
    EXPECT_TRUE(contains(record["body"].get<std::string>(), prose(2)));
}

// tests/store/import_jsonl_test.cpp — reading a JSONL export back: lines capped and numbered,
// each record checked field by field, newer fields defaulted when absent; and import_records
// storing records idempotently.
#include "store_test_support.hpp"

#include "core/sha256.hpp"
#include "store/import.hpp"

#include <fstream>

namespace feedkeeper::store::testing {
namespace {

JsonlLine line(std::string text, std::size_t number = 1) { return JsonlLine { number, std::move(text) }; }

const std::string minimal = R"({"url":"https://news.example/a","fetched_at":"2024-03-01T10:00:00Z","body":"Text."})";

TEST(ImportJsonl, ReaderNumbersLinesSkipsBlankOnesAndCapsLength)
{
    TemporaryDirectory directory;
    const std::string path = directory.file("export.jsonl");
    std::ofstream(path, std::ios::binary) << "first\r\n\n" << std::string(100, 'x') << "\nafter\nlast without end";
    ImportLimits limits;
    limits.max_line_bytes = 32;
    auto reader = JsonlReader::open(path, limits);
    ASSERT_TRUE(reader) << reader.error().message;
    auto first = reader->next();
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((*first)->number, 1u);
    EXPECT_EQ((*first)->text, "first");
    auto long_line = reader->next();
    ASSERT_FALSE(long_line);
    EXPECT_EQ(long_line.error().code, Errc::too_large);
    EXPECT_NE(long_line.error().message.find("line 3"), std::string::npos) << long_line.error().message;
    auto after = reader->next();
    ASSERT_TRUE(after && *after);
    EXPECT_EQ((*after)->number, 4u);
    EXPECT_EQ((*after)->text, "after");
    auto last = reader->next();
    ASSERT_TRUE(last && *last);
    EXPECT_EQ((*last)->text, "last without end");
    auto end = reader->next();
    ASSERT_TRUE(end);
    EXPECT_FALSE(*end);
}

TEST(ImportJsonl, RecordOfAnOlderExportGetsTheDefaultsOfTheNewFields)
{
    auto record = parse_jsonl_record(line(minimal));
    ASSERT_TRUE(record) << record.error().message;
    EXPECT_EQ(record->status, "article");
    EXPECT_EQ(record->body_source, "page");
    EXPECT_EQ(record->discovered_by, "feed");
    EXPECT_EQ(record->revision, 1);
    EXPECT_EQ(record->first_seen, record->fetched_at) << "first_seen defaults to the fetch";
    EXPECT_EQ(record->content_sha256, sha256_hex("Text."));
}

TEST(ImportJsonl, NewFieldsAreTakenWhenPresentAndCheckedAgainstTheirValues)
{
    std::string with = minimal;
    with.insert(with.size() - 1, R"(,"status":"paywall","body_source":"summary","discovered_by":"backfill:sitemap")");
    auto record = parse_jsonl_record(line(with));
    ASSERT_TRUE(record) << record.error().message;
    EXPECT_EQ(record->status, "paywall");
    EXPECT_EQ(record->body_source, "summary");
    EXPECT_EQ(record->discovered_by, "backfill:sitemap");
    std::string wrong = minimal;
    wrong.insert(wrong.size() - 1, R"(,"status":"deleted")");
    auto refused = parse_jsonl_record(line(wrong, 7));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("line 7: \"status\" 'deleted'"), std::string::npos) << refused.error().message;
}

TEST(ImportJsonl, BadRecordsAreRefusedWithTheirLineAndField)
{
    const std::vector<std::pair<std::string, std::string>> cases {
        { R"({"url":"ftp://x/a","fetched_at":"2024-03-01T10:00:00Z","body":""})", "\"url\" 'ftp://x/a' is not an http(s) URL" },
        { R"({"url":"https://x/a","body":""})", "\"fetched_at\" is missing" },
        { R"({"url":"https://x/a","fetched_at":"yesterday","body":""})", "is not an RFC 3339 time" },
        { R"({"url":"https://x/a","fetched_at":"2024-03-01T10:00:00Z","body":"","revision":-1})", "\"revision\"" },
        { R"({"url":"https://x/a","fetched_at":"2024-03-01T10:00:00Z","body":"","revision":0})", "needs \"first_seen\"" },
        { R"({"url":"https://x/a","first_seen":"2024-03-01T10:00:00Z","body":"","revision":0})", "needs \"feed_url\"" },
        { R"({"url":"https://x/a","feed_url":"https://x/feed","first_seen":"2024-03-01T10:00:00Z","body":"","revision":0,"status":"article"})", "pending, failed or gone" },
        { R"({"url":"https://x/a","fetched_at":"2024-03-01T10:00:00Z","body":"","revision":1,"status":"pending"})", "is not pending" },
        { R"({"url":"https://x/a","fetched_at":"2024-03-01T10:00:00Z","body":"","categories":[1]})", "\"categories\"" },
        { R"({"url":"https://x/a","fetched_at":"2024-03-01T10:00:00Z","body":"","x":[[[[[[[[[[[[]]]]]]]]]]]]})", "nested deeper" },
        { R"(["not", "an", "object"])", "not a JSON object" },
        { "{\"url\":\"https://x/\xC3\x28\"}", "not valid UTF-8" },
    };
    for (const auto& [text, expected] : cases) {
        auto record = parse_jsonl_record(line(text, 3));
        ASSERT_FALSE(record) << text;
        EXPECT_TRUE(record.error().message.starts_with("line 3: ")) << record.error().message;
        EXPECT_NE(record.error().message.find(expected), std::string::npos) << text << " -> " << record.error().message;
    }
}

TEST(ImportJsonl, BodyHtmlOfARestoredRevisionIsItsEscapedParagraphs)
{
    EXPECT_EQ(paragraphs_html("One <b>&\nstill one\n\n\nTwo"), "<p>One &lt;b&gt;&amp; still one</p><p>Two</p>");
}

class ImportRecords : public ArchiveTest { };

TEST_F(ImportRecords, StoresFeedArticleRevisionsAndEntryOnceEach)
{
    std::vector<ImportRecord> records;
    for (const char* body : { "First text.", "Second text." }) {
        std::string text = minimal;
        text.replace(text.find("Text."), 5, body);
        text.insert(text.size() - 1, R"(,"feed_url":"https://news.example/feed","guid":"g-1")");
        auto record = parse_jsonl_record(line(text));
        ASSERT_TRUE(record) << record.error().message;
        record->fetched_at += std::chrono::hours(records.size());
        records.push_back(std::move(*record));
    }
    auto first = archive->import_records(records);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->size(), 2u);
    EXPECT_EQ(first->at(0).value(), ImportChange::imported);
    EXPECT_EQ(first->at(1).value(), ImportChange::imported);
    auto again = archive->import_records(records);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->at(0).value(), ImportChange::skipped) << "revision 1 is held, with its fetch time";
    EXPECT_EQ(again->at(1).value(), ImportChange::skipped) << "revision 2 is the latest";
    auto article = archive->articles().find("https://news.example/a");
    ASSERT_TRUE(article && *article);
    EXPECT_EQ((*article)->revisions, 2);
    auto feeds = archive->feeds().list();
    ASSERT_TRUE(feeds);
    ASSERT_EQ(feeds->size(), 1u);
    EXPECT_EQ(feeds->front().articles, 1);
}

} // namespace
} // namespace feedkeeper::store::testing

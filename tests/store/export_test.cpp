// tests/store/export_test.cpp — each export format: JSONL fields per INTERFACE.md, CSV quoting
// per RFC 4180, WARC 1.1 record structure and digests (gzip member per record; every capture in
// fetch order, revisits of unchanged re-fetches), Markdown, OPML; and the feed and date filters.
#include "store_test_support.hpp"

#include "core/sha256.hpp"
#include "store/export.hpp"
#include "store/json_writer.hpp"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "core/text.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace feedkeeper::store::testing {
namespace {

class Export : public ArchiveTest {
protected:
    void SetUp() override
    {
        ArchiveTest::SetUp();
        feed = add_feed("https://news.example/feed.xml");
        ASSERT_TRUE(archive->entries().save(feed, { entry("guid-a", "https://news.example/a"), entry("guid-b", "https://news.example/b") }, at("2024-03-01T09:00:00Z")));
        for (const Job& job : *archive->jobs().due(at("2024-03-01T09:00:00Z"), 10)) {
            const bool a = job.url.ends_with("/a");
            ExtractedPage extracted = page(a ? "Quote \"this\", please" : "Zweiter Artikel", a ? "Line one, with comma.\n\nLine \"two\"." : prose(2, 30));
            extracted.published = a ? at("2024-02-01T00:00:00Z") : at("2024-03-01T00:00:00Z");
            ArticleInput input = article(job.url, extracted, at("2024-03-01T10:00:00Z"));
            input.job_id = job.id;
            input.entry_id = job.entry_id;
            save(input);
        }
        other_feed = add_feed("https://other.example/rss");
    }

    std::string exported(ExportFormat format, const ExportFilter& filter = {})
    {
        std::ostringstream out;
        auto summary = export_archive(*archive, format, filter, out);
        EXPECT_TRUE(summary) << (summary ? "" : summary.error().message);
        if (summary) {
            EXPECT_EQ(summary->bytes, out.str().size());
        }
        return out.str();
    }

    std::int64_t feed = 0;
    std::int64_t other_feed = 0;
};

std::vector<nlohmann::ordered_json> lines_of(const std::string& jsonl)
{
    std::vector<nlohmann::ordered_json> records; // ordered: the field order is checked
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);)
        records.push_back(nlohmann::ordered_json::parse(line));
    return records;
}

TEST_F(Export, JsonlHasOneRecordPerRevisionWithTheInterfaceFields)
{
    const auto records = lines_of(exported(ExportFormat::jsonl));
    ASSERT_EQ(records.size(), 2u);
    const nlohmann::ordered_json& a = records[0];
    std::vector<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it)
        keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string> { "id", "feed_url", "url", "canonical_url", "guid", "title", "author", "published", "modified",
                        "first_seen", "fetched_at", "revision", "language", "categories", "body", "content_sha256", "status", "body_source", "discovered_by" }));
    EXPECT_EQ(a["feed_url"], "https://news.example/feed.xml");
    EXPECT_EQ(a["url"], "https://news.example/a");
    EXPECT_EQ(a["guid"], "guid-a");
    EXPECT_EQ(a["published"], "2024-02-01T00:00:00Z");
    EXPECT_TRUE(a["modified"].is_null());
    EXPECT_TRUE(a["canonical_url"].is_null());
    EXPECT_EQ(a["fetched_at"], "2024-03-01T10:00:00Z");
    EXPECT_EQ(a["revision"], 1);
    EXPECT_EQ(a["body"], "Line one, with comma.\n\nLine \"two\".");
    EXPECT_EQ(a["content_sha256"], sha256_hex("Line one, with comma.\n\nLine \"two\"."));
    EXPECT_EQ(a["categories"], nlohmann::ordered_json::array({ "Politik", "Welt" }));
}

TEST(JsonWriter, EscapesLikeNlohmannAndReplacesInvalidUtf8)
{
    const std::string samples[] = { "plain", "quote \" backslash \\ slash /", std::string("nul \0 bell \a tab \t\r\n", 21), "Föderation — 東京 😀",
        "\x7f del", "" };
    for (const std::string& text : samples) {
        std::string ours;
        append_json_string(ours, text);
        EXPECT_EQ(ours, nlohmann::json(text).dump()) << text;
    }
    for (const std::string& invalid : { std::string("a\xff b"), std::string("cut \xe2\x82"), std::string("\xed\xa0\x80 surrogate"), std::string("\xc0\xaf overlong") }) {
        std::string ours;
        append_json_string(ours, invalid);
        const auto parsed = nlohmann::json::parse(ours); // valid JSON, valid UTF-8
        EXPECT_NE(parsed.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << ours;
    }
    std::string time;
    append_rfc3339(time, at("2024-02-29T23:59:07Z"));
    EXPECT_EQ(time, "2024-02-29T23:59:07Z");
    EXPECT_EQ(time, format_rfc3339(at("2024-02-29T23:59:07Z")));
}

TEST_F(Export, CsvQuotesFieldsPerRfc4180)
{
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
    EXPECT_EQ(csv_field(""), "");

    const std::string csv = exported(ExportFormat::csv);
    EXPECT_EQ(csv.rfind("id,revision,feed_url,url,canonical_url,guid,title,author,published,modified,first_seen,fetched_at,language,categories,content_sha256,status,body_source,discovered_by,body\r\n", 0), 0u);
    EXPECT_NE(csv.find(",\"Quote \"\"this\"\", please\","), std::string::npos);
    EXPECT_NE(csv.find(",\"Line one, with comma.\n\nLine \"\"two\"\".\"\r\n"), std::string::npos);
    // Records end in CRLF; the LFs inside quoted bodies are data: 1 header + 2 records.
    std::size_t records = 0;
    for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2))
        ++records;
    EXPECT_EQ(records, 3u);
}

TEST_F(Export, FeedAndDateFiltersSelectRevisions)
{
    EXPECT_EQ(lines_of(exported(ExportFormat::jsonl, { .feed_id = feed })).size(), 2u);
    EXPECT_EQ(lines_of(exported(ExportFormat::jsonl, { .feed_id = other_feed })).size(), 0u);
    const auto february = lines_of(exported(ExportFormat::jsonl, { .since = at("2024-02-01T00:00:00Z"), .until = at("2024-02-02T00:00:00Z") }));
    ASSERT_EQ(february.size(), 1u) << "by publication date";
    EXPECT_EQ(february[0]["url"], "https://news.example/a");
    EXPECT_EQ(lines_of(exported(ExportFormat::jsonl, { .since = at("2024-03-01T00:00:00Z") })).size(), 1u);
}

TEST_F(Export, MarkdownHasAHeadingAndMetadataPerRevision)
{
    const std::string markdown = exported(ExportFormat::markdown);
    EXPECT_NE(markdown.find("# Quote \"this\", please\n"), std::string::npos);
    EXPECT_NE(markdown.find("- URL: <https://news.example/a>"), std::string::npos);
    EXPECT_NE(markdown.find("- Published: 2024-02-01T00:00:00Z"), std::string::npos);
    EXPECT_NE(markdown.find("Line one, with comma."), std::string::npos);
}

TEST_F(Export, OpmlListsEveryFeedWithEscapedAttributes)
{
    ASSERT_TRUE(archive->feeds().add(NewFeed { .url = "https://x.example/?a=1&b=2", .name = "A & <B>" }));
    const std::string opml = exported(ExportFormat::opml);
    EXPECT_NE(opml.find("xmlUrl=\"https://news.example/feed.xml\""), std::string::npos);
    EXPECT_NE(opml.find("xmlUrl=\"https://x.example/?a=1&amp;b=2\""), std::string::npos);
    EXPECT_NE(opml.find("text=\"A &amp; &lt;B&gt;\""), std::string::npos);
    EXPECT_NE(opml.find("</opml>"), std::string::npos);
}

TEST_F(Export, EveryFormatFailsOnAFullDevice)
{
    for (ExportFormat format : { ExportFormat::opml, ExportFormat::jsonl, ExportFormat::csv, ExportFormat::markdown, ExportFormat::warc }) {
        std::ofstream full("/dev/full", std::ios::binary);
        ASSERT_TRUE(full) << "/dev/full is needed for this test";
        auto summary = export_archive(*archive, format, {}, full);
        ASSERT_FALSE(summary) << "format " << static_cast<int>(format) << " reported " << summary->bytes << " bytes written to /dev/full";
        EXPECT_EQ(summary.error().code, Errc::io);
    }
}

TEST_F(Export, OpmlStaysValidUtf8WhateverTheArchiveHolds)
{
    ASSERT_TRUE(archive->feeds().add(NewFeed { .url = "https://x.example/rss", .name = "Caf\xE9 \xFF" }));
    const std::string opml = exported(ExportFormat::opml);
    EXPECT_TRUE(is_valid_utf8(opml));
    EXPECT_NE(opml.find("text=\"Caf\xEF\xBF\xBD \xEF\xBF\xBD\""), std::string::npos) << opml;
}

// The gzip members of a WARC file, each decompressed.
std::vector<std::string> gzip_members(const std::string& data)
{
    std::vector<std::string> members;
    std::size_t offset = 0;
    while (offset < data.size()) {
        z_stream stream {};
        EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
        stream.avail_in = static_cast<uInt>(data.size() - offset);
        std::string out;
        char buffer[65536];
        int status = Z_OK;
        while (status == Z_OK) {
            stream.next_out = reinterpret_cast<Bytef*>(buffer);
            stream.avail_out = sizeof buffer;
            status = inflate(&stream, Z_NO_FLUSH);
            out.append(buffer, sizeof buffer - stream.avail_out);
        }
        EXPECT_EQ(status, Z_STREAM_END) << "member " << members.size() << " is not one complete gzip member";
        offset += stream.total_in;
        inflateEnd(&stream);
        members.push_back(out);
        if (status != Z_STREAM_END)
            break;
    }
    return members;
}

struct WarcRecord {
    std::map<std::string, std::string> headers;
    std::string block;
};

WarcRecord parse_record(const std::string& text)
{
    WarcRecord record;
    EXPECT_EQ(text.rfind("WARC/1.1\r\n", 0), 0u);
    const auto head_end = text.find("\r\n\r\n");
    std::istringstream head(text.substr(10, head_end - 10));
    for (std::string line; std::getline(head, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto colon = line.find(": ");
        record.headers[line.substr(0, colon)] = line.substr(colon + 2);
    }
    const std::size_t length = std::stoul(record.headers.at("Content-Length"));
    record.block = text.substr(head_end + 4, length);
    EXPECT_EQ(text.substr(head_end + 4 + length), "\r\n\r\n") << "record ends in two CRLFs";
    return record;
}

std::string warc_digest(std::string_view data) { return "sha256:" + to_base32(sha256(data)); }

TEST_F(Export, WarcHasResponseRequestAndMetadataRecordsWithVerifiableDigests)
{
    const auto members = gzip_members(exported(ExportFormat::warc));
    ASSERT_EQ(members.size(), 1u + 2u * 3u) << "warcinfo, response + request per capture, then metadata per revision";
    std::vector<WarcRecord> records;
    for (const std::string& member : members)
        records.push_back(parse_record(member));
    EXPECT_EQ(records[0].headers.at("WARC-Type"), "warcinfo");
    EXPECT_EQ(records[5].headers.at("WARC-Type"), "metadata");
    EXPECT_EQ(records[6].headers.at("WARC-Type"), "metadata");
    for (const WarcRecord& record : records) {
        EXPECT_EQ(record.headers.at("WARC-Block-Digest"), warc_digest(record.block)) << record.headers.at("WARC-Type");
        EXPECT_EQ(record.headers.at("WARC-Record-ID").rfind("<urn:uuid:", 0), 0u);
        EXPECT_EQ(record.headers.at("WARC-Date").size(), 20u);
    }
    const WarcRecord& response_record = records[1];
    EXPECT_EQ(response_record.headers.at("WARC-Type"), "response");
    EXPECT_EQ(response_record.headers.at("WARC-Target-URI"), "https://news.example/a");
    EXPECT_EQ(response_record.headers.at("Content-Type"), "application/http;msgtype=response");
    const auto payload_start = response_record.block.find("\r\n\r\n") + 4;
    const std::string http_head = response_record.block.substr(0, payload_start);
    const std::string payload = response_record.block.substr(payload_start);
    EXPECT_EQ(http_head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << http_head;
    EXPECT_EQ(http_head.find("Content-Encoding"), std::string::npos) << "the body is stored decoded";
    EXPECT_NE(http_head.find("Content-Length: " + std::to_string(payload.size()) + "\r\n"), std::string::npos) << http_head;
    EXPECT_EQ(response_record.headers.at("WARC-Payload-Digest"), warc_digest(payload));
    EXPECT_NE(payload.find("Line one, with comma."), std::string::npos);

    const WarcRecord& request_record = records[2];
    EXPECT_EQ(request_record.headers.at("WARC-Type"), "request");
    EXPECT_EQ(request_record.headers.at("WARC-Concurrent-To"), response_record.headers.at("WARC-Record-ID"));
    EXPECT_EQ(request_record.block.rfind("GET /a HTTP/1.1\r\n", 0), 0u) << request_record.block;

    const WarcRecord& metadata = records[5];
    EXPECT_EQ(metadata.headers.at("WARC-Type"), "metadata");
    EXPECT_EQ(metadata.headers.at("WARC-Refers-To"), response_record.headers.at("WARC-Record-ID"));
    EXPECT_EQ(nlohmann::json::parse(metadata.block)["body"], "Line one, with comma.\n\nLine \"two\".");
}

TEST_F(Export, WarcWritesACaptureOnceWhenReextractionReusesIt)
{
    const auto stored = archive->captures().latest("", 0, 10)->at(0);
    ArticleInput again;
    again.capture_id = stored.capture_id;
    again.response = *archive->captures().load(stored.capture_id);
    again.requested_url = again.response.url;
    again.page = page("Quote \"this\", please", "Better extraction.");
    ASSERT_EQ(save(again).change, ArticleChange::revised);
    const auto members = gzip_members(exported(ExportFormat::warc));
    std::size_t responses = 0, metadata = 0;
    for (const std::string& member : members) {
        const WarcRecord record = parse_record(member);
        responses += record.headers.at("WARC-Type") == "response";
        metadata += record.headers.at("WARC-Type") == "metadata";
    }
    EXPECT_EQ(responses, 2u);
    EXPECT_EQ(metadata, 3u);
}

TEST_F(Export, WarcMetadataRefersOnlyToResponsesInTheFile)
{
    // Re-extraction at a later date re-uses the first revision's capture; a --since that leaves
    // that first revision out must still write the capture (once) for the revision it keeps.
    const auto stored = archive->captures().latest("", 0, 10)->at(0);
    ArticleInput again;
    again.capture_id = stored.capture_id;
    again.response = *archive->captures().load(stored.capture_id);
    again.requested_url = again.response.url;
    again.page = page("Re-extracted", "Better extraction.");
    again.page.published = at("2024-06-01T00:00:00Z");
    ASSERT_EQ(save(again).change, ArticleChange::revised);
    ExportFilter filter;
    filter.since = at("2024-05-01T00:00:00Z");
    std::set<std::string> responses;
    std::vector<std::string> references;
    for (const std::string& member : gzip_members(exported(ExportFormat::warc, filter))) {
        const WarcRecord record = parse_record(member);
        if (record.headers.at("WARC-Type") == "response")
            responses.insert(record.headers.at("WARC-Record-ID"));
        if (auto it = record.headers.find("WARC-Refers-To"); it != record.headers.end())
            references.push_back(it->second);
    }
    ASSERT_EQ(references.size(), 1u);
    EXPECT_TRUE(responses.contains(references[0])) << "a reference to a record that is not in the file";
}

// The records of a WARC export, parsed.
std::vector<WarcRecord> warc_records(const std::string& warc)
{
    std::vector<WarcRecord> records;
    for (const std::string& member : gzip_members(warc))
        records.push_back(parse_record(member));
    return records;
}

std::vector<std::string> types_and_targets(const std::vector<WarcRecord>& records, const std::set<std::string>& types)
{
    std::vector<std::string> seen;
    for (const WarcRecord& record : records)
        if (types.contains(record.headers.at("WARC-Type")))
            seen.push_back(record.headers.at("WARC-Type") + " " + record.headers.at("WARC-Target-URI"));
    return seen;
}

const WarcRecord* record_with_id(const std::vector<WarcRecord>& records, const std::string& id)
{
    for (const WarcRecord& record : records)
        if (record.headers.at("WARC-Record-ID") == id)
            return &record;
    return nullptr;
}

TEST_F(Export, WarcWritesEveryCaptureInFetchOrderWithItsRequest)
{
    ASSERT_TRUE(archive->captures().save(response("https://news.example/feed.xml", "<rss/>", at("2024-03-01T09:00:00Z")), "feed"));
    ASSERT_TRUE(archive->captures().save(response("https://news.example/robots.txt", "User-agent: *\n", at("2024-03-01T09:30:00Z")), "robots"));
    const auto records = warc_records(exported(ExportFormat::warc));
    EXPECT_EQ(types_and_targets(records, { "response" }),
        (std::vector<std::string> { "response https://news.example/feed.xml", "response https://news.example/robots.txt", "response https://news.example/a",
            "response https://news.example/b" }))
        << "fetch order (the feed and robots.txt were stored after the articles)";
    std::size_t requests = 0;
    for (const WarcRecord& record : records) {
        if (record.headers.at("WARC-Type") != "request")
            continue;
        ++requests;
        const WarcRecord* response_record = record_with_id(records, record.headers.at("WARC-Concurrent-To"));
        ASSERT_NE(response_record, nullptr);
        EXPECT_EQ(response_record->headers.at("WARC-Target-URI"), record.headers.at("WARC-Target-URI"));
    }
    EXPECT_EQ(requests, 4u);
}

TEST_F(Export, WarcWritesAnUnchangedRefetchAsARevisitOfTheFirstResponse)
{
    // Article a fetched again a day later, unchanged; article b changed; and a's page once more
    // under another URL (not a revisit: the profile is about one URL).
    ExtractedPage same = page("Quote \"this\", please", "Line one, with comma.\n\nLine \"two\".");
    same.published = at("2024-02-01T00:00:00Z");
    ASSERT_EQ(save(article("https://news.example/a", same, at("2024-03-02T10:00:00Z"))).change, ArticleChange::unchanged);
    ASSERT_EQ(save(article("https://news.example/b", page("Zweiter Artikel", prose(3, 30)), at("2024-03-02T10:00:00Z"))).change, ArticleChange::revised);
    ASSERT_TRUE(archive->captures().save(response("https://news.example/a?copy", "<html><body><p>Line one, with comma.\n\nLine \"two\".</p></body></html>",
                                          at("2024-03-03T10:00:00Z")),
        "article"));

    const auto records = warc_records(exported(ExportFormat::warc));
    EXPECT_EQ(types_and_targets(records, { "response", "revisit" }),
        (std::vector<std::string> { "response https://news.example/a", "response https://news.example/b", "revisit https://news.example/a",
            "response https://news.example/b", "response https://news.example/a?copy" }));
    const WarcRecord* first = nullptr;
    const WarcRecord* revisit = nullptr;
    for (const WarcRecord& record : records) {
        if (!first && record.headers.at("WARC-Type") == "response")
            first = &record;
        if (record.headers.at("WARC-Type") == "revisit")
            revisit = &record;
    }
    ASSERT_TRUE(first && revisit);
    EXPECT_EQ(revisit->headers.at("WARC-Profile"), "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest");
    EXPECT_EQ(revisit->headers.at("WARC-Refers-To"), first->headers.at("WARC-Record-ID"));
    EXPECT_EQ(revisit->headers.at("WARC-Refers-To-Target-URI"), "https://news.example/a");
    EXPECT_EQ(revisit->headers.at("WARC-Refers-To-Date"), "2024-03-01T10:00:00Z");
    EXPECT_EQ(revisit->headers.at("WARC-Date"), "2024-03-02T10:00:00Z");
    EXPECT_EQ(revisit->headers.at("WARC-Payload-Digest"), first->headers.at("WARC-Payload-Digest"));
    EXPECT_EQ(revisit->headers.at("Content-Type"), "application/http;msgtype=response");
    // The block is the HTTP head only, stating the length of the payload it does not repeat.
    const std::string first_head = first->block.substr(0, first->block.find("\r\n\r\n") + 4);
    EXPECT_EQ(revisit->block, first_head);
    EXPECT_EQ(revisit->headers.at("WARC-Block-Digest"), warc_digest(revisit->block));
    // Its request is written too, and the metadata of a's one revision still refers to the response.
    std::size_t requests_of_revisit = 0;
    for (const WarcRecord& record : records) {
        if (record.headers.at("WARC-Type") == "request" && record.headers.at("WARC-Concurrent-To") == revisit->headers.at("WARC-Record-ID"))
            ++requests_of_revisit;
        if (record.headers.at("WARC-Type") == "metadata" && nlohmann::json::parse(record.block)["url"] == "https://news.example/a") {
            EXPECT_EQ(record.headers.at("WARC-Refers-To"), first->headers.at("WARC-Record-ID"));
        }
    }
    EXPECT_EQ(requests_of_revisit, 1u);
}

TEST_F(Export, WarcRevisitStandsInForACaptureWhoseBodyRetentionDropped)
{
    ExtractedPage same = page("Quote \"this\", please", "Line one, with comma.\n\nLine \"two\".");
    same.published = at("2024-02-01T00:00:00Z");
    ASSERT_EQ(save(article("https://news.example/a", same, at("2024-03-02T10:00:00Z"))).change, ArticleChange::unchanged);
    ASSERT_EQ(save(article("https://news.example/a", same, at("2025-03-02T10:00:00Z"))).change, ArticleChange::unchanged);
    // Drops the bodies of everything but each article's latest capture: a's second capture (a
    // revisit of the first, whose body is kept as the current revision's) loses its body.
    auto pruned = archive->maintenance().prune_captures(at("2025-01-01T00:00:00Z"));
    ASSERT_TRUE(pruned);
    ASSERT_EQ(pruned->captures, 1);
    const auto records = warc_records(exported(ExportFormat::warc));
    EXPECT_EQ(types_and_targets(records, { "response", "revisit" }),
        (std::vector<std::string> { "response https://news.example/a", "response https://news.example/b", "revisit https://news.example/a",
            "revisit https://news.example/a" }))
        << "the digest kept with a dropped body is enough for a revisit";
}

TEST_F(Export, WarcWithFiltersKeepsOnlyTheCapturesOfTheExportedRecords)
{
    // The feed's documents, robots.txt of the article host and of another host, another feed's document.
    ASSERT_TRUE(archive->captures().save(response("https://news.example/feed.xml", "<rss>1</rss>", at("2024-03-01T09:00:00Z")), "feed"));
    ASSERT_TRUE(archive->captures().save(response("https://news.example/feed.xml", "<rss>2</rss>", at("2024-04-01T09:00:00Z")), "feed"));
    ASSERT_TRUE(archive->captures().save(response("https://news.example/robots.txt", "", at("2024-03-01T09:30:00Z")), "robots"));
    ASSERT_TRUE(archive->captures().save(response("https://elsewhere.example/robots.txt", "", at("2024-03-01T09:30:00Z")), "robots"));
    ASSERT_TRUE(archive->captures().save(response("https://other.example/rss", "<rss>other</rss>", at("2024-03-01T09:00:00Z")), "feed"));
    // a re-fetched unchanged: its re-fetch belongs to its (only) revision.
    ExtractedPage same = page("Quote \"this\", please", "Line one, with comma.\n\nLine \"two\".");
    same.published = at("2024-02-01T00:00:00Z");
    ASSERT_EQ(save(article("https://news.example/a", same, at("2024-03-02T10:00:00Z"))).change, ArticleChange::unchanged);

    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc)), { "response", "revisit" }).size(), 8u) << "unfiltered: every capture";

    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc, { .feed_id = feed })), { "response", "revisit" }),
        (std::vector<std::string> { "response https://news.example/feed.xml", "response https://news.example/robots.txt", "response https://news.example/a",
            "response https://news.example/b", "revisit https://news.example/a", "response https://news.example/feed.xml" }));
    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc, { .feed_id = other_feed })), { "response", "revisit" }),
        (std::vector<std::string> { "response https://other.example/rss" }));

    // February by publication date: article a (and its re-fetch); no feed document was fetched then.
    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc, { .since = at("2024-02-01T00:00:00Z"), .until = at("2024-02-02T00:00:00Z") })),
                  { "response", "revisit", "metadata" }),
        (std::vector<std::string> { "response https://news.example/a", "revisit https://news.example/a", "metadata https://news.example/a" }));
    // From April: the second feed document only (both articles were published before).
    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc, { .since = at("2024-04-01T00:00:00Z") })), { "response", "revisit", "metadata" }),
        (std::vector<std::string> { "response https://news.example/feed.xml" }));

    // By record status: the articles' captures and the feeds' documents; a status no record has, the feeds' alone.
    ExportFilter articles;
    articles.statuses = { RecordStatus::article };
    EXPECT_EQ(types_and_targets(warc_records(exported(ExportFormat::warc, articles)), { "response", "revisit" }).size(), 8u);
    ExportFilter walls;
    walls.statuses = { RecordStatus::consent_wall };
    for (const std::string& record : types_and_targets(warc_records(exported(ExportFormat::warc, walls)), { "response", "revisit", "metadata" }))
        EXPECT_EQ(record.find("https://news.example/a"), std::string::npos) << record;
}

} // namespace
} // namespace feedkeeper::store::testing

// tests/store/warc_reader_test.cpp — the WARC reader on files written here: gzip member per record
// and uncompressed, WARC 1.0 and 1.1, block digests in sha256/base32 and sha1/hex verified, a bad
// digest, truncation, and every cap (header, block, decompressed size); the HTTP payload of a
// response record de-chunked and decoded.
#include "core/sha256.hpp"
#include "store/export_warc.hpp"
#include "store/warc_http.hpp"
#include "store/warc_reader.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>

namespace feedkeeper::store {
namespace {

using feedkeeper::testing::TemporaryDirectory;

std::string sha256_field(std::string_view data) { return "sha256:" + to_base32(sha256(data)); }

// One uncompressed record, with the digest given (or none).
std::string plain_record(const std::string& type, const std::string& id, std::string_view block, std::string digest, const std::string& version = "WARC/1.1")
{
    std::string record = version + "\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: " + id + "\r\nWARC-Date: 2024-03-01T10:00:00Z\r\n";
    if (!digest.empty())
        record += "WARC-Block-Digest: " + digest + "\r\n";
    record += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n";
    record += block;
    record += "\r\n\r\n";
    return record;
}

std::string gzip_record(const std::string& type, const std::string& id, std::string_view block, std::string digest)
{
    std::vector<std::pair<std::string, std::string>> headers { { "WARC-Type", type }, { "WARC-Record-ID", id }, { "WARC-Date", "2024-03-01T10:00:00Z" } };
    if (!digest.empty())
        headers.emplace_back("WARC-Block-Digest", digest);
    return warc_record(headers, block);
}

std::string fmt_hex(std::size_t n) { return fmt::format("{:x}", n); }

std::string gzip(std::string_view data)
{
    uLongf size = compressBound(static_cast<uLong>(data.size())) + 64;
    std::string out(size, '\0');
    z_stream stream {};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

class WarcReaderTest : public ::testing::Test {
protected:
    std::string write(const std::string& bytes)
    {
        const std::string path = directory.file("test.warc");
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    std::unique_ptr<WarcReader> open(const std::string& bytes, WarcLimits limits = {})
    {
        auto reader = WarcReader::open(write(bytes), limits);
        EXPECT_TRUE(reader) << reader.error().message;
        return std::move(*reader);
    }

    TemporaryDirectory directory;
};

TEST_F(WarcReaderTest, ReadsGzipMembersInOrderWithTheirOffsetsAndVerifiedDigests)
{
    const std::string first = gzip_record("warcinfo", "<urn:uuid:1>", "software: test\r\n", sha256_field("software: test\r\n"));
    const std::string second = gzip_record("response", "<urn:uuid:2>", "HTTP/1.1 200 OK\r\n\r\nhello", sha256_field("HTTP/1.1 200 OK\r\n\r\nhello"));
    const std::string third = gzip_record("metadata", "<urn:uuid:3>", "{}", "");
    auto reader = open(first + second + third);
    EXPECT_TRUE(reader->compressed());
    std::vector<std::pair<std::string, std::uint64_t>> seen;
    for (;;) {
        auto record = reader->next();
        ASSERT_TRUE(record) << record.error().message;
        if (!*record)
            break;
        seen.emplace_back((*record)->type(), (*record)->offset);
        EXPECT_EQ((*record)->version, "WARC/1.1");
        EXPECT_EQ((*record)->block_digest, (*record)->type() == "metadata" ? DigestCheck::absent : DigestCheck::verified);
    }
    const std::vector<std::pair<std::string, std::uint64_t>> expected { { "warcinfo", 0 }, { "response", first.size() }, { "metadata", first.size() + second.size() } };
    EXPECT_EQ(seen, expected);
}

TEST_F(WarcReaderTest, ReadsAnUncompressedWarc10FileWithFoldedFieldsAndSha1HexDigests)
{
    // sha1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d
    std::string folded = plain_record("resource", "<urn:uuid:a>", "abc", "sha1:a9993e364706816aba3e25717850c26c9cd0d89d", "WARC/1.0");
    folded.insert(folded.find("WARC-Date"), "X-Long: first part\r\n  second part\r\n");
    const std::string second = plain_record("metadata", "<urn:uuid:b>", "", "");
    auto reader = open("\r\n" + folded + second);
    EXPECT_FALSE(reader->compressed());
    auto record = reader->next();
    ASSERT_TRUE(record && *record) << (record ? "end" : record.error().message);
    EXPECT_EQ((*record)->version, "WARC/1.0");
    EXPECT_EQ((*record)->block, "abc");
    EXPECT_EQ((*record)->block_digest, DigestCheck::verified);
    EXPECT_EQ((*record)->field("x-long").value_or(""), "first part second part");
    auto next = reader->next();
    ASSERT_TRUE(next && *next);
    EXPECT_EQ((*next)->offset, 2 + folded.size());
    EXPECT_EQ((*next)->block, "");
    auto end = reader->next();
    ASSERT_TRUE(end);
    EXPECT_FALSE(*end);
}

TEST_F(WarcReaderTest, BadBlockDigestIsAnErrorNamingTheRecordAndReadingGoesOn)
{
    for (const bool compressed : { true, false }) {
        SCOPED_TRACE(compressed ? "gzip" : "plain");
        const auto make = [compressed](const std::string& type, const std::string& id, std::string_view block, std::string digest) {
            return compressed ? gzip_record(type, id, block, std::move(digest)) : plain_record(type, id, block, std::move(digest));
        };
        const std::string first = make("resource", "<urn:uuid:good>", "one", sha256_field("one"));
        const std::string bad = make("resource", "<urn:uuid:bad>", "two", sha256_field("not two"));
        const std::string third = make("resource", "<urn:uuid:after>", "three", sha256_field("three"));
        auto reader = open(first + bad + third);
        ASSERT_TRUE(reader->next().value());
        auto failed = reader->next();
        ASSERT_FALSE(failed);
        EXPECT_NE(failed.error().message.find("offset " + std::to_string(first.size())), std::string::npos) << failed.error().message;
        EXPECT_NE(failed.error().message.find("<urn:uuid:bad>"), std::string::npos) << failed.error().message;
        EXPECT_NE(failed.error().message.find("WARC-Block-Digest"), std::string::npos) << failed.error().message;
        auto after = reader->next();
        ASSERT_TRUE(after && *after) << (after ? "end" : after.error().message);
        EXPECT_EQ((*after)->block, "three");
    }
}

TEST_F(WarcReaderTest, TruncatedFileGivesItsCompleteRecordsThenAnError)
{
    for (const bool compressed : { true, false }) {
        SCOPED_TRACE(compressed ? "gzip" : "plain");
        const std::string block(5000, 'x');
        const std::string whole = compressed ? gzip_record("resource", "<urn:uuid:1>", "one", "") + gzip_record("resource", "<urn:uuid:2>", block, "")
                                             : plain_record("resource", "<urn:uuid:1>", "one", "") + plain_record("resource", "<urn:uuid:2>", block, "");
        const std::size_t first_size = compressed ? gzip_record("resource", "<urn:uuid:1>", "one", "").size() : plain_record("resource", "<urn:uuid:1>", "one", "").size();
        auto reader = open(whole.substr(0, first_size + (whole.size() - first_size) / 2));
        auto first = reader->next();
        ASSERT_TRUE(first && *first);
        auto cut = reader->next();
        ASSERT_FALSE(cut);
        EXPECT_NE(cut.error().message.find("truncated"), std::string::npos) << cut.error().message;
        auto end = reader->next();
        ASSERT_TRUE(end);
        EXPECT_FALSE(*end) << "nothing is made up after the damage";
    }
}

TEST_F(WarcReaderTest, BlockOverTheCapIsSkippedWithAnError)
{
    WarcLimits limits;
    limits.max_block_bytes = 100;
    auto reader = open(plain_record("resource", "<urn:uuid:big>", std::string(200, 'b'), "") + plain_record("resource", "<urn:uuid:small>", "ok", ""), limits);
    auto big = reader->next();
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, Errc::too_large);
    EXPECT_NE(big.error().message.find("<urn:uuid:big>"), std::string::npos) << big.error().message;
    auto small = reader->next();
    ASSERT_TRUE(small && *small);
    EXPECT_EQ((*small)->block, "ok");
}

TEST_F(WarcReaderTest, HeaderOverTheCapIsAnErrorAndTheNextMemberIsRead)
{
    WarcLimits limits;
    limits.max_header_bytes = 256;
    std::vector<std::pair<std::string, std::string>> headers { { "WARC-Type", "resource" }, { "X-Padding", std::string(1000, 'p') } };
    auto reader = open(warc_record(headers, "huge header") + gzip_record("resource", "<urn:uuid:next>", "next", ""), limits);
    auto huge = reader->next();
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error().code, Errc::too_large);
    auto next = reader->next();
    ASSERT_TRUE(next && *next) << (next ? "end" : next.error().message);
    EXPECT_EQ((*next)->block, "next");
}

TEST_F(WarcReaderTest, DecompressedSizeOverTheCapStopsReading)
{
    WarcLimits limits;
    limits.max_decompressed_bytes = 4096;
    auto reader = open(gzip_record("resource", "<urn:uuid:bomb>", std::string(100'000, '\0'), ""), limits);
    auto bomb = reader->next();
    ASSERT_FALSE(bomb);
    EXPECT_EQ(bomb.error().code, Errc::too_large);
    auto end = reader->next();
    ASSERT_TRUE(end);
    EXPECT_FALSE(*end);
}

TEST_F(WarcReaderTest, SomethingElseIsNotAWarcRecord)
{
    auto reader = open("<html>not a warc</html>\r\n\r\n");
    auto record = reader->next();
    ASSERT_FALSE(record);
    EXPECT_NE(record.error().message.find("not a WARC"), std::string::npos) << record.error().message;
}

TEST_F(WarcReaderTest, ResponsePayloadIsDechunkedAndDecoded)
{
    const std::string payload = "<html><body>Grüße</body></html>";
    const std::string encoded = gzip(payload);
    std::string chunked;
    chunked += fmt_hex(encoded.size() / 2) + "\r\n" + encoded.substr(0, encoded.size() / 2) + "\r\n";
    chunked += fmt_hex(encoded.size() - encoded.size() / 2) + "\r\n" + encoded.substr(encoded.size() / 2) + "\r\n0\r\n\r\n";
    const std::string block = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked;
    WarcRecord record;
    record.fields = { { "WARC-Type", "response" }, { "WARC-Target-URI", "https://news.example/a" }, { "WARC-Date", "2024-03-01T10:00:00Z" },
        { "Content-Type", "application/http; msgtype=response" } };
    record.block = block;
    auto response = warc_http_response(record);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->url, "https://news.example/a");
    EXPECT_EQ(response->body, payload);
    EXPECT_EQ(response->headers.size(), 1u) << "the codings are undone, so they are no longer stated";
    EXPECT_EQ(format_rfc3339(response->fetched_at), "2024-03-01T10:00:00Z");
}

} // namespace
} // namespace feedkeeper::store

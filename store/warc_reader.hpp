// store/warc_reader.hpp — a WARC 1.0/1.1 reader: records in file order from a file that is
// uncompressed or gzip-compressed (one member per record, as export_warc writes, or several
// records per member), each with its header fields and its block, the block digest verified when
// the record states one (sha1 or sha256, base32 or hex). Every size is capped (WarcLimits).
// Threading: one reader, one thread at a time; pure apart from reading its file.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace feedkeeper::store {

struct WarcLimits {
    std::size_t max_header_bytes = 64 * 1024;            // a record's header block (WARC/1.x line to the blank line)
    std::size_t max_block_bytes = 256 * 1024 * 1024;     // a record's Content-Length
    std::uint64_t max_decompressed_bytes = std::uint64_t { 64 } * 1024 * 1024 * 1024; // the whole file, decompressed (gzip bombs)
};

// Whether a record's WARC-Block-Digest was checked.
enum class DigestCheck { verified, absent, unsupported }; // a mismatch is an error, never a record

struct WarcRecord {
    std::uint64_t offset = 0; // where the record starts: its gzip member (compressed files) or its first byte
    std::string version;      // "WARC/1.0", "WARC/1.1"
    std::vector<std::pair<std::string, std::string>> fields; // header fields, names as written
    std::string block;
    DigestCheck block_digest = DigestCheck::absent;

    // The first field of that name (case-insensitive), if any.
    std::optional<std::string_view> field(std::string_view name) const;
    std::string type() const;      // WARC-Type, "" when missing
    std::string record_id() const; // WARC-Record-ID, "" when missing
    // "record at offset N (<urn:uuid:…>)": how errors name a record.
    std::string where() const;
};

// A digest field ("sha256:BASE32", "sha1:HEX", …) as raw bytes with its algorithm; nullopt when
// it cannot be read. Algorithms are lower-cased ("sha1", "sha256").
struct WarcDigest {
    std::string algorithm;
    std::string bytes;
};
std::optional<WarcDigest> parse_warc_digest(std::string_view field);
// Whether `data` has the digest `field` states; nullopt when the algorithm is not supported.
std::optional<bool> warc_digest_matches(std::string_view field, std::string_view data);

class WarcReader {
public:
    // Opens `path`; gzip when it starts with the gzip magic, else uncompressed.
    static Result<std::unique_ptr<WarcReader>> open(const std::filesystem::path& path, WarcLimits = {});
    ~WarcReader();
    WarcReader(const WarcReader&) = delete;
    WarcReader& operator=(const WarcReader&) = delete;

    // The next record; nullopt at the end of the file. An error names the record (its offset and
    // id when known). After a record that was read whole but is wrong (a digest mismatch, an
    // oversized block that could be skipped, a bad header in a gzip member of its own), reading
    // goes on with the next record; after damage that loses the way (a truncated file, broken
    // compression, a header that cannot be delimited in an uncompressed file), next() returns
    // nullopt from then on.
    Result<std::optional<WarcRecord>> next();

    bool compressed() const;
    std::uint64_t bytes_read() const; // of the file, for progress
    std::uint64_t file_size() const;

    struct Impl;

private:
    explicit WarcReader(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> m_impl;
};

} // namespace feedkeeper::store

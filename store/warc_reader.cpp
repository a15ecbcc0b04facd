// store/warc_reader.cpp — WARC records from a plain or gzip file. Bytes flow file -> (zlib,
// member by member) -> a buffer the record parser consumes; the buffer keeps at most one record
// (header cap + block cap) plus one read chunk. Threading: as WarcReader.
#include "store/warc_reader.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "store/zlib_stream.hpp"

#include <fmt/format.h>

#include <charconv>
#include <deque>
#include <fstream>

namespace feedkeeper::store {
namespace {

constexpr std::size_t read_chunk = 64 * 1024;

std::optional<std::string> decode_base32(std::string_view text)
{
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=')
            break;
        int value = -1;
        if (c >= 'A' && c <= 'Z')
            value = c - 'A';
        else if (c >= 'a' && c <= 'z')
            value = c - 'a';
        else if (c >= '2' && c <= '7')
            value = c - '2' + 26;
        if (value < 0)
            return std::nullopt;
        buffer = (buffer << 5) | static_cast<unsigned>(value);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
            bits -= 8;
        }
    }
    return out;
}

std::optional<std::string> decode_hex(std::string_view text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
        if (error != std::errc() || end != text.data() + i + 2)
            return std::nullopt;
        out += static_cast<char>(value);
    }
    return out;
}

} // namespace

std::optional<WarcDigest> parse_warc_digest(std::string_view field)
{
    const auto colon = field.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    WarcDigest digest;
    digest.algorithm = ascii_lower(trim(field.substr(0, colon)));
    std::erase(digest.algorithm, '-'); // "sha-256" as some writers spell it
    const std::string value = trim(field.substr(colon + 1));
    const std::size_t size = digest.algorithm == "sha1" ? 20 : digest.algorithm == "sha256" ? 32 : 0;
    if (size == 0)
        return digest; // known to be a digest, of an algorithm we do not check
    std::optional<std::string> bytes = value.size() == 2 * size ? decode_hex(value) : decode_base32(value);
    if (!bytes || bytes->size() != size)
        return std::nullopt;
    digest.bytes = std::move(*bytes);
    return digest;
}

std::optional<bool> warc_digest_matches(std::string_view field, std::string_view data)
{
    const auto digest = parse_warc_digest(field);
    if (!digest)
        return false; // unreadable: it cannot vouch for the block
    if (digest->algorithm == "sha256") {
        const Sha256Digest actual = sha256(data);
        return std::string_view(reinterpret_cast<const char*>(actual.data()), actual.size()) == digest->bytes;
    }
    if (digest->algorithm == "sha1") {
        const Sha1Digest actual = sha1(data);
        return std::string_view(reinterpret_cast<const char*>(actual.data()), actual.size()) == digest->bytes;
    }
    return std::nullopt;
}

std::optional<std::string_view> WarcRecord::field(std::string_view name) const
{
    for (const auto& [key, value] : fields)
        if (iequals(key, name))
            return std::string_view(value);
    return std::nullopt;
}

std::string WarcRecord::type() const { return std::string(field("WARC-Type").value_or("")); }
std::string WarcRecord::record_id() const { return std::string(field("WARC-Record-ID").value_or("")); }

std::string WarcRecord::where() const
{
    const std::string id = record_id();
    return id.empty() ? fmt::format("record at offset {}", offset) : fmt::format("record at offset {} ({})", offset, strip_control_characters(id));
}

struct WarcReader::Impl {
    std::filesystem::path path;
    std::ifstream file;
    std::uint64_t size = 0;
    WarcLimits limits;
    bool gzip = false;
    bool lost = false; // damage that loses the way: no further record can be found

    // Compressed input (gzip only).
    InflateHandle inflater;
    std::string input = std::string(read_chunk, '\0');
    std::uint64_t file_read = 0; // bytes taken from the file
    bool member_open = false;
    // Where each gzip member starts: (its first decompressed byte, its offset in the file).
    std::deque<std::pair<std::uint64_t, std::uint64_t>> members;

    // Decompressed bytes not consumed yet: buffer[pos..].
    std::string buffer;
    std::size_t pos = 0;
    std::uint64_t consumed = 0; // stream position of buffer[pos]
    std::uint64_t produced = 0; // stream bytes produced in all

    std::uint64_t compressed_position() const { return file_read - inflater->avail_in; }
    std::size_t available() const { return buffer.size() - pos; }

    void consume(std::size_t n)
    {
        pos += n;
        consumed += n;
        if (pos > 4 * read_chunk && pos * 2 > buffer.size()) {
            buffer.erase(0, pos);
            pos = 0;
        }
    }

    // Appends decompressed bytes to the buffer: true when some came, false at the end of the file.
    Result<bool> fill()
    {
        if (!gzip) {
            const std::size_t old = buffer.size();
            buffer.resize(old + read_chunk);
            file.read(buffer.data() + old, static_cast<std::streamsize>(read_chunk));
            const auto got = static_cast<std::size_t>(file.gcount());
            buffer.resize(old + got);
            file_read += got;
            produced += got;
            return got > 0;
        }
        for (;;) {
            z_stream& stream = *inflater;
            if (stream.avail_in == 0) {
                file.read(input.data(), static_cast<std::streamsize>(input.size()));
                const auto got = static_cast<std::size_t>(file.gcount());
                file_read += got;
                stream.next_in = reinterpret_cast<Bytef*>(input.data());
                stream.avail_in = static_cast<uInt>(got);
                if (got == 0) {
                    if (member_open)
                        return Error(Errc::corrupt, fmt::format("the file ends inside the gzip member at offset {}: it is truncated", members.back().second));
                    return false;
                }
            }
            if (!member_open) {
                // A new member: zero bytes of padding after the last one are tolerated.
                while (stream.avail_in > 0 && *stream.next_in == 0) {
                    ++stream.next_in;
                    --stream.avail_in;
                }
                if (stream.avail_in == 0)
                    continue;
                if (*stream.next_in != 0x1f)
                    return Error(Errc::corrupt, fmt::format("not gzip data at offset {} (after the last complete member)", compressed_position()));
                if (inflateReset(&stream) != Z_OK)
                    return Error(Errc::corrupt, "cannot reset the gzip decoder");
                members.emplace_back(produced, compressed_position());
                member_open = true;
            }
            const std::size_t old = buffer.size();
            buffer.resize(old + read_chunk);
            stream.next_out = reinterpret_cast<Bytef*>(buffer.data() + old);
            stream.avail_out = static_cast<uInt>(read_chunk);
            const int status = inflate(&stream, Z_NO_FLUSH);
            const std::size_t got = read_chunk - stream.avail_out;
            buffer.resize(old + got);
            produced += got;
            if (status == Z_STREAM_END)
                member_open = false;
            else if (status != Z_OK && status != Z_BUF_ERROR)
                return Error(Errc::corrupt, fmt::format("broken gzip data in the member at offset {}: {}", members.back().second, stream.msg ? stream.msg : "inflate failed"));
            if (produced > limits.max_decompressed_bytes)
                return Error(Errc::too_large, fmt::format("the file decompresses to more than {} bytes (the cap); reading stops at offset {}", limits.max_decompressed_bytes, compressed_position()));
            if (got > 0)
                return true;
        }
    }

    // Makes at least `n` bytes available; false when the file ends first.
    Result<bool> require(std::size_t n)
    {
        while (available() < n) {
            auto more = fill();
            if (!more)
                return more.error();
            if (!*more)
                return false;
        }
        return true;
    }

    std::uint64_t record_offset(std::uint64_t stream_position)
    {
        if (!gzip)
            return stream_position;
        while (members.size() > 1 && members[1].first <= stream_position)
            members.pop_front();
        return members.empty() ? 0 : members.front().second;
    }

    // After a bad record in a compressed file: on to the next member, where the next record starts
    // (export_warc and most writers put one record in each member). False when that is not possible.
    bool skip_to_next_member(std::uint64_t record_start)
    {
        if (!gzip)
            return false;
        for (const auto& [start, offset] : members) {
            if (start > record_start && start <= produced) {
                const auto skip = static_cast<std::size_t>(start - consumed);
                if (skip > available())
                    return false;
                consume(skip);
                return true;
            }
        }
        // The rest of the record's member is not decompressed yet: decompress it and drop it.
        while (member_open) {
            consume(available());
            auto more = fill();
            if (!more || !*more)
                return false;
        }
        std::uint64_t next_start = produced;
        for (const auto& [start, offset] : members)
            if (start > record_start) {
                next_start = start;
                break;
            }
        consume(static_cast<std::size_t>(std::min<std::uint64_t>(next_start - consumed, available())));
        return true;
    }

    // An error that leaves the reader at the next record if possible, else lost.
    Error recoverable(Error error, std::uint64_t record_start)
    {
        if (!skip_to_next_member(record_start))
            lost = true;
        return error;
    }

    Error fatal(Error error)
    {
        lost = true;
        return error;
    }

    Result<std::optional<WarcRecord>> next();
};

Result<std::optional<WarcRecord>> WarcReader::Impl::next()
{
    if (lost)
        return std::optional<WarcRecord>();
    // Blank lines between records (a writer's extra CRLF) are no record.
    for (;;) {
        auto ready = require(1);
        if (!ready)
            return fatal(ready.error());
        if (!*ready)
            return std::optional<WarcRecord>();
        const char c = buffer[pos];
        if (c != '\r' && c != '\n')
            break;
        consume(1);
    }
    const std::uint64_t start = consumed;
    WarcRecord record;
    record.offset = record_offset(start);
    const std::string at = fmt::format("record at offset {}", record.offset);

    // The header: up to the first blank line, capped.
    std::size_t header_end = std::string::npos;
    for (std::size_t searched = 0;;) {
        const std::string_view window(buffer.data() + pos, available());
        header_end = window.find("\r\n\r\n", searched > 3 ? searched - 3 : 0);
        if (header_end != std::string::npos || available() > limits.max_header_bytes)
            break;
        searched = available();
        auto more = fill();
        if (!more)
            return fatal(more.error());
        if (!*more)
            return fatal(Error(Errc::corrupt, fmt::format("{}: the file ends inside the record's header: it is truncated", at)));
    }
    if (header_end == std::string::npos || header_end > limits.max_header_bytes)
        return recoverable(Error(Errc::too_large, fmt::format("{}: no end of the WARC header within {} bytes (the cap)", at, limits.max_header_bytes)), start);
    const std::string header(buffer.data() + pos, header_end);
    consume(header_end + 4);

    std::size_t line_start = 0;
    bool first = true;
    while (line_start <= header.size()) {
        auto line_end = header.find("\r\n", line_start);
        if (line_end == std::string::npos)
            line_end = header.size();
        const std::string_view line(header.data() + line_start, line_end - line_start);
        line_start = line_end + 2;
        if (first) {
            first = false;
            if (line != "WARC/1.0" && line != "WARC/1.1")
                return recoverable(Error(Errc::corrupt, fmt::format("{}: not a WARC 1.0/1.1 record (it starts '{}')", at, strip_control_characters(truncate_utf8(line, 40)))), start);
            record.version = std::string(line);
            continue;
        }
        if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !record.fields.empty()) {
            record.fields.back().second += ' ' + trim(line); // a folded continuation line
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return recoverable(Error(Errc::corrupt, fmt::format("{}: a header line without a field name: '{}'", at, strip_control_characters(truncate_utf8(line, 60)))), start);
        record.fields.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    }
    const std::string named = record.where();

    const auto length_field = record.field("Content-Length");
    std::uint64_t length = 0;
    if (!length_field)
        return recoverable(Error(Errc::corrupt, fmt::format("{}: no Content-Length", named)), start);
    const auto [end, error] = std::from_chars(length_field->data(), length_field->data() + length_field->size(), length);
    if (error != std::errc() || end != length_field->data() + length_field->size())
        return recoverable(Error(Errc::corrupt, fmt::format("{}: Content-Length '{}' is not a number", named, strip_control_characters(*length_field))), start);
    if (length > limits.max_block_bytes) {
        // Skipped by reading past it (bounded by the decompressed cap), so the next record is found
        // in files of any layout.
        std::uint64_t left = length;
        while (left > 0) {
            const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(left, available()));
            consume(take);
            left -= take;
            if (left == 0)
                break;
            auto more = fill();
            if (!more)
                return fatal(more.error());
            if (!*more)
                return fatal(Error(Errc::corrupt, fmt::format("{}: the file ends inside the record's block: it is truncated", named)));
        }
        return Error(Errc::too_large, fmt::format("{}: a block of {} bytes is over the cap of {} bytes; skipped", named, length, limits.max_block_bytes));
    }
    auto whole = require(static_cast<std::size_t>(length));
    if (!whole)
        return fatal(whole.error());
    if (!*whole)
        return fatal(Error(Errc::corrupt, fmt::format("{}: the file ends inside the record's block ({} of {} bytes): it is truncated", named, available(), length)));
    record.block.assign(buffer.data() + pos, static_cast<std::size_t>(length));
    consume(static_cast<std::size_t>(length));

    // The record's end: CRLF CRLF. A file that ends right after the block is taken as it is.
    auto trailer = require(4);
    if (!trailer)
        return fatal(trailer.error());
    if (*trailer && std::string_view(buffer.data() + pos, 4) != "\r\n\r\n")
        return recoverable(Error(Errc::corrupt, fmt::format("{}: no CRLF CRLF after its {}-byte block (a wrong Content-Length?)", named, length)), start);
    consume(std::min<std::size_t>(4, available()));

    if (const auto digest = record.field("WARC-Block-Digest")) {
        const std::optional<bool> matches = warc_digest_matches(*digest, record.block);
        if (!matches) {
            record.block_digest = DigestCheck::unsupported;
        } else if (!*matches) {
            return Error(Errc::corrupt, fmt::format("{}: the block does not match its WARC-Block-Digest {}", named, strip_control_characters(*digest)));
        } else {
            record.block_digest = DigestCheck::verified;
        }
    }
    return std::optional<WarcRecord>(std::move(record));
}

Result<std::unique_ptr<WarcReader>> WarcReader::open(const std::filesystem::path& path, WarcLimits limits)
{
    std::error_code code;
    if (std::filesystem::is_directory(path, code))
        return Error(Errc::invalid_argument, fmt::format("{} is a directory, not a WARC file", path.string()));
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->limits = limits;
    impl->file.open(path, std::ios::binary);
    if (!impl->file)
        return Error(Errc::not_found, fmt::format("cannot open {}", path.string()));
    impl->size = std::filesystem::file_size(path, code);
    if (code)
        impl->size = 0;
    char magic[2] = {};
    impl->file.read(magic, 2);
    impl->gzip = impl->file.gcount() == 2 && static_cast<unsigned char>(magic[0]) == 0x1f && static_cast<unsigned char>(magic[1]) == 0x8b;
    impl->file.clear();
    impl->file.seekg(0);
    impl->inflater = InflateHandle(new z_stream {});
    if (inflateInit2(impl->inflater.get(), 15 + 16) != Z_OK) // gzip wrapper only
        return Error(Errc::io, "cannot start the gzip decoder");
    return std::unique_ptr<WarcReader>(new WarcReader(std::move(impl)));
}

WarcReader::WarcReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) { }
WarcReader::~WarcReader() = default;

Result<std::optional<WarcRecord>> WarcReader::next() { return m_impl->next(); }
bool WarcReader::compressed() const { return m_impl->gzip; }
std::uint64_t WarcReader::bytes_read() const { return m_impl->file_read; }
std::uint64_t WarcReader::file_size() const { return m_impl->size; }

} // namespace feedkeeper::store

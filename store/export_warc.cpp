// store/export_warc.cpp — WARC 1.1 writer: the crawl as it happened, then what was made of it.
// Every capture (feed documents, robots.txt, article pages), in the order it was fetched, is a
// `response` record with its `request`; a capture of a URL whose payload (status and SHA-256 of
// the body) an earlier record of this file already holds is a `revisit` (WARC 1.1 identical-
// payload-digest profile: the HTTP head only). Then one `metadata` record per exported revision.
// The capture's body is stored decoded (libcurl removes Content-Encoding), so the HTTP head
// drops Content-Encoding/Transfer-Encoding and states the decoded Content-Length; block and
// payload digests then describe exactly the bytes in the record.
// Threading: as Archive. Memory: one capture at a time, plus one entry per capture written
// (what it became) and per distinct payload of a URL (the response a revisit refers to).
#include "store/export_warc.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <stdexcept>
#include <unordered_map>

namespace feedkeeper::store {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view revisit_profile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

using WarcHeaders = std::vector<std::pair<std::string, std::string>>;

std::string gzip_member(std::string_view data)
{
    z_stream stream {};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed"); // only on OOM: bug-class
    std::string out(deflateBound(&stream, data.size()) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        throw std::runtime_error("deflate failed");
    out.resize(stream.total_out);
    return out;
}

// A stable record id: the same archive exports to the same WARC.
std::string record_id(std::string_view seed)
{
    const std::string hex = sha256_hex(seed);
    return fmt::format("<urn:uuid:{}-{}-5{}-a{}-{}>", hex.substr(0, 8), hex.substr(8, 4), hex.substr(13, 3), hex.substr(17, 3), hex.substr(20, 12));
}

std::string digest(std::string_view data) { return "sha256:" + to_base32(sha256(data)); }

// "sha256:BASE32" of a stored hex SHA-256 (a capture whose body retention dropped keeps its hash).
std::optional<std::string> digest_from_hex(std::string_view hex)
{
    Sha256Digest bytes {};
    if (hex.size() != 2 * bytes.size())
        return std::nullopt;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const int high = hex_digit_value(hex[2 * i]);
        const int low = hex_digit_value(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes[i] = static_cast<unsigned char>(high * 16 + low);
    }
    return "sha256:" + to_base32(bytes);
}

std::string status_reason(long status)
{
    switch (status) {
    case 200: return "OK";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

std::string path_of(const std::string& url)
{
    const auto scheme = url.find("://");
    const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return path == std::string::npos ? "/" : url.substr(path, url.find('#', path) - path);
}

enum class WrittenAs { response, revisit };

// Ids are derived from the capture, so the set of captures written (with what they became) is
// all a later record needs to refer to one.
std::string capture_record_id(std::int64_t capture_id, WrittenAs as)
{
    return record_id(fmt::format("capture/{}/{}", capture_id, as == WrittenAs::revisit ? "revisit" : "response"));
}

std::string target_of(const HttpResponse& capture) { return capture.final_url.empty() ? capture.url : capture.final_url; }

std::string http_request_block(const HttpResponse& capture)
{
    const std::string url = target_of(capture);
    std::string block = fmt::format("GET {} HTTP/1.1\r\n", path_of(url));
    if (!find_header(capture.request_headers, "host")) // HTTP/2 sends :authority instead; replayers want Host
        block += fmt::format("Host: {}\r\n", url_host(url));
    for (const HttpHeader& header : capture.request_headers)
        block += fmt::format("{}: {}\r\n", header.name, header.value);
    block += crlf;
    return block;
}

// The response's status line and headers, stating the decoded body's length.
std::string http_response_head(const HttpResponse& capture, std::int64_t body_size)
{
    const std::string version = capture.http_version.empty() || capture.http_version == "HTTP/2" ? "HTTP/1.1" : capture.http_version;
    std::string head = fmt::format("{} {} {}\r\n", version, capture.status, status_reason(capture.status));
    for (const HttpHeader& header : capture.headers) {
        if (iequals(header.name, "content-encoding") || iequals(header.name, "transfer-encoding") || iequals(header.name, "content-length"))
            continue;
        head += fmt::format("{}: {}\r\n", header.name, header.value);
    }
    head += fmt::format("Content-Length: {}\r\n\r\n", body_size);
    return head;
}

// The record a later identical capture of the same URL refers to.
struct Original {
    std::string record_id;
    std::string target;
    std::string date;
};

class WarcWriter {
public:
    explicit WarcWriter(std::ostream& out) : m_out(out) { }

    bool emit(const WarcHeaders& headers, std::string_view block)
    {
        const std::string member = warc_record(headers, block);
        m_out.write(member.data(), static_cast<std::streamsize>(member.size()));
        m_summary.bytes += member.size();
        ++m_summary.records;
        return static_cast<bool>(m_out);
    }

    bool warcinfo()
    {
        const std::string info = fmt::format("software: feedkeeper/{}\r\nformat: WARC File Format 1.1\r\n"
                                             "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
            FEEDKEEPER_VERSION);
        const std::string now = format_rfc3339(now_utc());
        return emit({ { "WARC-Type", "warcinfo" }, { "WARC-Date", now }, { "WARC-Record-ID", record_id("warcinfo" + now) },
                        { "Content-Type", "application/warc-fields" }, { "WARC-Block-Digest", digest(info) } },
            info);
    }

    // One capture: a response (or a revisit of an earlier identical one) and its request.
    // False when the output failed; a capture whose body was dropped and that nothing earlier
    // holds is left out (there is nothing to replay).
    bool capture(const CaptureRecord& capture)
    {
        const HttpResponse& http = capture.response;
        const std::string sha = capture.body_dropped ? capture.body_sha256 : sha256_hex(http.body);
        const std::optional<std::string> payload_digest = capture.body_dropped ? digest_from_hex(sha) : digest(http.body);
        if (!payload_digest)
            return true; // a dropped body with an unreadable hash: nothing to write or refer to
        const Exchange exchange { capture, target_of(http), format_rfc3339(http.fetched_at), *payload_digest };
        const std::string identity = fmt::format("{} {} {}", http.status, sha, exchange.target);
        WrittenAs written_as = WrittenAs::response;
        if (auto original = m_originals.find(identity); original != m_originals.end()) {
            written_as = WrittenAs::revisit;
            if (!revisit(exchange, original->second))
                return false;
        } else if (capture.body_dropped) {
            return true;
        } else {
            if (!response(exchange))
                return false;
            m_originals.emplace(identity, Original { capture_record_id(capture.id, written_as), exchange.target, exchange.date });
        }
        m_written.emplace(capture.id, written_as);
        const std::string request = http_request_block(http);
        return emit({ { "WARC-Type", "request" }, { "WARC-Record-ID", record_id(fmt::format("capture/{}/request", capture.id)) },
                        { "WARC-Date", exchange.date }, { "WARC-Target-URI", exchange.target },
                        { "WARC-Concurrent-To", capture_record_id(capture.id, written_as) }, { "Content-Type", "application/http;msgtype=request" },
                        { "WARC-Block-Digest", digest(request) } },
            request);
    }

    // The extracted article: its metadata and clean text, tied to the record of the capture it
    // came from when that is in this file.
    bool metadata(const RevisionRecord& revision)
    {
        if (revision.from_entry())
            return true; // no stored revision (a feed item whose page was never stored): no capture, no id of its own
        const std::string text = jsonl_record(revision);
        WarcHeaders headers = { { "WARC-Type", "metadata" }, { "WARC-Record-ID", record_id(fmt::format("revision/{}/metadata", revision.id)) },
            { "WARC-Date", format_rfc3339(revision.fetched_at) }, { "WARC-Target-URI", revision.url } };
        if (revision.capture_id) {
            if (auto written = m_written.find(*revision.capture_id); written != m_written.end())
                headers.push_back({ "WARC-Refers-To", capture_record_id(written->first, written->second) });
        }
        headers.push_back({ "Content-Type", "application/json" });
        headers.push_back({ "WARC-Block-Digest", digest(text) });
        return emit(headers, text);
    }

    const ExportSummary& summary() const { return m_summary; }

private:
    // A capture as its records name it.
    struct Exchange {
        const CaptureRecord& capture;
        std::string target;
        std::string date;
        std::string payload_digest;
    };

    bool response(const Exchange& exchange)
    {
        const HttpResponse& response = exchange.capture.response;
        const std::string block = http_response_head(response, static_cast<std::int64_t>(response.body.size())) + response.body;
        WarcHeaders headers = { { "WARC-Type", "response" }, { "WARC-Record-ID", capture_record_id(exchange.capture.id, WrittenAs::response) },
            { "WARC-Date", exchange.date }, { "WARC-Target-URI", exchange.target }, { "Content-Type", "application/http;msgtype=response" },
            { "WARC-Block-Digest", digest(block) }, { "WARC-Payload-Digest", exchange.payload_digest } };
        if (!response.remote_ip.empty())
            headers.push_back({ "WARC-IP-Address", response.remote_ip });
        return emit(headers, block);
    }

    // The identical-payload-digest profile: the HTTP head only; the payload is the original's.
    bool revisit(const Exchange& exchange, const Original& original)
    {
        const HttpResponse& response = exchange.capture.response;
        const std::string head = http_response_head(response, exchange.capture.body_size);
        WarcHeaders headers = { { "WARC-Type", "revisit" }, { "WARC-Record-ID", capture_record_id(exchange.capture.id, WrittenAs::revisit) },
            { "WARC-Date", exchange.date }, { "WARC-Target-URI", exchange.target }, { "WARC-Profile", std::string(revisit_profile) },
            { "WARC-Refers-To", original.record_id }, { "WARC-Refers-To-Target-URI", original.target }, { "WARC-Refers-To-Date", original.date },
            { "Content-Type", "application/http;msgtype=response" }, { "WARC-Block-Digest", digest(head) },
            { "WARC-Payload-Digest", exchange.payload_digest } };
        if (!response.remote_ip.empty())
            headers.push_back({ "WARC-IP-Address", response.remote_ip });
        return emit(headers, head);
    }

    std::ostream& m_out;
    ExportSummary m_summary;
    std::unordered_map<std::int64_t, WrittenAs> m_written;      // capture id -> the record it became
    std::unordered_map<std::string, Original> m_originals;     // "status sha256 target" -> the response holding it
};

} // namespace

std::string warc_record(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view block)
{
    std::string record = "WARC/1.1\r\n";
    for (const auto& [name, value] : headers)
        record += fmt::format("{}: {}\r\n", name, value);
    record += fmt::format("Content-Length: {}\r\n\r\n", block.size());
    record += block;
    record += "\r\n\r\n";
    return gzip_member(record);
}

Result<ExportSummary> export_warc(Archive& archive, const ExportFilter& filter, std::ostream& out)
{
    WarcWriter writer(out);
    bool output_failed = !writer.warcinfo();
    if (!output_failed) {
        auto captured = archive.captures().for_each(filter, [&](const CaptureRecord& capture) { return !(output_failed = !writer.capture(capture)); });
        if (!captured)
            return captured.error();
    }
    if (!output_failed) {
        auto revised = archive.reader().for_each_revision(filter, [&](const RevisionRecord& revision) { return !(output_failed = !writer.metadata(revision)); });
        if (!revised)
            return revised.error();
    }
    out.flush();
    if (output_failed || !out)
        return Error(Errc::io, "write error while exporting (disk full or closed pipe?)");
    return writer.summary();
}

} // namespace feedkeeper::store

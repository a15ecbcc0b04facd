// store/export_warc.cpp — WARC 1.1 writer. The capture's body is stored decoded (libcurl removes
// Content-Encoding), so the response record's HTTP head drops Content-Encoding/Transfer-Encoding
// and states the decoded Content-Length; block and payload digests then describe exactly the
// bytes in the record. Threading: as Archive.
#include "store/export_warc.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <stdexcept>
#include <unordered_set>

namespace feedkeeper::store {
namespace {

constexpr std::string_view crlf = "\r\n";

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

std::string status_reason(long status)
{
    switch (status) {
    case 200: return "OK";
    case 203: return "Non-Authoritative Information";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 404: return "Not Found";
    case 410: return "Gone";
    default: return "Status";
    }
}

std::string path_of(const std::string& url)
{
    const auto scheme = url.find("://");
    const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return path == std::string::npos ? "/" : url.substr(path, url.find('#', path) - path);
}

std::string http_request_block(const HttpResponse& capture)
{
    const std::string& url = capture.final_url.empty() ? capture.url : capture.final_url;
    std::string block = fmt::format("GET {} HTTP/1.1\r\n", path_of(url));
    if (!find_header(capture.request_headers, "host")) // HTTP/2 sends :authority instead; replayers want Host
        block += fmt::format("Host: {}\r\n", url_host(url));
    for (const HttpHeader& header : capture.request_headers)
        block += fmt::format("{}: {}\r\n", header.name, header.value);
    block += crlf;
    return block;
}

std::string http_response_head(const HttpResponse& capture)
{
    const std::string version = capture.http_version.empty() || capture.http_version == "HTTP/2" ? "HTTP/1.1" : capture.http_version;
    std::string head = fmt::format("{} {} {}\r\n", version, capture.status, status_reason(capture.status));
    for (const HttpHeader& header : capture.headers) {
        if (iequals(header.name, "content-encoding") || iequals(header.name, "transfer-encoding") || iequals(header.name, "content-length"))
            continue;
        head += fmt::format("{}: {}\r\n", header.name, header.value);
    }
    head += fmt::format("Content-Length: {}\r\n\r\n", capture.body.size());
    return head;
}

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
    ExportSummary summary;
    auto emit = [&](const std::string& member) {
        out.write(member.data(), static_cast<std::streamsize>(member.size()));
        summary.bytes += member.size();
        ++summary.records;
        return static_cast<bool>(out);
    };
    const std::string info = fmt::format("software: feedkeeper/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n", FEEDKEEPER_VERSION);
    const std::string now = format_rfc3339(now_utc());
    emit(warc_record({ { "WARC-Type", "warcinfo" }, { "WARC-Date", now }, { "WARC-Record-ID", record_id("warcinfo" + now) },
                         { "Content-Type", "application/warc-fields" }, { "WARC-Block-Digest", digest(info) } },
        info));

    std::optional<Error> failure;
    // Captures written so far (ids only): a capture is written once, and a metadata record refers
    // only to a response that is in this file, whatever the filter left out.
    std::unordered_set<std::int64_t> written;
    auto visited = archive.for_each_revision(filter, [&](const RevisionRecord& revision) {
        if (revision.from_entry())
            return true; // an item whose page was never stored: nothing was captured (the feed holds it)
        std::string target = revision.url;
        std::string date = format_rfc3339(revision.fetched_at);
        std::string response_id = record_id(fmt::format("revision/{}", revision.id));
        std::optional<HttpResponse> capture;
        if (revision.capture_id) {
            response_id = record_id(fmt::format("capture/{}/response", *revision.capture_id));
            auto loaded = archive.load_capture(*revision.capture_id);
            if (loaded) {
                capture = std::move(*loaded);
            } else if (loaded.error().code != Errc::not_found) { // not_found: body dropped by retention
                failure = loaded.error();
                return false;
            }
        }
        if (capture) {
            target = capture->final_url.empty() ? capture->url : capture->final_url;
            date = format_rfc3339(capture->fetched_at);
        }
        // A capture re-used by a later revision (reextract) is written once.
        if (capture && written.insert(*revision.capture_id).second) {
            const std::string request_block = http_request_block(*capture);
            const std::string response_block = http_response_head(*capture) + capture->body;
            std::vector<std::pair<std::string, std::string>> response_headers = {
                { "WARC-Type", "response" }, { "WARC-Record-ID", response_id }, { "WARC-Date", date }, { "WARC-Target-URI", target },
                { "Content-Type", "application/http;msgtype=response" }, { "WARC-Block-Digest", digest(response_block) },
                { "WARC-Payload-Digest", digest(capture->body) },
            };
            if (!capture->remote_ip.empty())
                response_headers.push_back({ "WARC-IP-Address", capture->remote_ip });
            if (!emit(warc_record(response_headers, response_block)))
                return false;
            if (!emit(warc_record({ { "WARC-Type", "request" }, { "WARC-Record-ID", record_id(fmt::format("capture/{}/request", *revision.capture_id)) },
                                      { "WARC-Date", date }, { "WARC-Target-URI", target }, { "WARC-Concurrent-To", response_id },
                                      { "Content-Type", "application/http;msgtype=request" }, { "WARC-Block-Digest", digest(request_block) } },
                    request_block)))
                return false;
        }
        // The extracted article: its metadata and clean text, tied to the response it came from.
        const std::string metadata = jsonl_record(revision);
        std::vector<std::pair<std::string, std::string>> metadata_headers = { { "WARC-Type", "metadata" },
            { "WARC-Record-ID", record_id(fmt::format("revision/{}/metadata", revision.id)) }, { "WARC-Date", date }, { "WARC-Target-URI", target } };
        if (revision.capture_id && written.contains(*revision.capture_id))
            metadata_headers.push_back({ "WARC-Refers-To", response_id });
        metadata_headers.push_back({ "Content-Type", "application/json" });
        metadata_headers.push_back({ "WARC-Block-Digest", digest(metadata) });
        return emit(warc_record(metadata_headers, metadata));
    });
    if (!visited)
        return visited.error();
    if (failure)
        return *failure;
    out.flush();
    if (!out)
        return Error(Errc::io, "write error while exporting (disk full or closed pipe?)");
    return summary;
}

} // namespace feedkeeper::store

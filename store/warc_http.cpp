// store/warc_http.cpp — an HTTP response parsed out of a WARC block: status line, headers, a
// chunked transfer coding undone and a gzip/deflate content coding decoded, each capped.
// Threading: pure functions.
#include "store/warc_http.hpp"

#include "core/text.hpp"
#include "store/zlib_stream.hpp"

#include <fmt/format.h>

#include <charconv>

namespace feedkeeper::store {
namespace {

constexpr std::size_t read_chunk = 64 * 1024;

// A transfer-coded ("chunked") body as its payload; nullopt when the chunks do not add up.
std::optional<std::string> dechunk(std::string_view body, std::size_t max_body)
{
    std::string out;
    std::size_t at = 0;
    for (;;) {
        const auto line_end = body.find("\r\n", at);
        if (line_end == std::string_view::npos)
            return std::nullopt;
        std::string_view size_text = body.substr(at, line_end - at);
        size_text = size_text.substr(0, size_text.find(';')); // chunk extensions
        std::size_t size = 0;
        const auto [end, error] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (error != std::errc() || size_text.empty())
            return std::nullopt;
        at = line_end + 2;
        if (size == 0)
            return out; // trailers, if any, are not the payload
        if (size > body.size() - at || out.size() + size > max_body)
            return std::nullopt;
        out.append(body.substr(at, size));
        at += size + 2;
        if (at > body.size())
            return std::nullopt;
    }
}

// A gzip, zlib or raw deflate body decoded, at most `max_body` bytes; nullopt when it is none of them.
std::optional<std::string> inflate_body(std::string_view body, std::size_t max_body)
{
    for (const int window_bits : { 15 + 32, -15 }) { // gzip or zlib (detected), then raw deflate
        InflateHandle stream(new z_stream {});
        if (inflateInit2(stream.get(), window_bits) != Z_OK)
            return std::nullopt;
        stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
        stream->avail_in = static_cast<uInt>(body.size());
        std::string out;
        int status = Z_OK;
        while (status == Z_OK) {
            const std::size_t old = out.size();
            out.resize(old + read_chunk);
            stream->next_out = reinterpret_cast<Bytef*>(out.data() + old);
            stream->avail_out = static_cast<uInt>(read_chunk);
            status = inflate(stream.get(), Z_NO_FLUSH);
            out.resize(old + read_chunk - stream->avail_out);
            if (out.size() > max_body)
                return std::nullopt;
            if (status == Z_BUF_ERROR && stream->avail_in == 0)
                status = Z_STREAM_END; // a body cut short: what was decoded is kept
        }
        if (status == Z_STREAM_END)
            return out;
    }
    return std::nullopt;
}

} // namespace

Result<HttpResponse> warc_http_response(const WarcRecord& record, std::size_t max_body)
{
    const std::string named = record.where();
    const std::string content_type = ascii_lower(record.field("Content-Type").value_or(""));
    if (!content_type.starts_with("application/http"))
        return Error(Errc::unsupported, fmt::format("{}: not an HTTP exchange (Content-Type '{}')", named, strip_control_characters(content_type)));
    HttpResponse response;
    response.url = std::string(record.field("WARC-Target-URI").value_or(""));
    if (response.url.starts_with('<') && response.url.ends_with('>')) // WARC 1.0 examples bracket it
        response.url = response.url.substr(1, response.url.size() - 2);
    response.final_url = response.url;
    response.remote_ip = std::string(record.field("WARC-IP-Address").value_or(""));
    if (const auto date = record.field("WARC-Date"))
        if (const auto time = parse_rfc3339(*date))
            response.fetched_at = *time;
    if (response.fetched_at == Timestamp {})
        return Error(Errc::parse, fmt::format("{}: no readable WARC-Date", named));

    const std::string_view block = record.block;
    auto head_end = block.find("\r\n\r\n");
    std::size_t body_start = head_end == std::string_view::npos ? block.size() : head_end + 4;
    if (head_end == std::string_view::npos) {
        if (record.type() != "revisit")
            return Error(Errc::parse, fmt::format("{}: the HTTP head has no end (no blank line)", named));
        head_end = block.size();
    }
    const std::string_view head = block.substr(0, head_end);
    bool first = true;
    bool chunked = false;
    std::string encoding;
    for (std::string_view line : split(head, '\n')) {
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (first) {
            first = false;
            // "HTTP/1.1 200 OK"
            const auto space = line.find(' ');
            if (!line.starts_with("HTTP/") || space == std::string_view::npos)
                return Error(Errc::parse, fmt::format("{}: no HTTP status line ('{}')", named, strip_control_characters(truncate_utf8(line, 40))));
            response.http_version = std::string(line.substr(0, space));
            const std::string_view code = line.substr(space + 1, 3);
            const auto [end, error] = std::from_chars(code.data(), code.data() + code.size(), response.status);
            if (error != std::errc() || response.status < 100 || response.status > 599)
                return Error(Errc::parse, fmt::format("{}: no HTTP status code in '{}'", named, strip_control_characters(truncate_utf8(line, 40))));
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            continue; // not a header; a lenient reader skips it as browsers do
        HttpHeader header { trim(line.substr(0, colon)), trim(line.substr(colon + 1)) };
        if (iequals(header.name, "transfer-encoding")) {
            chunked = icontains(header.value, "chunked");
            continue;
        }
        if (iequals(header.name, "content-encoding")) {
            encoding = ascii_lower(header.value);
            continue;
        }
        if (iequals(header.name, "content-length"))
            continue;
        if (response.headers.size() >= 512)
            return Error(Errc::too_large, fmt::format("{}: more than 512 HTTP headers", named));
        response.headers.push_back(std::move(header));
    }
    if (first && record.type() != "revisit")
        return Error(Errc::parse, fmt::format("{}: an empty HTTP response", named));

    std::string_view payload = block.substr(std::min(body_start, block.size()));
    std::string body;
    if (chunked) {
        auto unchunked = dechunk(payload, max_body);
        if (!unchunked)
            return Error(Errc::parse, fmt::format("{}: a chunked body whose chunks do not add up", named));
        body = std::move(*unchunked);
        payload = body;
    }
    if (!encoding.empty() && encoding != "identity") {
        if (encoding != "gzip" && encoding != "x-gzip" && encoding != "deflate")
            return Error(Errc::unsupported, fmt::format("{}: a body in Content-Encoding '{}', which import does not decode", named, strip_control_characters(encoding)));
        auto decoded = inflate_body(payload, max_body);
        if (!decoded)
            return Error(Errc::parse, fmt::format("{}: a {} body that does not decode within {} bytes", named, encoding, max_body));
        body = std::move(*decoded);
    } else if (!chunked) {
        body.assign(payload);
    }
    if (body.size() > max_body)
        return Error(Errc::too_large, fmt::format("{}: a body of {} bytes, over the cap of {}", named, body.size(), max_body));
    response.body = std::move(body);
    return response;
}

} // namespace feedkeeper::store

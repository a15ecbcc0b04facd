// store/import_jsonl.cpp — the JSONL export read back: lines capped, each checked field by field
// before anything is stored, so a bad line is one clear error and the rest of the file goes on.
// Threading: as import.hpp.
#include "store/import.hpp"

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace feedkeeper::store {
namespace {

constexpr std::size_t read_chunk = 256 * 1024;

using Json = nlohmann::json;

// Field readers: absent and null are "not given"; a wrong type is an error naming the field.
Result<std::string> text_field(const Json& object, const char* name, std::size_t line, bool required = false)
{
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        if (required)
            return Error(Errc::parse, fmt::format("line {}: \"{}\" is missing", line, name));
        return std::string();
    }
    if (!it->is_string())
        return Error(Errc::parse, fmt::format("line {}: \"{}\" is not a string", line, name));
    return it->get<std::string>();
}

Result<std::optional<Timestamp>> time_field(const Json& object, const char* name, std::size_t line, bool required = false)
{
    auto text = text_field(object, name, line, required);
    if (!text)
        return text.error();
    if (text->empty())
        return std::optional<Timestamp>();
    auto time = parse_rfc3339(*text);
    if (!time)
        return Error(Errc::parse, fmt::format("line {}: \"{}\" '{}' is not an RFC 3339 time", line, name, strip_control_characters(truncate_utf8(*text, 40))));
    return std::optional<Timestamp>(*time);
}

Result<void> one_of(const std::string& value, std::initializer_list<std::string_view> allowed, const char* name, std::size_t line)
{
    for (std::string_view candidate : allowed)
        if (value == candidate)
            return {};
    return Error(Errc::parse, fmt::format("line {}: \"{}\" '{}' is not one of the values the export writes", line, name, strip_control_characters(truncate_utf8(value, 40))));
}

} // namespace

Result<JsonlReader> JsonlReader::open(const std::filesystem::path& path, ImportLimits limits)
{
    std::error_code code;
    if (std::filesystem::is_directory(path, code))
        return Error(Errc::invalid_argument, fmt::format("{} is a directory, not a JSONL file", path.string()));
    JsonlReader reader;
    reader.m_file.open(path, std::ios::binary);
    if (!reader.m_file)
        return Error(Errc::not_found, fmt::format("cannot open {}", path.string()));
    reader.m_limits = limits;
    reader.m_size = std::filesystem::file_size(path, code);
    return reader;
}

Result<std::optional<JsonlLine>> JsonlReader::next()
{
    for (;;) {
        std::size_t newline = m_buffer.find('\n', m_pos);
        // Read until a line end is in the buffer, the line is over the cap, or the file ends.
        while (newline == std::string::npos && !m_end && m_buffer.size() - m_pos <= m_limits.max_line_bytes) {
            if (m_pos > 0) {
                m_buffer.erase(0, m_pos);
                m_pos = 0;
            }
            const std::size_t old = m_buffer.size();
            m_buffer.resize(old + read_chunk);
            m_file.read(m_buffer.data() + old, static_cast<std::streamsize>(read_chunk));
            const auto got = static_cast<std::size_t>(m_file.gcount());
            m_buffer.resize(old + got);
            m_read += got;
            if (got == 0)
                m_end = true;
            newline = m_buffer.find('\n', old);
        }
        const std::size_t line_end = newline == std::string::npos ? m_buffer.size() : newline;
        if (line_end - m_pos > m_limits.max_line_bytes) {
            // Over the cap: the rest of the line is read and dropped, chunk by chunk.
            const std::size_t number = ++m_line;
            if (newline != std::string::npos) {
                m_pos = newline + 1;
                return Error(Errc::too_large, fmt::format("line {}: longer than {} bytes (the cap); skipped", number, m_limits.max_line_bytes));
            }
            m_buffer.clear();
            m_pos = 0;
            while (newline == std::string::npos && !m_end) {
                m_buffer.resize(read_chunk);
                m_file.read(m_buffer.data(), static_cast<std::streamsize>(read_chunk));
                const auto got = static_cast<std::size_t>(m_file.gcount());
                m_buffer.resize(got);
                m_read += got;
                if (got == 0)
                    m_end = true;
                newline = m_buffer.find('\n');
            }
            m_pos = newline == std::string::npos ? m_buffer.size() : newline + 1;
            return Error(Errc::too_large, fmt::format("line {}: longer than {} bytes (the cap); skipped", number, m_limits.max_line_bytes));
        }
        if (line_end == m_pos && newline == std::string::npos)
            return std::optional<JsonlLine>(); // the end of the file
        JsonlLine line;
        line.number = ++m_line;
        line.text.assign(m_buffer, m_pos, line_end - m_pos);
        if (!line.text.empty() && line.text.back() == '\r')
            line.text.pop_back();
        m_pos = newline == std::string::npos ? m_buffer.size() : newline + 1;
        if (trim(line.text).empty())
            continue;
        return std::optional<JsonlLine>(std::move(line));
    }
}

Result<ImportRecord> parse_jsonl_record(const JsonlLine& line, const ImportLimits& limits)
{
    const std::size_t n = line.number;
    if (!is_valid_utf8(line.text))
        return Error(Errc::parse, fmt::format("line {}: not valid UTF-8", n));
    if (!json_nesting_within(line.text, limits.max_depth))
        return Error(Errc::parse, fmt::format("line {}: nested deeper than {} levels; not a record of the export", n, limits.max_depth));
    Json object;
    try {
        object = Json::parse(line.text);
    } catch (const Json::parse_error& error) {
        // nlohmann says where in the line: "parse error at line 1, column 17: …".
        return Error(Errc::parse, fmt::format("line {}: not JSON ({})", n, error.what()));
    }
    if (!object.is_object())
        return Error(Errc::parse, fmt::format("line {}: not a JSON object", n));

    ImportRecord record;
    record.line = n;
    std::optional<Error> failure;
    auto text = [&](std::string& into, const char* name, bool required = false) {
        if (failure)
            return;
        auto value = text_field(object, name, n, required);
        if (value)
            into = std::move(*value);
        else
            failure = value.error();
    };
    auto time = [&](std::optional<Timestamp>& into, const char* name, bool required = false) {
        if (failure)
            return;
        auto value = time_field(object, name, n, required);
        if (value)
            into = *value;
        else
            failure = value.error();
    };
    text(record.feed_url, "feed_url");
    text(record.url, "url", true);
    text(record.canonical_url, "canonical_url");
    text(record.guid, "guid");
    text(record.title, "title");
    text(record.author, "author");
    time(record.published, "published");
    time(record.modified, "modified");
    std::optional<Timestamp> fetched_at;
    std::optional<Timestamp> first_seen;
    // A record whose page was never stored (revision 0: pending, failed, gone) was never fetched.
    const auto revision_field = object.find("revision");
    const bool entry_record = revision_field != object.end() && revision_field->is_number_integer() && revision_field->get<std::int64_t>() == 0;
    time(fetched_at, "fetched_at", !entry_record);
    time(first_seen, "first_seen");
    text(record.language, "language");
    text(record.body, "body", true);
    text(record.content_sha256, "content_sha256");
    std::string status;
    std::string body_source;
    std::string discovered_by;
    text(status, "status");
    text(body_source, "body_source");
    text(discovered_by, "discovered_by");
    if (failure)
        return *failure;

    if (!is_http_url(record.url))
        return Error(Errc::parse, fmt::format("line {}: \"url\" '{}' is not an http(s) URL", n, strip_control_characters(truncate_utf8(record.url, 80))));
    if (!record.feed_url.empty() && !is_http_url(record.feed_url))
        return Error(Errc::parse, fmt::format("line {}: \"feed_url\" '{}' is not an http(s) URL", n, strip_control_characters(truncate_utf8(record.feed_url, 80))));
    if (entry_record) {
        if (!first_seen)
            return Error(Errc::parse, fmt::format("line {}: a record without a stored page (revision 0) needs \"first_seen\"", n));
        if (record.feed_url.empty())
            return Error(Errc::parse, fmt::format("line {}: a record without a stored page (revision 0) needs \"feed_url\": it is a feed's item", n));
        record.revision = 0;
        record.first_seen = *first_seen;
        record.fetched_at = *first_seen;
    } else {
        record.fetched_at = *fetched_at;
        record.first_seen = first_seen ? std::min(*first_seen, *fetched_at) : *fetched_at;
        if (revision_field != object.end() && !revision_field->is_null()) {
            if (!revision_field->is_number_integer() || revision_field->get<std::int64_t>() < 1)
                return Error(Errc::parse, fmt::format("line {}: \"revision\" is not a revision number (0, 1, 2, …)", n));
            record.revision = revision_field->get<std::int64_t>();
        }
    }
    if (const auto categories = object.find("categories"); categories != object.end() && !categories->is_null()) {
        if (!categories->is_array())
            return Error(Errc::parse, fmt::format("line {}: \"categories\" is not an array", n));
        for (const Json& category : *categories) {
            if (!category.is_string())
                return Error(Errc::parse, fmt::format("line {}: \"categories\" holds something other than strings", n));
            record.categories.push_back(category.get<std::string>());
        }
    }
    const std::string actual = sha256_hex(record.body);
    if (!record.content_sha256.empty() && ascii_lower(record.content_sha256) != actual)
        return Error(Errc::parse, fmt::format("line {}: \"content_sha256\" is not the SHA-256 of \"body\" (the record was changed or damaged)", n));
    record.content_sha256 = actual;

    if (!status.empty()) {
        if (auto checked = one_of(status, { "article", "paywall", "consent_wall", "error_page", "not_article", "gone", "failed", "pending" }, "status", n); !checked)
            return checked.error();
        record.status = status;
    }
    const bool fetch_outcome = record.status == "pending" || record.status == "failed" || record.status == "gone";
    if (entry_record && !fetch_outcome)
        return Error(Errc::parse, fmt::format("line {}: a record without a stored page (revision 0) has the status pending, failed or gone, not {}", n, record.status));
    if (!entry_record && record.status == "pending")
        return Error(Errc::parse, fmt::format("line {}: a stored page (revision {}) is not pending", n, record.revision));
    if (!body_source.empty()) {
        if (auto checked = one_of(body_source, { "page", "feed", "summary", "none" }, "body_source", n); !checked)
            return checked.error();
        record.body_source = body_source;
    }
    if (!discovered_by.empty()) {
        if (discovered_by != "feed" && !discovered_by.starts_with("backfill:"))
            return Error(Errc::parse, fmt::format("line {}: \"discovered_by\" '{}' is neither 'feed' nor 'backfill:<source>'", n, strip_control_characters(truncate_utf8(discovered_by, 40))));
        record.discovered_by = discovered_by;
    }
    return record;
}

std::string paragraphs_html(std::string_view body)
{
    std::string html;
    std::string block;
    auto flush = [&] {
        const std::string text = trim(block);
        block.clear();
        if (text.empty())
            return;
        html += "<p>";
        for (char c : text) {
            switch (c) {
            case '&': html += "&amp;"; break;
            case '<': html += "&lt;"; break;
            case '>': html += "&gt;"; break;
            case '"': html += "&quot;"; break;
            case '\n': html += ' '; break;
            default: html += c;
            }
        }
        html += "</p>";
    };
    for (std::string_view line : split(body, '\n')) {
        if (trim(line).empty())
            flush();
        else
            block += (block.empty() ? "" : "\n") + std::string(line);
    }
    flush();
    return html;
}

} // namespace feedkeeper::store

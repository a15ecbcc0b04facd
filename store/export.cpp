// store/export.cpp — JSONL, CSV (RFC 4180), Markdown and OPML exports; WARC is export_warc.cpp.
// Threading: as Archive.
#include "store/export.hpp"

#include "core/text.hpp"
#include "store/export_warc.hpp"
#include "store/json_writer.hpp"

#include <fmt/format.h>

namespace feedkeeper::store {
namespace {

// Also valid UTF-8 whatever the archive holds (a name stored before it was checked): one bad
// byte would make the whole OPML file unreadable to an XML parser.
std::string xml_escape(std::string_view raw)
{
    const std::string text = sanitize_utf8(raw);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default:
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                out += c;
        }
    }
    return out;
}

// Markdown: a heading per revision, metadata as a list, the body's blocks as paragraphs.
std::string markdown_record(const RevisionRecord& record)
{
    std::string out = fmt::format("# {}\n\n", record.title.empty() ? record.url : record.title);
    out += fmt::format("- URL: <{}>\n", record.url);
    if (!record.author.empty())
        out += fmt::format("- Author: {}\n", record.author);
    if (record.published)
        out += fmt::format("- Published: {}\n", format_rfc3339(*record.published));
    if (!record.feed_url.empty())
        out += fmt::format("- Feed: <{}>\n", record.feed_url);
    out += fmt::format("- Status: {} (body from {})\n", to_string(record.status), to_string(record.body_source));
    if (record.from_entry())
        out += fmt::format("- First seen: {} (page not stored)\n", format_rfc3339(record.first_seen));
    else
        out += fmt::format("- Revision: {} (fetched {})\n", record.revision, format_rfc3339(record.fetched_at));
    if (!record.categories.empty()) {
        std::string joined;
        for (const auto& category : record.categories)
            joined += (joined.empty() ? "" : ", ") + category;
        out += fmt::format("- Categories: {}\n", joined);
    }
    out += "\n" + record.body + "\n\n---\n\n";
    return out;
}

} // namespace

std::optional<ExportFormat> export_format_from_string(std::string_view text)
{
    if (text == "jsonl")
        return ExportFormat::jsonl;
    if (text == "csv")
        return ExportFormat::csv;
    if (text == "warc")
        return ExportFormat::warc;
    if (text == "md" || text == "markdown")
        return ExportFormat::markdown;
    if (text == "opml")
        return ExportFormat::opml;
    return std::nullopt;
}

void append_jsonl_record(std::string& out, const RevisionRecord& record)
{
    // Field order and null rules of INTERFACE.md; written directly (no DOM) as the hot loop.
    out += "{\"id\":";
    if (record.from_entry())
        out += "null"; // an item whose page was never stored has no article (yet)
    else
        append_json_integer(out, record.article_id);
    out += ",\"feed_url\":";
    append_json_string_or_null(out, record.feed_url);
    out += ",\"url\":";
    append_json_string(out, record.url);
    out += ",\"canonical_url\":";
    append_json_string_or_null(out, record.canonical_url);
    out += ",\"guid\":";
    append_json_string_or_null(out, record.guid);
    out += ",\"title\":";
    append_json_string_or_null(out, record.title);
    out += ",\"author\":";
    append_json_string_or_null(out, record.author);
    out += ",\"published\":";
    append_json_time_or_null(out, record.published);
    out += ",\"modified\":";
    append_json_time_or_null(out, record.modified);
    out += ",\"first_seen\":";
    append_json_time_or_null(out, record.first_seen);
    out += ",\"fetched_at\":";
    append_json_time_or_null(out, record.from_entry() ? std::nullopt : std::optional(record.fetched_at));
    out += ",\"revision\":";
    append_json_integer(out, record.revision);
    out += ",\"language\":";
    append_json_string_or_null(out, record.language);
    out += ",\"categories\":";
    append_json_strings(out, record.categories);
    out += ",\"body\":";
    append_json_string(out, record.body);
    out += ",\"content_sha256\":";
    append_json_string(out, record.content_sha256);
    out += ",\"status\":";
    append_json_string(out, to_string(record.status));
    out += ",\"body_source\":";
    append_json_string(out, to_string(record.body_source));
    out += ",\"discovered_by\":";
    append_json_string(out, record.discovered_by);
    out += "}\n";
}

std::string jsonl_record(const RevisionRecord& record)
{
    std::string out;
    append_jsonl_record(out, record);
    return out;
}

void append_csv_field(std::string& out, std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += text;
        return;
    }
    out += '"';
    for (std::size_t start = 0;;) {
        const auto quote = text.find('"', start);
        out.append(text.substr(start, quote == std::string_view::npos ? std::string_view::npos : quote + 1 - start));
        if (quote == std::string_view::npos)
            break;
        out += '"'; // a quote inside a field is doubled
        start = quote + 1;
    }
    out += '"';
}

std::string csv_field(std::string_view text)
{
    std::string out;
    append_csv_field(out, text);
    return out;
}

Result<ExportSummary> export_archive(Archive& archive, ExportFormat format, const ExportFilter& filter, std::ostream& out)
{
    ExportSummary summary;
    auto write = [&](const std::string& text) {
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        summary.bytes += text.size();
        return static_cast<bool>(out);
    };
    if (format == ExportFormat::warc)
        return export_warc(archive, filter, out);
    if (format == ExportFormat::opml) {
        auto feeds = archive.feeds().list();
        if (!feeds)
            return feeds.error();
        write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head><title>feedkeeper subscriptions</title></head>\n<body>\n");
        for (const FeedRecord& feed : *feeds) {
            if (filter.feed_id && *filter.feed_id != feed.id)
                continue;
            const std::string title = feed.name.empty() ? (feed.title.empty() ? feed.url : feed.title) : feed.name;
            write(fmt::format("<outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"{2}/>\n", xml_escape(title), xml_escape(feed.url),
                feed.site_url.empty() ? std::string() : fmt::format(" htmlUrl=\"{}\"", xml_escape(feed.site_url))));
            ++summary.records;
        }
        write("</body>\n</opml>\n");
        out.flush(); // a full device reports itself here, not at the writes into the buffer
        if (!out)
            return Error(Errc::io, "write error while exporting (disk full or closed pipe?)");
        return summary;
    }
    if (format == ExportFormat::csv)
        write("id,revision,feed_url,url,canonical_url,guid,title,author,published,modified,first_seen,fetched_at,language,categories,content_sha256,"
              "status,body_source,discovered_by,body\r\n");
    // One buffer for the whole export, handed to the stream in ~256 KiB writes: memory stays
    // constant (one revision plus the buffer), whatever the archive's size.
    std::string buffer;
    buffer.reserve(320 * 1024);
    bool write_failed = false;
    std::string time_text;
    auto visited = archive.reader().for_each_revision(filter, [&](const RevisionRecord& record) {
        switch (format) {
        case ExportFormat::jsonl: append_jsonl_record(buffer, record); break;
        case ExportFormat::markdown: buffer += markdown_record(record); break;
        case ExportFormat::csv: {
            std::string categories;
            for (const auto& category : record.categories)
                categories += (categories.empty() ? "" : "; ") + category;
            if (!record.from_entry())
                buffer += std::to_string(record.article_id);
            buffer += ',';
            buffer += std::to_string(record.revision);
            for (const std::string* field : { &record.feed_url, &record.url, &record.canonical_url, &record.guid, &record.title, &record.author }) {
                buffer += ',';
                append_csv_field(buffer, *field);
            }
            for (const std::optional<Timestamp>& time : { record.published, record.modified, std::optional(record.first_seen),
                     record.from_entry() ? std::nullopt : std::optional(record.fetched_at) }) {
                buffer += ',';
                if (time)
                    append_rfc3339(buffer, *time);
            }
            for (const std::string* field : { &record.language, static_cast<const std::string*>(&categories), &record.content_sha256 }) {
                buffer += ',';
                append_csv_field(buffer, *field);
            }
            for (std::string_view field : { to_string(record.status), to_string(record.body_source), std::string_view(record.discovered_by),
                     std::string_view(record.body) }) {
                buffer += ',';
                append_csv_field(buffer, field);
            }
            buffer += "\r\n";
            break;
        }
        default: break;
        }
        ++summary.records;
        if (buffer.size() >= 256 * 1024) {
            write_failed = !write(buffer);
            buffer.clear();
        }
        return !write_failed;
    });
    if (!write_failed && !buffer.empty())
        write_failed = !write(buffer);
    if (!visited)
        return visited.error();
    out.flush();
    if (write_failed || !out)
        return Error(Errc::io, "write error while exporting (disk full or closed pipe?)");
    return summary;
}

} // namespace feedkeeper::store

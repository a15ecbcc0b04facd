// store/export.cpp — JSONL, CSV (RFC 4180), Markdown and OPML exports; WARC is export_warc.cpp.
// Threading: as Archive.
#include "store/export.hpp"

#include "store/export_warc.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace feedkeeper::store {
namespace {

nlohmann::ordered_json time_or_null(const std::optional<Timestamp>& time)
{
    return time ? nlohmann::ordered_json(format_rfc3339(*time)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json text_or_null(const std::string& text)
{
    return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

std::string xml_escape(std::string_view text)
{
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

std::string jsonl_record(const RevisionRecord& record)
{
    const nlohmann::ordered_json json {
        { "id", record.article_id },
        { "feed_url", text_or_null(record.feed_url) },
        { "url", record.url },
        { "canonical_url", text_or_null(record.canonical_url) },
        { "guid", text_or_null(record.guid) },
        { "title", text_or_null(record.title) },
        { "author", text_or_null(record.author) },
        { "published", time_or_null(record.published) },
        { "modified", time_or_null(record.modified) },
        { "first_seen", format_rfc3339(record.first_seen) },
        { "fetched_at", format_rfc3339(record.fetched_at) },
        { "revision", record.revision },
        { "language", text_or_null(record.language) },
        { "categories", record.categories },
        { "body", record.body },
        { "content_sha256", record.content_sha256 },
    };
    return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string csv_field(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
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
        auto feeds = archive.list_feeds();
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
        if (!out)
            return Error(Errc::io, "write error while exporting");
        return summary;
    }
    if (format == ExportFormat::csv)
        write("id,revision,feed_url,url,canonical_url,guid,title,author,published,modified,first_seen,fetched_at,language,categories,content_sha256,body\r\n");
    bool write_failed = false;
    auto visited = archive.for_each_revision(filter, [&](const RevisionRecord& record) {
        std::string text;
        switch (format) {
        case ExportFormat::jsonl: text = jsonl_record(record); break;
        case ExportFormat::markdown: text = markdown_record(record); break;
        case ExportFormat::csv: {
            std::string categories;
            for (const auto& category : record.categories)
                categories += (categories.empty() ? "" : "; ") + category;
            const std::string fields[] = { std::to_string(record.article_id), std::to_string(record.revision), record.feed_url, record.url,
                record.canonical_url, record.guid, record.title, record.author, format_rfc3339(record.published), format_rfc3339(record.modified),
                format_rfc3339(record.first_seen), format_rfc3339(record.fetched_at), record.language, categories, record.content_sha256, record.body };
            for (const std::string& field : fields)
                text += (text.empty() ? "" : ",") + csv_field(field);
            text += "\r\n";
            break;
        }
        default: break;
        }
        ++summary.records;
        write_failed = !write(text);
        return !write_failed;
    });
    if (!visited)
        return visited.error();
    out.flush();
    if (write_failed || !out)
        return Error(Errc::io, "write error while exporting (disk full or closed pipe?)");
    return summary;
}

} // namespace feedkeeper::store

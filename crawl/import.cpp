// crawl/import.cpp — JSONL records stored in batches; WARC records replayed in file order through
// the crawl's own steps (feed_poll's entries and poll outcome, article_job's extraction and save).
// A bad record is one failure naming its line or offset; the rest of the file is imported.
// Threading: see import.hpp.
#include "crawl/import.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "crawl/article_job.hpp"
#include "crawl/decisions.hpp"
#include "crawl/feed_poll.hpp"
#include "crawl/schedule.hpp"
#include "crawl/time_zones.hpp"
#include "fetch/http_cache.hpp"
#include "parse/feed/parser.hpp"
#include "store/import.hpp"
#include "store/warc_http.hpp"
#include "store/warc_reader.hpp"

#include <fmt/format.h>

#include <fstream>
#include <unordered_map>

namespace feedkeeper::crawl {
namespace {

constexpr std::size_t jsonl_batch = 256;
// Payloads a later revisit record may refer to: ids only, so this bounds a map of small entries.
constexpr std::size_t max_remembered_payloads = 1'000'000;

bool feed_type(std::string_view mime)
{
    return mime == "application/rss+xml" || mime == "application/atom+xml" || mime == "application/rdf+xml" || mime == "application/feed+json"
        || mime == "application/json" || mime == "text/xml" || mime == "application/xml" || mime == "text/rss+xml" || mime == "text/atom+xml";
}

// A feed served under a page's type (text/plain, none, text/html by a misconfigured server).
bool looks_like_feed(std::string_view body)
{
    body = body.substr(0, 512);
    const auto start = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (start == std::string_view::npos)
        return false;
    body.remove_prefix(start);
    return body.starts_with("<?xml") || body.starts_with("<rss") || body.starts_with("<feed") || body.starts_with("<rdf:RDF");
}

bool page_type(std::string_view mime) { return mime == "text/html" || mime == "application/xhtml+xml" || mime.empty() || mime == "text/plain"; }

bool url_path_is_robots(const std::string& url)
{
    const std::string normalized = normalize_url(url);
    const auto path = normalized.find('/', normalized.find("//") + 2);
    return path != std::string::npos && normalized.compare(path, std::string::npos, "/robots.txt") == 0;
}

// A digest field as the key of the payload it names ("sha256:" + raw bytes), or "" when unreadable.
std::string payload_key(std::string_view field)
{
    const auto digest = store::parse_warc_digest(field);
    return digest && !digest->bytes.empty() ? digest->algorithm + ":" + digest->bytes : std::string();
}

class WarcReplay {
public:
    WarcReplay(Runtime& runtime, ImportReport& report) : m_runtime(runtime), m_report(report), m_config(runtime.config()) { }

    asio::awaitable<void> response(const store::WarcRecord&);
    asio::awaitable<void> revisit(const store::WarcRecord&);

private:
    // What one capture is and what the crawl did with it.
    asio::awaitable<void> replay(const store::WarcRecord&, HttpResponse, std::optional<std::int64_t> capture_id);
    asio::awaitable<bool> replay_feed(const store::WarcRecord&, HttpResponse&, bool known_feed);
    asio::awaitable<void> replay_page(const store::WarcRecord&, HttpResponse, std::optional<std::int64_t> capture_id);
    void remember(const store::WarcRecord&, const HttpResponse&, std::int64_t capture_id);

    Runtime& m_runtime;
    ImportReport& m_report;
    std::shared_ptr<const Config> m_config;
    SiteProfileCache m_profiles;
    std::mt19937_64 m_random { std::random_device {}() };
    std::unordered_map<std::string, std::int64_t> m_payloads; // payload digest key or record id -> capture id
};

void WarcReplay::remember(const store::WarcRecord& record, const HttpResponse& response, std::int64_t capture_id)
{
    if (m_payloads.size() >= max_remembered_payloads)
        return;
    const auto stated = record.field("WARC-Payload-Digest");
    std::string key = stated ? payload_key(*stated) : std::string();
    if (key.empty()) {
        const Sha256Digest digest = sha256(response.body);
        key = "sha256:" + std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
    }
    m_payloads.emplace(std::move(key), capture_id);
    if (const std::string id = record.record_id(); !id.empty())
        m_payloads.emplace("id:" + id, capture_id);
}

asio::awaitable<void> WarcReplay::response(const store::WarcRecord& record)
{
    auto response = store::warc_http_response(record);
    if (!response) {
        if (response.error().code == Errc::unsupported) { // a response record that is not HTTP (dns:, ftp:)
            ++m_report.skipped;
            co_return;
        }
        m_report.fail(record.where(), response.error().message);
        co_return;
    }
    co_await replay(record, std::move(*response), std::nullopt);
}

asio::awaitable<void> WarcReplay::revisit(const store::WarcRecord& record)
{
    auto head = store::warc_http_response(record);
    if (!head) {
        m_report.fail(record.where(), head.error().message);
        co_return;
    }
    std::optional<std::int64_t> capture_id;
    if (const auto digest = record.field("WARC-Payload-Digest"))
        if (auto it = m_payloads.find(payload_key(*digest)); it != m_payloads.end())
            capture_id = it->second;
    if (const auto refers = record.field("WARC-Refers-To"); !capture_id && refers)
        if (auto it = m_payloads.find("id:" + std::string(*refers)); it != m_payloads.end())
            capture_id = it->second;
    if (!capture_id && head->status != 0 && (head->status < 200 || head->status >= 300)) {
        // A repeated 404, 304 or redirect whose first answer is not in the file: its status is
        // all the crawl would use.
        co_await replay(record, std::move(*head), std::nullopt);
        co_return;
    }
    if (!capture_id) {
        m_report.fail(record.where(), "a revisit record whose payload (WARC-Payload-Digest / WARC-Refers-To) is in no earlier response of this file");
        co_return;
    }
    auto original = co_await m_runtime.store([&](store::Archive& archive) { return archive.captures().load(*capture_id); });
    if (!original) {
        m_report.fail(record.where(), original.error().message);
        co_return;
    }
    // The original's payload, with the revisit's own address, time and (when its block holds
    // them) status and headers.
    HttpResponse response = std::move(*original);
    response.url = head->url;
    response.final_url = head->final_url;
    response.fetched_at = head->fetched_at;
    response.remote_ip = head->remote_ip;
    if (head->status != 0) {
        response.status = head->status;
        response.http_version = head->http_version;
        response.headers = std::move(head->headers);
    }
    co_await replay(record, std::move(response), capture_id);
}

asio::awaitable<void> WarcReplay::replay(const store::WarcRecord& record, HttpResponse response, std::optional<std::int64_t> revisited)
{
    if (!is_http_url(response.url)) {
        m_report.fail(record.where(), fmt::format("WARC-Target-URI '{}' is not an http(s) URL", strip_control_characters(truncate_utf8(response.url, 80))));
        co_return;
    }
    const std::string url = response.url;
    const std::string mime = content_type_mime(find_header(response.headers, "content-type").value_or(""));
    // A capture the archive holds already (this file imported before, or the archive it came
    // from): nothing to replay, but later revisits may refer to it.
    const std::string body_sha256 = sha256_hex(response.body);
    auto held = co_await m_runtime.store([&](store::Archive& archive) { return archive.captures().find(url, response.fetched_at, body_sha256); });
    if (!held) {
        m_report.fail(record.where(), held.error().message);
        co_return;
    }
    if (*held) {
        if (!revisited)
            remember(record, response, **held);
        ++m_report.skipped;
        co_return;
    }
    if (url_path_is_robots(url)) {
        // Kept whatever its status, as the crawl keeps robots.txt answers (a 404 says "no rules").
        auto saved = co_await m_runtime.store([&](store::Archive& archive) { return archive.captures().save(response, "robots"); });
        if (!saved) {
            m_report.fail(record.where(), saved.error().message);
            co_return;
        }
        if (!revisited)
            remember(record, response, *saved);
        ++m_report.imported;
        co_return;
    }
    if (response.status == 404 || response.status == 410) {
        // A page found gone on a recheck: recorded as the crawl records it.
        auto gone = co_await m_runtime.store([&](store::Archive& archive) { return archive.articles().mark_gone(url, response.status, response.fetched_at); });
        if (!gone)
            m_report.fail(record.where(), gone.error().message);
        else
            ++(*gone ? m_report.imported : m_report.skipped);
        co_return;
    }
    if (response.status < 200 || response.status >= 300) {
        ++m_report.skipped; // a 304, a redirect, an error: the crawl stores nothing of it either
        co_return;
    }
    auto known = co_await m_runtime.store([&](store::Archive& archive) { return archive.feeds().find(url); });
    if (!known) {
        m_report.fail(record.where(), known.error().message);
        co_return;
    }
    const bool known_feed = known->has_value();
    if (known_feed || feed_type(mime) || !page_type(mime) || looks_like_feed(response.body)) {
        if (co_await replay_feed(record, response, known_feed))
            co_return;
        if (!page_type(mime)) {
            // An image, a style sheet, a script…: a site crawl's WARC holds them, the archive keeps
            // feeds and pages only.
            ++m_report.skipped;
            co_return;
        }
    }
    co_await replay_page(record, std::move(response), revisited);
}

// True when the response was a feed document (replayed, or failed as one); false when it does not
// parse as a feed and may be a page.
asio::awaitable<bool> WarcReplay::replay_feed(const store::WarcRecord& record, HttpResponse& response, bool known_feed)
{
    parse::FeedParseOptions options;
    options.url = response.url;
    options.headers = response.headers;
    options.dates.zones = &system_zone_offsets();
    auto parsed = co_await run_on(m_runtime.cpu, [&] { return parse::parse_feed(response.body, options); });
    if (!parsed || parsed->format == FeedFormat::unknown) {
        if (!known_feed)
            co_return false;
        m_report.fail(record.where(), fmt::format("the feed {} does not parse: {}", response.url, parsed ? "no feed format" : parsed.error().message));
        co_return true;
    }
    const std::string url = response.url;
    auto stored = co_await m_runtime.store([&](store::Archive& archive) -> Result<store::FeedRecord> {
        auto feed = archive.feeds().find(url);
        if (!feed)
            return feed.error();
        if (*feed)
            return std::move(**feed);
        return archive.feeds().add(store::NewFeed { .url = url });
    });
    if (!stored) {
        m_report.fail(record.where(), stored.error().message);
        co_return true;
    }
    PollFacts facts;
    facts.http_status = response.status;
    facts.publishing_gap = publishing_gap(*parsed);
    facts.publisher_interval = parsed->update_interval;
    facts.title = parsed->title;
    facts.site_url = parsed->link;
    if (auto etag = find_header(response.headers, "etag"))
        facts.etag = std::string(*etag);
    if (auto modified = find_header(response.headers, "last-modified"))
        facts.last_modified = std::string(*modified);
    facts.cache_lifetime = fetch::freshness_lifetime(response.headers, response.fetched_at);
    const std::vector<store::EntryInput> entries = entry_inputs(*parsed);
    const store::FeedPollOutcome outcome = poll_success(*stored, response.fetched_at, facts, m_config->schedule, m_random);
    // The capture last: once it is stored, a second import of the file skips this record, so
    // what it brought (entries, the poll) must be stored before.
    auto saved = co_await m_runtime.store([&](store::Archive& archive) -> Result<std::int64_t> {
        if (auto added = archive.entries().save(stored->id, entries, response.fetched_at); !added)
            return added.error();
        if (auto recorded = archive.feeds().record_poll(outcome); !recorded)
            return recorded.error();
        return archive.captures().save(response, "feed");
    });
    if (!saved) {
        m_report.fail(record.where(), saved.error().message);
        co_return true;
    }
    remember(record, response, *saved);
    ++m_report.imported;
    co_return true;
}

asio::awaitable<void> WarcReplay::replay_page(const store::WarcRecord& record, HttpResponse response, std::optional<std::int64_t> revisited)
{
    const std::string url = response.url;
    auto target = co_await m_runtime.store([&](store::Archive& archive) { return archive.entries().replay_target(url); });
    if (!target) {
        m_report.fail(record.where(), target.error().message);
        co_return;
    }
    auto page = co_await extract_response(m_runtime, m_profiles, response);
    if (!page) {
        m_report.fail(record.where(), page.error().message);
        co_return;
    }
    if (target->entry_id)
        if (auto hints = co_await m_runtime.store([&](store::Archive& archive) { return archive.entries().hints(*target->entry_id); }))
            apply_entry_hints(*page, *hints);
    store::ArticleInput input;
    input.requested_url = url;
    input.response = std::move(response);
    input.page = std::move(*page);
    input.job_id = target->job_id;
    input.entry_id = target->entry_id;
    input.recheck_ages = m_config->schedule.recheck_ages;
    // As the crawl's article job stores it: the capture (a revisit's too: it was a fetch of its
    // own), the article, its entry and its job in one transaction.
    auto saved = co_await m_runtime.store([&](store::Archive& archive) { return archive.articles().save(input); });
    m_profiles.invalidate(url_host(url));
    if (!saved) {
        m_report.fail(record.where(), saved.error().message);
        co_return;
    }
    if (!revisited) {
        // Later revisits may refer to this payload.
        const std::string body_sha256 = sha256_hex(input.response.body);
        if (auto capture = co_await m_runtime.store([&](store::Archive& archive) { return archive.captures().find(url, input.response.fetched_at, body_sha256); });
            capture && *capture)
            remember(record, input.response, **capture);
    }
    if (saved->change == store::ArticleChange::unchanged)
        ++m_report.skipped;
    else
        ++m_report.imported;
}

} // namespace

Result<ImportFormat> detect_import_format(const std::filesystem::path& path)
{
    std::error_code code;
    if (std::filesystem::is_directory(path, code))
        return Error(Errc::invalid_argument, fmt::format("{} is a directory, not an export file", path.string()));
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Error(Errc::not_found, fmt::format("cannot open {}", path.string()));
    std::string start(64, '\0');
    file.read(start.data(), static_cast<std::streamsize>(start.size()));
    start.resize(static_cast<std::size_t>(file.gcount()));
    if (start.size() >= 2 && static_cast<unsigned char>(start[0]) == 0x1f && static_cast<unsigned char>(start[1]) == 0x8b)
        return ImportFormat::warc;
    std::string_view text = start;
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
        text.remove_prefix(1);
    if (text.starts_with("WARC/1."))
        return ImportFormat::warc;
    if (text.starts_with("{"))
        return ImportFormat::jsonl;
    if (start.empty())
        return Error(Errc::invalid_argument, fmt::format("{} is empty: nothing to import", path.string()));
    return Error(Errc::invalid_argument, fmt::format("{} is neither a JSONL export (a line starting with '{{') nor a WARC (gzip, or 'WARC/1.'): it starts '{}'",
        path.string(), strip_control_characters(truncate_utf8(text.substr(0, 16), 16))));
}

void ImportReport::fail(std::string where, std::string what)
{
    ++failed;
    if (failures.size() < max_reported_failures)
        failures.push_back({ std::move(where), std::move(what) });
}

std::string ImportReport::summary() const
{
    std::string line = fmt::format("imported: {} records read, {} imported, {} skipped, {} failed", read, imported, skipped, failed);
    if (failed > failures.size())
        line += fmt::format(" (the first {} failures are listed)", failures.size());
    return line;
}

int ImportReport::exit_code() const { return failed > 0 ? 1 : 0; }

ImportReport import_jsonl(store::Archive& archive, const std::filesystem::path& path, const ImportProgress& progress)
{
    ImportReport report;
    const std::string where = path.string();
    auto reader = store::JsonlReader::open(path);
    if (!reader) {
        report.fail(where, reader.error().message);
        return report;
    }
    std::vector<store::ImportRecord> batch;
    batch.reserve(jsonl_batch);
    bool archive_failed = false;
    auto flush = [&] {
        if (batch.empty())
            return;
        auto results = archive.import_records(batch);
        if (!results) {
            // The archive itself failed (a full disk): nothing of the batch was stored; stop here.
            report.failed += batch.size();
            report.failures.push_back({ where, fmt::format("lines {}–{} were not stored, and the import stopped: {}", batch.front().line, batch.back().line, results.error().message) });
            archive_failed = true;
        } else {
            for (std::size_t i = 0; i < results->size(); ++i) {
                const auto& result = (*results)[i];
                if (!result)
                    report.fail(where, result.error().message);
                else if (*result == store::ImportChange::imported)
                    ++report.imported;
                else
                    ++report.skipped;
            }
        }
        batch.clear();
    };
    while (!archive_failed) {
        auto line = reader->next();
        if (progress)
            progress(reader->bytes_read(), reader->file_size());
        if (!line) {
            ++report.read;
            report.fail(where, line.error().message);
            continue;
        }
        if (!*line)
            break;
        ++report.read;
        auto record = store::parse_jsonl_record(**line);
        if (!record) {
            report.fail(where, record.error().message);
            continue;
        }
        batch.push_back(std::move(*record));
        if (batch.size() >= jsonl_batch)
            flush();
    }
    if (!archive_failed)
        flush();
    return report;
}

asio::awaitable<ImportReport> import_warc(Runtime& runtime, std::filesystem::path path, ImportProgress progress)
{
    ImportReport report;
    auto reader = store::WarcReader::open(path);
    if (!reader) {
        report.fail(path.string(), reader.error().message);
        co_return report;
    }
    WarcReplay replay(runtime, report);
    for (;;) {
        auto next = (*reader)->next();
        if (progress)
            progress((*reader)->bytes_read(), (*reader)->file_size());
        if (!next) {
            ++report.read;
            report.fail(path.string(), next.error().message);
            continue;
        }
        if (!*next)
            break;
        ++report.read;
        const store::WarcRecord& record = **next;
        const std::string type = record.type();
        if (type == "response")
            co_await replay.response(record);
        else if (type == "revisit")
            co_await replay.revisit(record);
        else
            ++report.skipped; // warcinfo, request, metadata, resource, conversion, continuation: nothing of the crawl's
    }
    log_event(LogLevel::info, "import.done", { { "file", path.string() }, { "read", report.read }, { "imported", report.imported }, { "failed", report.failed } });
    co_return report;
}

} // namespace feedkeeper::crawl

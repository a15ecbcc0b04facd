// parse/feed/parser.cpp — the pipeline of parse_feed: decode, scan, strict or repaired XML, read.
// Pure; every parse owns its buffers and tree. Safe on any thread.
#include "parse/feed/parser.hpp"

#include "core/text.hpp"
#include "parse/feed/decode.hpp"
#include "parse/feed/html_urls.hpp"
#include "parse/feed/json_feed.hpp"
#include "parse/feed/xml_reader.hpp"
#include "parse/feed/xml_repair.hpp"
#include "parse/feed/xml_scan.hpp"

#include <pugixml.hpp>

namespace feedkeeper::parse {
namespace {

// Elements, attributes, text and CDATA; no entity decoding (done lazily), no comments, no PIs.
constexpr unsigned xml_parse_flags = pugi::parse_cdata | pugi::parse_eol;

std::string document_base(const FeedParseOptions& options)
{
    std::string base = trim(options.url);
    if (auto location = find_header(options.headers, "Content-Location")) {
        std::string resolved = resolve_reference(base, *location);
        if (istarts_with(resolved, "http://") || istarts_with(resolved, "https://"))
            base = std::move(resolved);
    }
    return base;
}

std::string default_language(const FeedParseOptions& options)
{
    auto header = find_header(options.headers, "Content-Language");
    if (!header)
        return {};
    return trim(header->substr(0, header->find(',')));
}

void mark_bozo(FeedDocument& feed, std::string message)
{
    if (!feed.bozo)
        feed.bozo_message = std::move(message);
    feed.bozo = true;
}

void cap_text(std::string& text, std::size_t limit)
{
    if (text.size() > limit)
        text.resize(truncate_utf8(text, limit).size());
}

void apply_text_limit(FeedDocument& feed, std::size_t limit)
{
    cap_text(feed.title, limit);
    for (FeedEntry& entry : feed.entries) {
        for (std::string* field : { &entry.id, &entry.title, &entry.link, &entry.author, &entry.summary, &entry.content })
            cap_text(*field, limit);
    }
}

// Decoded text, with windows-1252 characters put back where C1 controls stand in for them, and
// the scan that says whether it needs repair (demoronizing does not change that answer).
DecodedFeed decode(std::string_view bytes, std::string_view content_type, DocumentScan& scan)
{
    DecodedFeed decoded = decode_feed_bytes(bytes, content_type);
    scan = scan_document(decoded.utf8);
    if (scan.has_c1_controls)
        decoded.utf8 = demoronize(decoded.utf8);
    return decoded;
}

} // namespace

Result<FeedDocument> parse_feed(std::string_view bytes, const FeedParseOptions& options)
{
    if (bytes.size() > options.limits.max_document_bytes)
        return Error(Errc::too_large, "feed is " + std::to_string(bytes.size()) + " bytes, more than the limit of "
                + std::to_string(options.limits.max_document_bytes));
    const std::string_view content_type = find_header(options.headers, "Content-Type").value_or("");
    DocumentScan scan;
    DecodedFeed decoded = decode(bytes, content_type, scan);
    const std::string base = document_base(options);

    if (looks_like_json_feed(decoded.utf8)) {
        JsonFeedOptions json { base, default_language(options), options.dates, options.limits.max_entries, options.limits.max_depth };
        auto feed = parse_json_feed(decoded.utf8, json);
        if (feed) {
            feed->encoding = decoded.encoding;
            if (decoded.bozo)
                mark_bozo(*feed, decoded.bozo_message);
            apply_text_limit(*feed, options.limits.max_text_bytes);
        }
        return feed;
    }

    FeedDocument feed;
    feed.encoding = decoded.encoding;
    if (decoded.bozo)
        mark_bozo(feed, decoded.bozo_message);

    pugi::xml_document document;
    bool parsed = false;
    if (!scan.needs_repair) {
        const pugi::xml_parse_result result = document.load_buffer_inplace(decoded.utf8.data(), decoded.utf8.size(), xml_parse_flags, pugi::encoding_utf8);
        parsed = static_cast<bool>(result);
        if (!parsed) {
            mark_bozo(feed, std::string("not well-formed XML: ") + result.description() + " at byte " + std::to_string(result.offset));
            decoded = decode(bytes, content_type, scan); // the in-place parse consumed the buffer
        }
    }
    if (!parsed) {
        RepairedDocument repaired = repair_xml(decoded.utf8);
        if (repaired.fixes > 0)
            mark_bozo(feed, "not well-formed XML: " + repaired.first_problem);
        decoded.utf8 = std::move(repaired.xml);
        document.reset();
        const pugi::xml_parse_result result = document.load_buffer_inplace(decoded.utf8.data(), decoded.utf8.size(), xml_parse_flags, pugi::encoding_utf8);
        if (!result)
            mark_bozo(feed, std::string("not well-formed XML after repair: ") + result.description());
    }

    const pugi::xml_node root = document.document_element();
    if (!root)
        return Error(Errc::parse, feed.bozo_message.empty() ? "no XML element in the document" : feed.bozo_message);
    XmlReadOptions read_options { base, default_language(options), options.dates, options.limits.max_entries, options.limits.max_depth };
    XmlFeedReader reader(read_options);
    if (!reader.read(root, feed))
        return Error(Errc::parse, "not a feed: the root element is <" + std::string(root.name()) + ">");
    if (reader.saw_undeclared_prefix())
        mark_bozo(feed, "a namespace prefix is used without a declaration");
    apply_text_limit(feed, options.limits.max_text_bytes);
    return feed;
}

} // namespace feedkeeper::parse

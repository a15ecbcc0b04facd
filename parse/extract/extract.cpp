// parse/extract/extract.cpp — the extraction pipeline: decode, pre-scan, parse once, blocks, metadata,
// content, classification, rendering. Pure. Safe on any thread (never the I/O one).
#include "parse/extract/extract.hpp"

#include "core/text.hpp"
#include "core/url.hpp"
#include "parse/extract/blocks.hpp"
#include "parse/extract/body_html.hpp"
#include "parse/extract/classify.hpp"
#include "parse/extract/content.hpp"
#include "parse/extract/lexicon.hpp"
#include "parse/extract/metadata.hpp"
#include "parse/extract/site_boilerplate.hpp"
#include "parse/extract/stop_words.hpp"
#include "parse/extract/tuning.hpp"
#include "parse/html/decode.hpp"
#include "parse/html/document.hpp"
#include "parse/html/prescan.hpp"
#include "parse/text/characters.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace feedkeeper::parse {
namespace {

std::uint32_t visible_chars(std::string_view text)
{
    std::uint32_t count = 0;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        count += byte > ' ' && (byte < 0x80 || byte >= 0xC0);
    }
    return count;
}

// JSON-LD articleBody as paragraphs, for pages whose markup carries no readable body.
void use_structured_body(const std::string& article_body, ExtractedPage& page)
{
    page.body.clear();
    page.body_html.clear();
    for (std::string_view line : split(article_body, '\n')) {
        const std::string paragraph = collapse_whitespace(line);
        if (paragraph.empty())
            continue;
        page.body += (page.body.empty() ? "" : "\n\n") + paragraph;
        page.body_html += "<p>";
        for (char c : paragraph) {
            if (c == '<')
                page.body_html += "&lt;";
            else if (c == '>')
                page.body_html += "&gt;";
            else if (c == '&')
                page.body_html += "&amp;";
            else
                page.body_html.push_back(c);
        }
        page.body_html += "</p>";
    }
}

// The first image near the article: in its container or up to two levels above (a lead image sits
// beside the text, in the same <article>), outside pruned subtrees (logos live in pruned headers).
std::string first_image(const HtmlDocument& document, const PageBlocks& blocks, std::uint32_t container,
    const std::string& base)
{
    std::uint32_t scope = container;
    for (int level = 0; level < 2 && document[scope].parent != no_node && scope != document.body(); ++level)
        scope = document[scope].parent;
    for (std::uint32_t i = scope; i < document[scope].end; ++i) {
        if (document[i].is_text || document[i].tag != GUMBO_TAG_IMG || blocks.removed[i])
            continue;
        const std::string_view source = document.attribute(i, "src");
        if (trim(source).empty())
            continue; // no image (a lazy loader's placeholder); resolved, "" would be the page itself
        if (auto resolved = resolve_url(base, source); resolved && is_http_url(*resolved))
            return *resolved;
    }
    return {};
}

std::vector<std::uint64_t> fingerprints(const PageBlocks& blocks, const SelectedContent& content)
{
    std::vector<std::uint64_t> result;
    for (std::uint32_t b : content.candidates) {
        if (const std::uint64_t fingerprint = lower_block_fingerprint(blocks.blocks[b].lower))
            result.push_back(fingerprint);
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}

} // namespace

Result<ExtractedPage> extract_page(std::string_view bytes, const ExtractOptions& options)
{
    if (bytes.size() > options.limits.max_input_bytes)
        return Error(Errc::too_large, fmt::format("page of {} bytes is over the {} byte cap", bytes.size(),
                                           options.limits.max_input_bytes));
    ExtractedPage page;
    page.url = options.url;
    const auto content_type = find_header(options.headers, "Content-Type");
    const DecodedText decoded = decode_html(bytes, content_type ? *content_type : std::string_view());
    page.encoding = decoded.encoding;

    PrescanLimits prescan_limits;
    prescan_limits.max_depth = options.limits.max_depth;
    prescan_limits.max_nodes = options.limits.max_nodes;
    const PrescannedHtml prescanned = prescan_html(decoded.utf8, prescan_limits);
    const HtmlDocument document(prescanned.html, options.limits.max_nodes);
    page.truncated = prescanned.truncated || document.truncated(); // (depth caps flatten, they keep the text)
    const PageBlocks named = segment_blocks(document);

    PageMetadata metadata = extract_metadata(document, named, prescanned.json_ld, options.url, options.headers, options.dates);
    ContentHints hints;
    hints.title = metadata.title;
    hints.site = options.site;
    hints.captions_in_body = options.captions == CaptionText::body_too;
    SelectedContent content = select_content(document, named, hints);
    // Readability's retry: when pruning by name left no prose on a page that has plenty, the article
    // sat under a misleading name, an aria-hidden wrapper or an open modal; segment again pruning by
    // tag only, and take that choice when it finds real prose.
    std::optional<PageBlocks> by_tag;
    if (content.prose_chars < tuning.minimal_prose_chars
        && document[document.body()].prose_chars >= tuning.retry_page_prose_chars) {
        by_tag = segment_blocks(document, Pruning::tags_only);
        SelectedContent retry = select_content(document, *by_tag, hints);
        if (retry.prose_chars >= tuning.retry_min_prose_chars)
            content = std::move(retry);
        else
            by_tag.reset();
    }
    const PageBlocks& blocks = by_tag ? *by_tag : named;
    page.block_fingerprints = fingerprints(blocks, content);

    std::uint32_t body_chars = 0;
    for (std::uint32_t b : content.kept) {
        page.body += (page.body.empty() ? "" : "\n\n") + blocks.blocks[b].text;
        body_chars += blocks.blocks[b].chars;
    }
    page.body_html = render_body_html(document, blocks, content.rendered, metadata.base_url);
    if (metadata.lead_image.empty() && content.container != no_node)
        metadata.lead_image = first_image(document, blocks, content.container, metadata.base_url);
    const std::uint32_t structured_chars = visible_chars(metadata.json_ld.body);
    bool structured_body = false;
    // JSON-LD articleBody is a candidate like the visible body: preferred when clearly longer (the
    // markup shows a teaser, a bio or a script-rendered shell), whatever the visible body's length.
    if (structured_chars > tuning.structured_body_factor * body_chars + tuning.structured_body_margin) {
        use_structured_body(metadata.json_ld.body, page);
        body_chars = structured_chars;
        structured_body = true;
    }

    std::string container_text;
    for (std::uint32_t b : content.candidates) {
        if (container_text.size() > 20'000)
            break;
        container_text += blocks.blocks[b].lower + "\n";
    }
    PageEvidence evidence;
    evidence.body = page.body;
    evidence.container_text = container_text;
    evidence.container_consent_chars = content.consent_chars;
    evidence.body_chars = body_chars;
    evidence.body_blocks = static_cast<std::uint32_t>(content.kept.size());
    evidence.prose_chars = structured_body ? body_chars : content.prose_chars;
    evidence.long_prose = content.long_prose || body_chars >= 1000;
    evidence.page_chars = blocks.body_chars;
    evidence.consent_chars = named.consent_chars; // (what was pruned by name, whichever choice won)
    evidence.container_consent = content.container != no_node && (blocks.hints[content.container] & hint_consent);
    evidence.paywall_chars = named.paywall_chars;
    evidence.teaser_chars = content.teaser_chars;
    evidence.paywall_text = content.paywall_notice;
    evidence.accessible_for_free = metadata.json_ld.accessible_for_free;
    evidence.structured_article = metadata.json_ld.article || metadata.og_type == "article";
    evidence.headline_post = content.in_headline_post && !structured_body;
    evidence.document_title = metadata.document_title;
    evidence.headings = metadata.headings;
    page.status = classify_page(evidence);
    if (page.status != PageStatus::article && page.status != PageStatus::paywall) {
        page.body.clear(); // boilerplate of a page that is no article is never presented as its body
        page.body_html.clear();
    }

    page.body = normalize_nfc(std::move(page.body));
    page.body_html = normalize_nfc(std::move(page.body_html));
    static_cast<ArticleMetadata&>(page) = std::move(static_cast<ArticleMetadata&>(metadata));
    page.title = normalize_nfc(std::move(page.title));
    if (page.language.empty())
        page.language = guess_language(lower_utf8(std::string_view(page.body).substr(0, 5000)));
    return page;
}

FeedBody extract_fragment(std::string_view fragment, TextKind kind, const ExtractOptions& options)
{
    FeedBody cleaned;
    if (trim(fragment).empty() || fragment.size() > options.limits.max_input_bytes)
        return cleaned;
    std::string html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><article>";
    html.reserve(html.size() + fragment.size() + 64);
    if (kind == TextKind::plain) {
        html += "<p>";
        for (std::size_t i = 0; i < fragment.size(); ++i) {
            const char c = fragment[i];
            if (c == '\n' && i + 1 < fragment.size() && fragment[i + 1] == '\n') {
                html += "</p><p>";
                while (i + 1 < fragment.size() && (fragment[i + 1] == '\n' || fragment[i + 1] == '\r'))
                    ++i;
            } else if (c == '<') {
                html += "&lt;";
            } else if (c == '>') {
                html += "&gt;";
            } else if (c == '&') {
                html += "&amp;";
            } else {
                html.push_back(c);
            }
        }
        html += "</p>";
    } else {
        html += fragment;
    }
    html += "</article></body></html>";

    PrescanLimits prescan_limits;
    prescan_limits.max_depth = options.limits.max_depth;
    prescan_limits.max_nodes = options.limits.max_nodes;
    const PrescannedHtml prescanned = prescan_html(html, prescan_limits);
    const HtmlDocument document(prescanned.html, options.limits.max_nodes);
    const PageBlocks blocks = segment_blocks(document);
    ContentHints hints;
    hints.captions_in_body = options.captions == CaptionText::body_too;
    SelectedContent content = select_content(document, blocks, hints);
    if (content.kept.empty()) {
        for (std::uint32_t b = 0; b < blocks.blocks.size(); ++b)
            if (!blocks.removed[blocks.blocks[b].owner] && !blocks.blocks[b].text.empty())
                content.kept.push_back(b);
        content.rendered = content.kept;
    }
    for (std::uint32_t b : content.kept)
        cleaned.body += (cleaned.body.empty() ? "" : "\n\n") + blocks.blocks[b].text;
    cleaned.body_html = render_body_html(document, blocks, content.rendered, options.url);
    cleaned.body = normalize_nfc(std::move(cleaned.body));
    cleaned.body_html = normalize_nfc(std::move(cleaned.body_html));
    return cleaned;
}

} // namespace feedkeeper::parse

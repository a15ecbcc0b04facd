// parse/extract.cpp — the extraction pipeline: decode, pre-scan, parse once, metadata, blocks,
// content, classification, rendering. Pure. Safe on any thread (never the I/O one).
#include "parse/extract.hpp"

#include "core/text.hpp"
#include "parse/extract_blocks.hpp"
#include "parse/extract_content.hpp"
#include "parse/html_charset.hpp"
#include "parse/html_document.hpp"
#include "parse/html_prescan.hpp"
#include "parse/site_boilerplate.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::parse {
namespace {

std::string temporary_title(const HtmlDocument& document)
{
    for (std::uint32_t i = 0; i < document.size(); ++i) {
        if (document[i].tag == GUMBO_TAG_META && document.attribute(i, "property") == "og:title")
            return collapse_whitespace(document.attribute(i, "content"));
    }
    return {};
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
    DecodedText decoded = decode_html(bytes, content_type ? *content_type : std::string_view());
    page.encoding = decoded.encoding;

    PrescanLimits prescan_limits;
    prescan_limits.max_depth = options.limits.max_depth;
    prescan_limits.max_nodes = options.limits.max_nodes;
    const PrescannedHtml prescanned = prescan_html(decoded.utf8, prescan_limits);
    const HtmlDocument document(prescanned.html, options.limits.max_nodes);

    page.title = temporary_title(document);
    const PageBlocks blocks = segment_blocks(document);
    ContentHints hints;
    hints.title = page.title;
    hints.site = options.site;
    const SelectedContent content = select_content(document, blocks, hints);
    for (std::uint32_t b : content.candidates) {
        if (const std::uint64_t fingerprint = block_fingerprint(blocks.blocks[b].text))
            page.block_fingerprints.push_back(fingerprint);
    }
    std::sort(page.block_fingerprints.begin(), page.block_fingerprints.end());
    page.block_fingerprints.erase(std::unique(page.block_fingerprints.begin(), page.block_fingerprints.end()),
        page.block_fingerprints.end());
    for (std::uint32_t b : content.kept) {
        if (!page.body.empty())
            page.body += "\n\n";
        page.body += blocks.blocks[b].text;
    }
    page.status = page.body.empty() ? PageStatus::not_article : PageStatus::article;
    return page;
}

} // namespace feedkeeper::parse

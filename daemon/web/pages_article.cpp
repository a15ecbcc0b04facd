// daemon/web/pages_article.cpp — an article (metadata, clean body, revisions, a word diff between
// any two) and a capture (its exchange and digest, the raw page in a sandboxed frame).
// body_html is the extractor's own rendering (parse/extract/body_html.cpp: text escaped, links
// http(s) only, no scripts, styles or event attributes), the one markup of archived origin shown
// as markup; the pages' CSP forbids every script besides. Threading: a reader thread.
#include "daemon/web/diff.hpp"
#include "daemon/web/routes.hpp"
#include "daemon/web/view_parts.hpp"

#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace feedkeeper::daemon::web {
namespace {

// "?diff=A..B": two revision numbers of this article.
std::optional<std::pair<std::int64_t, std::int64_t>> parse_diff(std::string_view text)
{
    const auto dots = text.find("..");
    if (dots == std::string_view::npos)
        return std::nullopt;
    const auto from = parse_id(text.substr(0, dots));
    const auto to = parse_id(text.substr(dots + 2));
    if (!from || !to)
        return std::nullopt;
    return std::pair(*from, *to);
}

std::string render_diff(const std::vector<DiffPiece>& pieces)
{
    std::string out;
    for (const DiffPiece& piece : pieces) {
        const char* tag = piece.op == DiffOp::removed ? "del" : piece.op == DiffOp::added ? "ins" : nullptr;
        if (tag)
            out += fmt::format("<{}>", tag);
        append_escaped_html(out, piece.text);
        if (tag)
            out += fmt::format("</{}>", tag);
    }
    return out;
}

std::string headers_text(const HttpHeaders& headers)
{
    std::string text;
    for (const auto& header : headers)
        text += header.name + ": " + header.value + "\n";
    return text;
}

} // namespace

WebResponse article_page(const WebRequest& request, store::Archive& archive, std::int64_t article_id)
{
    auto article = archive.reader().article(article_id);
    if (!article)
        return error_page(500, article.error().message);
    if (!*article)
        return error_page(404, fmt::format("no article {}", article_id));
    auto revisions = archive.reader().article_revisions(article_id, max_revisions_shown);
    if (!revisions)
        return error_page(500, revisions.error().message);
    if (revisions->empty())
        return error_page(404, fmt::format("article {} has no revision", article_id));
    const store::RevisionView& current = revisions->back();
    std::string diff;
    if (const std::string wanted = query_text(request, "diff"); !wanted.empty()) {
        const auto pair = parse_diff(wanted);
        if (!pair)
            return error_page(400, "parameter 'diff' must be two revision numbers, e.g. diff=1..2");
        const auto find = [&](std::int64_t number) {
            return std::find_if(revisions->begin(), revisions->end(), [&](const auto& revision) { return revision.revision == number; });
        };
        const auto from = find(pair->first);
        const auto to = find(pair->second);
        if (from == revisions->end() || to == revisions->end())
            return error_page(404, fmt::format("article {} has no revision {}", article_id, from == revisions->end() ? pair->first : pair->second));
        diff = render(R"(<h2 id="diff">Changes from revision {a} to revision {b}</h2>
<p class="small muted">Words <del>removed</del> and <ins>added</ins>.</p>
<div class="diff">{diff}</div>
)",
            { { "a", std::to_string(pair->first) }, { "b", std::to_string(pair->second) }, { "diff", Trusted { render_diff(word_diff(from->body, to->body)) } } });
    }
    std::string rows;
    for (auto it = revisions->rbegin(); it != revisions->rend(); ++it) {
        const auto& revision = *it;
        std::string compare;
        if (revision.revision > 1 && it + 1 != revisions->rend())
            compare = render("<a href=\"/articles/{id}?diff={a}..{b}#diff\">changes</a>",
                { { "id", std::to_string(article_id) }, { "a", std::to_string((it + 1)->revision) }, { "b", std::to_string(revision.revision) } });
        std::string capture;
        if (revision.capture_id)
            capture = render("<a href=\"/captures/{c}\">capture {c}</a>", { { "c", std::to_string(*revision.capture_id) } });
        rows += render("<tr><td class=\"num\">{n}</td><td class=\"small\">{fetched}</td><td>{status}</td><td>{title}</td><td class=\"small\"><code>{sha}</code></td><td>{capture}</td><td>{compare}</td></tr>\n",
            { { "n", std::to_string(revision.revision) }, { "fetched", show_time(revision.fetched_at) }, { "status", Trusted { badge(to_string(revision.status)) } },
                { "title", revision.title }, { "sha", revision.content_sha256.substr(0, 12) }, { "capture", Trusted { capture } }, { "compare", Trusted { compare } } });
    }
    std::string categories;
    for (const auto& category : current.categories)
        categories += (categories.empty() ? "" : ", ") + category;
    const std::string title = current.title.empty() ? current.url : current.title;
    const std::string content = render(R"(<h1>{title}</h1>
<dl class="meta">
<dt>Address</dt><dd>{url}</dd>
<dt>Canonical</dt><dd>{canonical}</dd>
<dt>Feed</dt><dd>{feed}</dd>
<dt>Author</dt><dd>{author}</dd>
<dt>Published</dt><dd>{published}</dd>
<dt>Modified</dt><dd>{modified}</dd>
<dt>First seen</dt><dd>{first_seen}</dd>
<dt>Fetched</dt><dd>{fetched}</dd>
<dt>Status</dt><dd>{status} {gone}</dd>
<dt>Language</dt><dd>{language}</dd>
<dt>Categories</dt><dd>{categories}</dd>
<dt>Revisions</dt><dd>{revisions}</dd>
<dt>Raw capture</dt><dd>{capture}</dd>
</dl>
<article class="body">
{body}
</article>
{diff}<h2>Revisions</h2>
<table><thead><tr><th>#</th><th>Fetched</th><th>Status</th><th>Title</th><th>SHA-256</th><th>Capture</th><th>Diff</th></tr></thead><tbody>
{rows}</tbody></table>
<p class="small"><a href="/api/v1/articles/{id}">JSON</a> · <a href="/api/v1/articles/{id}/revisions">revisions as JSON</a></p>
)",
        { { "title", title }, { "url", Trusted { external_link(current.url, current.url) } },
            { "canonical", Trusted { current.canonical_url.empty() ? "–" : external_link(current.canonical_url, current.canonical_url) } },
            { "feed", Trusted { current.feed_url.empty() ? "–" : external_link(current.feed_url, current.feed_url) } },
            { "author", current.author.empty() ? "–" : current.author }, { "published", show_time(current.published) },
            { "modified", show_time(current.modified) }, { "first_seen", show_time(current.first_seen) }, { "fetched", show_time(current.fetched_at) },
            { "status", Trusted { badge(to_string(current.status)) } },
            { "gone", (*article)->gone_at ? "gone since " + show_time((*article)->gone_at) : std::string() },
            { "language", current.language.empty() ? "–" : current.language }, { "categories", categories.empty() ? "–" : categories },
            { "revisions", std::to_string((*article)->revisions) },
            { "capture", Trusted { current.capture_id ? render("<a href=\"/captures/{c}\">capture {c}</a>", { { "c", std::to_string(*current.capture_id) } }) : "–" } },
            { "body", Trusted { current.body_html.empty() ? render("<p>{b}</p>", { { "b", current.body } }) : current.body_html } },
            { "diff", Trusted { diff } }, { "rows", Trusted { rows } }, { "id", std::to_string(article_id) } });
    return html_page(title, content);
}

WebResponse capture_page(const WebRequest&, store::Archive& archive, std::int64_t capture_id)
{
    auto capture = archive.reader().capture_info(capture_id);
    if (!capture)
        return error_page(500, capture.error().message);
    if (!*capture)
        return error_page(404, fmt::format("no capture {}", capture_id));
    const store::CaptureRecord& c = **capture;
    const std::string frame = c.body_dropped
        ? std::string("<p class=\"muted\">The body of this capture was dropped by the retention policy; its size and digest stay.</p>\n")
        : render("<iframe class=\"capture\" sandbox src=\"/captures/{id}/raw\" title=\"The captured page, sandboxed: no scripts, no requests\" referrerpolicy=\"no-referrer\"></iframe>\n",
              { { "id", std::to_string(capture_id) } });
    const std::string content = render(R"(<h1>Capture {id}</h1>
<dl class="meta">
<dt>Requested</dt><dd>{url}</dd>
<dt>Final address</dt><dd>{final_url}</dd>
<dt>Kind</dt><dd>{kind}</dd>
<dt>HTTP status</dt><dd>{status} {version}</dd>
<dt>Fetched</dt><dd>{fetched}</dd>
<dt>Server address</dt><dd>{ip}</dd>
<dt>Body</dt><dd>{size} bytes{dropped}</dd>
<dt>SHA-256</dt><dd><code>{sha}</code></dd>
</dl>
<h2>Response headers</h2>
<pre class="headers">{response_headers}</pre>
<h2>Request headers</h2>
<pre class="headers">{request_headers}</pre>
<h2>The page as fetched</h2>
{frame})",
        { { "id", std::to_string(capture_id) }, { "url", Trusted { external_link(c.response.url, c.response.url) } },
            { "final_url", Trusted { c.response.final_url.empty() ? "–" : external_link(c.response.final_url, c.response.final_url) } },
            { "kind", c.kind }, { "status", std::to_string(c.response.status) }, { "version", c.response.http_version },
            { "fetched", show_time(c.response.fetched_at) }, { "ip", c.response.remote_ip.empty() ? "–" : c.response.remote_ip },
            { "size", std::to_string(c.body_size) }, { "dropped", c.body_dropped ? " (dropped)" : "" }, { "sha", c.body_sha256 },
            { "response_headers", headers_text(c.response.headers) }, { "request_headers", headers_text(c.response.request_headers) },
            { "frame", Trusted { frame } } });
    return html_page(fmt::format("Capture {}", capture_id), content);
}

WebResponse capture_raw(const WebRequest&, store::Archive& archive, std::int64_t capture_id)
{
    auto capture = archive.captures().load(capture_id);
    if (!capture) {
        WebResponse missing = error_page(capture.error().code == Errc::not_found ? 404 : 500, capture.error().message);
        missing.sandboxed_capture = true;
        return missing;
    }
    WebResponse response;
    response.sandboxed_capture = true; // CSP sandbox: an opaque origin, no scripts, no requests
    const auto type = find_header(capture->headers, "Content-Type");
    const std::string mime = type ? content_type_mime(*type) : std::string();
    const std::string charset = type ? content_type_charset(*type) : std::string();
    // HTML as HTML (sandboxed); anything else (feeds, robots.txt, images) as text, never sniffed.
    if (mime == "text/html" || mime == "application/xhtml+xml") {
        response.content_type = "text/html";
        if (!charset.empty() && std::all_of(charset.begin(), charset.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }))
            response.content_type += "; charset=" + charset;
    } else {
        response.content_type = "text/plain; charset=utf-8";
    }
    response.body = std::move(capture->body);
    return response;
}

} // namespace feedkeeper::daemon::web

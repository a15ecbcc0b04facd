// crawl/reextract.cpp — re-extraction from stored captures, 64 articles at a time.
// Threading: a coroutine on Runtime::io; extraction on Runtime::cpu; archive on Runtime::store.
#include "crawl/reextract.hpp"

#include "core/url.hpp"

namespace feedkeeper::crawl {

asio::awaitable<ReextractReport> reextract(Runtime& runtime, std::string host)
{
    SiteProfileCache profiles;
    ReextractReport report;
    std::int64_t after = 0;
    for (;;) {
        auto batch = co_await runtime.store([&](store::Archive& archive) { return archive.captures().latest(host, after, 64); });
        if (!batch) {
            report.failures.push_back({ "archive", batch.error().message });
            co_return report;
        }
        if (batch->empty())
            co_return report;
        for (const store::StoredCapture& stored : *batch) {
            after = stored.article_id;
            auto capture = co_await runtime.store([&](store::Archive& archive) { return archive.captures().load(stored.capture_id); });
            if (!capture) {
                report.failures.push_back({ stored.url, capture.error().message });
                continue;
            }
            auto page = co_await extract_response(runtime, profiles, *capture);
            if (!page) {
                report.failures.push_back({ stored.url, page.error().message });
                continue;
            }
            store::ArticleInput input;
            input.requested_url = capture->url;
            input.capture_id = stored.capture_id;
            input.response = std::move(*capture);
            input.page = std::move(*page);
            auto saved = co_await runtime.store([&](store::Archive& archive) { return archive.articles().save(input); });
            profiles.invalidate(url_host(input.response.final_url.empty() ? input.requested_url : input.response.final_url));
            if (!saved)
                report.failures.push_back({ stored.url, saved.error().message });
            else if (saved->change == store::ArticleChange::revised || saved->change == store::ArticleChange::created)
                ++report.revised;
            else
                ++report.unchanged;
        }
    }
}

} // namespace feedkeeper::crawl

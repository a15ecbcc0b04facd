// core/types.cpp — string forms of the shared value types. Threading: pure functions.
#include "core/article.hpp"
#include "core/feed.hpp"
#include "core/http.hpp"
#include "core/text.hpp"

namespace feedkeeper {

std::string_view to_string(FeedFormat format)
{
    switch (format) {
    case FeedFormat::unknown: return "unknown";
    case FeedFormat::rss090: return "rss090";
    case FeedFormat::rss091: return "rss091";
    case FeedFormat::rss092: return "rss092";
    case FeedFormat::rss093: return "rss093";
    case FeedFormat::rss094: return "rss094";
    case FeedFormat::rss10: return "rss10";
    case FeedFormat::rss20: return "rss20";
    case FeedFormat::atom03: return "atom03";
    case FeedFormat::atom10: return "atom10";
    case FeedFormat::json10: return "json10";
    case FeedFormat::json11: return "json11";
    case FeedFormat::cdf: return "cdf";
    }
    return "unknown";
}

std::string_view to_string(PageStatus status)
{
    switch (status) {
    case PageStatus::article: return "article";
    case PageStatus::consent_wall: return "consent_wall";
    case PageStatus::paywall: return "paywall";
    case PageStatus::error_page: return "error_page";
    case PageStatus::not_article: return "not_article";
    }
    return "not_article";
}

std::optional<PageStatus> page_status_from_string(std::string_view text)
{
    for (auto status : { PageStatus::article, PageStatus::consent_wall, PageStatus::paywall, PageStatus::error_page, PageStatus::not_article })
        if (to_string(status) == text)
            return status;
    return std::nullopt;
}

void ArticleMetadata::fill_gaps_from(const ArticleMetadata& other)
{
    const auto fill = [](auto& field, const auto& from) {
        if (field == std::decay_t<decltype(field)> {})
            field = from;
    };
    fill(title, other.title);
    fill(author, other.author);
    fill(published, other.published);
    fill(modified, other.modified);
    fill(language, other.language);
    fill(canonical_url, other.canonical_url);
    fill(site_name, other.site_name);
    fill(categories, other.categories);
    fill(lead_image, other.lead_image);
    fill(description, other.description);
}

std::string_view to_string(RecordStatus status)
{
    switch (status) {
    case RecordStatus::article: return "article";
    case RecordStatus::consent_wall: return "consent_wall";
    case RecordStatus::paywall: return "paywall";
    case RecordStatus::error_page: return "error_page";
    case RecordStatus::not_article: return "not_article";
    case RecordStatus::gone: return "gone";
    case RecordStatus::failed: return "failed";
    case RecordStatus::pending: return "pending";
    }
    return "pending";
}

std::optional<RecordStatus> record_status_from_string(std::string_view text)
{
    for (auto status : { RecordStatus::article, RecordStatus::consent_wall, RecordStatus::paywall, RecordStatus::error_page, RecordStatus::not_article,
             RecordStatus::gone, RecordStatus::failed, RecordStatus::pending })
        if (to_string(status) == text)
            return status;
    return std::nullopt;
}

RecordStatus record_status(PageStatus status)
{
    switch (status) {
    case PageStatus::article: return RecordStatus::article;
    case PageStatus::consent_wall: return RecordStatus::consent_wall;
    case PageStatus::paywall: return RecordStatus::paywall;
    case PageStatus::error_page: return RecordStatus::error_page;
    case PageStatus::not_article: return RecordStatus::not_article;
    }
    return RecordStatus::not_article;
}

std::string_view to_string(BodySource source)
{
    switch (source) {
    case BodySource::page: return "page";
    case BodySource::feed: return "feed";
    case BodySource::summary: return "summary";
    case BodySource::none: return "none";
    }
    return "none";
}

std::optional<BodySource> body_source_from_string(std::string_view text)
{
    for (auto source : { BodySource::page, BodySource::feed, BodySource::summary, BodySource::none })
        if (to_string(source) == text)
            return source;
    return std::nullopt;
}

std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name)
{
    for (const HttpHeader& header : headers)
        if (iequals(header.name, name))
            return std::string_view(header.value);
    return std::nullopt;
}

std::string content_type_mime(std::string_view content_type)
{
    return ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::string content_type_charset(std::string_view content_type)
{
    for (std::string_view parameter : split(content_type, ';')) {
        const std::size_t equals = parameter.find('=');
        if (equals == std::string_view::npos || !iequals(trim(parameter.substr(0, equals)), "charset"))
            continue;
        std::string value = trim(parameter.substr(equals + 1));
        // Quotes, balanced or not ("\"utf-8" is common enough): a charset name never contains one.
        if (!value.empty() && (value.front() == '"' || value.front() == '\''))
            value.erase(0, 1);
        if (const std::size_t quote = value.find_first_of("\"'"); quote != std::string::npos)
            value.erase(quote);
        return ascii_lower(trim(value));
    }
    return {};
}

} // namespace feedkeeper

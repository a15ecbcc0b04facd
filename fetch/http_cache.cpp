// fetch/http_cache.cpp — Retry-After and freshness from response headers. Threading: pure.
#include "fetch/http_cache.hpp"

#include "core/text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>

namespace feedkeeper::fetch {
namespace {

constexpr std::chrono::seconds max_wait { 7 * 24 * 3600 };

std::optional<long long> parse_seconds(std::string_view text)
{
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<Timestamp> parse_http_date(std::string_view text)
{
    const std::string copy = trim(text);
    if (copy.empty() || copy.size() > 64)
        return std::nullopt;
    const time_t parsed = curl_getdate(copy.c_str(), nullptr);
    if (parsed == -1)
        return std::nullopt;
    return Timestamp(std::chrono::seconds(parsed));
}

std::optional<std::chrono::seconds> retry_after(const HttpHeaders& headers, Timestamp now)
{
    const auto value = find_header(headers, "retry-after");
    if (!value)
        return std::nullopt;
    const std::string text = trim(*value);
    if (auto delta = parse_seconds(text))
        return std::min(std::chrono::seconds(*delta), max_wait);
    if (auto date = parse_http_date(text))
        return std::clamp(std::chrono::duration_cast<std::chrono::seconds>(*date - now), std::chrono::seconds(0), max_wait);
    return std::nullopt;
}

std::optional<std::chrono::seconds> freshness_lifetime(const HttpHeaders& headers, Timestamp now)
{
    if (const auto control = find_header(headers, "cache-control")) {
        std::optional<long long> max_age;
        for (std::string_view directive : split(*control, ',')) {
            const std::string item = ascii_lower(trim(directive));
            if (item == "no-store" || item == "no-cache")
                return std::chrono::seconds(0);
            for (std::string_view prefix : { "s-maxage=", "max-age=" }) {
                if (item.starts_with(prefix)) {
                    std::string number = item.substr(prefix.size());
                    if (number.size() >= 2 && number.front() == '"')
                        number = number.substr(1, number.size() - 2);
                    if (auto seconds = parse_seconds(number); seconds && (!max_age || prefix[0] == 's'))
                        max_age = seconds;
                }
            }
        }
        if (max_age)
            return std::min(std::chrono::seconds(*max_age), max_wait);
    }
    const auto expires = find_header(headers, "expires");
    if (!expires)
        return std::nullopt;
    const auto expiry = parse_http_date(*expires);
    if (!expiry)
        return std::chrono::seconds(0); // an invalid Expires means "already expired" (RFC 9111 5.3)
    Timestamp reference = now;
    if (auto date = find_header(headers, "date"))
        reference = parse_http_date(*date).value_or(now);
    return std::clamp(std::chrono::duration_cast<std::chrono::seconds>(*expiry - reference), std::chrono::seconds(0), max_wait);
}

} // namespace feedkeeper::fetch

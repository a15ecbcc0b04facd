// fetch/http_cache.cpp — Retry-After and freshness from response headers. Threading: pure.
#include "fetch/http_cache.hpp"

#include "core/text.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace feedkeeper::fetch {
namespace {

constexpr std::chrono::seconds max_wait { 7 * 24 * 3600 };

// delta-seconds (RFC 9111 1.2.2): digits only; too many of them mean "very long", not invalid.
std::optional<long long> parse_seconds(std::string_view text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc::result_out_of_range)
        return std::numeric_limits<long long>::max();
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
    std::optional<std::chrono::seconds> lifetime;
    // Every Cache-Control field line counts (RFC 9110 5.3: they combine like one comma list).
    std::optional<long long> max_age;
    for (const HttpHeader& header : headers) {
        if (!iequals(header.name, "cache-control"))
            continue;
        for (std::string_view directive : split(header.value, ',')) {
            const std::string item = ascii_lower(trim(directive));
            if (item == "no-store" || item == "no-cache")
                return std::chrono::seconds(0);
            // s-maxage is for shared caches only (RFC 9111 5.2.2.10); a feed reader is a private one.
            if (!item.starts_with("max-age="))
                continue;
            std::string number = trim(std::string_view(item).substr(8));
            if (number.size() >= 2 && number.front() == '"' && number.back() == '"')
                number = number.substr(1, number.size() - 2);
            if (auto seconds = parse_seconds(number); seconds && !max_age)
                max_age = seconds;
        }
    }
    if (max_age) {
        lifetime = std::chrono::seconds(std::min<long long>(*max_age, max_wait.count()));
    } else if (const auto expires = find_header(headers, "expires")) {
        const auto expiry = parse_http_date(*expires);
        if (!expiry)
            return std::chrono::seconds(0); // an invalid Expires means "already expired" (RFC 9111 5.3)
        Timestamp reference = now;
        if (auto date = find_header(headers, "date"))
            reference = parse_http_date(*date).value_or(now);
        lifetime = std::chrono::duration_cast<std::chrono::seconds>(*expiry - reference);
    }
    if (!lifetime)
        return std::nullopt;
    // What is left of it: a response that sat in a CDN for `Age` seconds is that much staler.
    std::chrono::seconds age { 0 };
    if (const auto value = find_header(headers, "age"))
        age = std::chrono::seconds(parse_seconds(trim(*value)).value_or(0));
    return std::clamp(*lifetime - std::min(age, max_wait), std::chrono::seconds(0), max_wait);
}

} // namespace feedkeeper::fetch

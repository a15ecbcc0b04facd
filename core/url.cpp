// core/url.cpp — libcurl's CURLU does the RFC 3986 work; we only choose flags and strip trackers.
// Threading: pure functions.
#include "core/url.hpp"

#include "core/c_handle.hpp"
#include "core/text.hpp"

#include <curl/curl.h>

#include <vector>

namespace feedkeeper {
namespace {

using UrlHandle = CHandle<CURLU, &curl_url_cleanup>;
using CurlString = CHandle<char, &curl_free>;

constexpr std::size_t max_url_bytes = 8192;

std::optional<std::string> get_part(CURLU* url, CURLUPart part, unsigned flags = 0)
{
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, flags) != CURLUE_OK)
        return std::nullopt;
    CurlString owned(raw);
    return std::string(raw);
}

UrlHandle parse(std::string_view text)
{
    if (text.empty() || text.size() > max_url_bytes)
        return nullptr;
    UrlHandle url(curl_url());
    if (!url)
        return nullptr;
    const std::string copy = trim(text);
    if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK)
        return nullptr;
    return url;
}

bool is_tracking_parameter(std::string_view name)
{
    static constexpr std::string_view exact[] = { "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_hsenc", "_hsmi", "mkt_tok" };
    if (ascii_lower(name).starts_with("utm_"))
        return true;
    for (auto candidate : exact)
        if (iequals(name, candidate))
            return true;
    return false;
}

// A fragment encoded the way libcurl encodes one in a reference: spaces, controls and non-ASCII
// bytes become %XX, the rest (an existing "%20" too) stays. CURLU_URLENCODE would encode '%' again.
std::string encode_fragment(std::string_view fragment)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(fragment.size());
    for (char c : fragment) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte >= 0x7f) {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

std::optional<std::string> resolve_url(std::string_view base, std::string_view reference)
{
    const std::string target = trim(reference);
    if (target.size() > max_url_bytes)
        return std::nullopt;
    UrlHandle url = parse(base);
    if (!url) {
        url = parse(target);
        if (!url)
            return std::nullopt;
        return get_part(url.get(), CURLUPART_URL);
    }
    if (target.empty() || target.front() == '#') {
        // RFC 3986 5.2.2: the empty reference is the base without its fragment, "#s" the base with
        // fragment s. libcurl 7.88 resolves both like a relative path ("http://a/b/c/#s").
        const std::string fragment = encode_fragment(std::string_view(target).substr(target.empty() ? 0 : 1));
        if (curl_url_set(url.get(), CURLUPART_FRAGMENT, fragment.empty() ? nullptr : fragment.c_str(), 0) != CURLUE_OK)
            return std::nullopt;
        return get_part(url.get(), CURLUPART_URL);
    }
    if (curl_url_set(url.get(), CURLUPART_URL, target.c_str(), CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE) != CURLUE_OK)
        return std::nullopt;
    return get_part(url.get(), CURLUPART_URL);
}

std::string url_host(std::string_view text)
{
    UrlHandle url = parse(text);
    if (!url)
        return {};
    return ascii_lower(get_part(url.get(), CURLUPART_HOST).value_or(""));
}

std::string url_scheme(std::string_view text)
{
    UrlHandle url = parse(text);
    if (!url)
        return {};
    return ascii_lower(get_part(url.get(), CURLUPART_SCHEME).value_or(""));
}

std::optional<int> url_port(std::string_view text)
{
    UrlHandle url = parse(text);
    if (!url)
        return std::nullopt;
    auto port = get_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (!port)
        return std::nullopt;
    return std::stoi(*port);
}

bool is_http_url(std::string_view text)
{
    const std::string scheme = url_scheme(text);
    return (scheme == "http" || scheme == "https") && !url_host(text).empty();
}

bool same_site(std::string_view a, std::string_view b)
{
    const auto bare = [](std::string host) { return host.starts_with("www.") ? host.substr(4) : host; };
    const std::string host = bare(url_host(a));
    return !host.empty() && host == bare(url_host(b));
}

bool same_origin_or_https_upgrade(std::string_view from, std::string_view to)
{
    const std::string host = url_host(from);
    if (host.empty() || host != url_host(to))
        return false;
    const std::string from_scheme = url_scheme(from); // lower case from libcurl
    const std::string to_scheme = url_scheme(to);
    const auto from_port = url_port(from);
    const auto to_port = url_port(to);
    if (from_scheme == to_scheme)
        return from_port == to_port;
    return from_scheme == "http" && to_scheme == "https" && from_port == 80 && to_port == 443;
}

std::string normalize_url(std::string_view text)
{
    UrlHandle url = parse(text);
    if (!url)
        return std::string(text);
    curl_url_set(url.get(), CURLUPART_FRAGMENT, nullptr, 0);
    if (auto scheme = get_part(url.get(), CURLUPART_SCHEME))
        curl_url_set(url.get(), CURLUPART_SCHEME, ascii_lower(*scheme).c_str(), CURLU_NON_SUPPORT_SCHEME);
    if (auto host = get_part(url.get(), CURLUPART_HOST))
        curl_url_set(url.get(), CURLUPART_HOST, ascii_lower(*host).c_str(), 0);
    if (auto query = get_part(url.get(), CURLUPART_QUERY)) {
        std::string kept;
        for (std::string_view pair : split(*query, '&')) {
            const std::string_view name = pair.substr(0, pair.find('='));
            if (pair.empty() || is_tracking_parameter(name))
                continue;
            if (!kept.empty())
                kept += '&';
            kept += pair;
        }
        curl_url_set(url.get(), CURLUPART_QUERY, kept.empty() ? nullptr : kept.c_str(), 0);
    }
    // Without CURLU_DEFAULT_PORT, curl_url_get drops a port equal to the scheme's default.
    return get_part(url.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT).value_or(std::string(text));
}

} // namespace feedkeeper

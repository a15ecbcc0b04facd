// daemon/web/html.cpp — escaping, safe links, query strings and the template layer.
// Threading: pure functions.
#include "daemon/web/html.hpp"

#include "core/text.hpp"
#include "core/url.hpp"

#include <stdexcept>

namespace feedkeeper::daemon::web {

void append_escaped_html(std::string& out, std::string_view text)
{
    const std::string valid = is_valid_utf8(text) ? std::string() : sanitize_utf8(text);
    const std::string_view source = valid.empty() ? text : std::string_view(valid);
    for (char c : source) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\0': out += "\xEF\xBF\xBD"; break;
        default: out.push_back(c);
        }
    }
}

std::string escape_html(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    append_escaped_html(out, text);
    return out;
}

std::string safe_href(std::string_view url)
{
    const std::string trimmed = trim(url);
    // A browser strips tabs and newlines inside a scheme ("java\tscript:"); anything but a plain
    // http(s) address with no control characters is refused rather than repaired.
    for (unsigned char c : trimmed)
        if (c < 0x20 || c == 0x7f)
            return {};
    if (!is_http_url(trimmed))
        return {};
    const std::string scheme = ascii_lower(url_scheme(trimmed));
    if (scheme != "http" && scheme != "https")
        return {};
    return trimmed;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = hex_digit_value(text[i + 1]);
            const int low = hex_digit_value(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view query)
{
    std::map<std::string, std::string> parameters;
    if (query.empty())
        return parameters;
    std::size_t count = 0;
    for (std::string_view pair : split(query, '&')) {
        if (pair.empty())
            continue;
        if (++count > max_query_parameters)
            return std::nullopt;
        const auto equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
        if (!name || !value || value->size() > max_query_value || name->size() > 64)
            return std::nullopt;
        parameters[*name] = std::move(*value); // the last of a repeated name wins
    }
    return parameters;
}

std::string url_encode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string render(std::string_view pattern, std::initializer_list<std::pair<std::string_view, TemplateValue>> values)
{
    std::string out;
    out.reserve(pattern.size() * 2);
    std::size_t i = 0;
    while (i < pattern.size()) {
        const std::size_t open = pattern.find('{', i);
        if (open == std::string_view::npos) {
            out.append(pattern.substr(i));
            break;
        }
        out.append(pattern.substr(i, open - i));
        if (open + 1 < pattern.size() && pattern[open + 1] == '{') {
            out.push_back('{');
            i = open + 2;
            continue;
        }
        const std::size_t close = pattern.find('}', open);
        if (close == std::string_view::npos)
            throw std::logic_error("template: unclosed placeholder");
        const std::string_view name = pattern.substr(open + 1, close - open - 1);
        bool found = false;
        for (const auto& [key, value] : values) {
            if (key != name)
                continue;
            if (const auto* trusted = std::get_if<Trusted>(&value))
                out += trusted->html;
            else
                append_escaped_html(out, std::get<std::string>(value));
            found = true;
            break;
        }
        if (!found)
            throw std::logic_error("template: no value for {" + std::string(name) + "}");
        i = close + 1;
    }
    return out;
}

} // namespace feedkeeper::daemon::web

// daemon/web/html.hpp — the web view's escaping and its small template layer: every value put
// into a page is escaped unless the code says it is trusted markup (our own templates, the
// extractor's body_html), and links keep only http(s) addresses.
// Threading: pure functions.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace feedkeeper::daemon::web {

// Text for an element's content or a quoted attribute: & < > " ' escaped, invalid UTF-8 as U+FFFD.
std::string escape_html(std::string_view);
void append_escaped_html(std::string& out, std::string_view);

// An address a link may point to: http(s) only (no javascript:, data:, file:...), else "".
std::string safe_href(std::string_view url);

// Query strings: application/x-www-form-urlencoded, decoded ('+' is a space). At most
// max_query_parameters parameters of at most max_query_value bytes each; nullopt beyond them or
// on a malformed escape.
constexpr std::size_t max_query_parameters = 32;
constexpr std::size_t max_query_value = 1024;
std::optional<std::map<std::string, std::string>> parse_query(std::string_view);
std::string url_encode(std::string_view);    // a query value
std::optional<std::string> percent_decode(std::string_view, bool plus_is_space);

// Markup the template inserts as it is: only our own code builds it.
struct Trusted {
    std::string html;
};
using TemplateValue = std::variant<std::string, Trusted>;

// `{name}` in `pattern` becomes the named value, escaped unless Trusted; `{{` is a literal '{'.
// A name the pattern uses but the call does not give is a bug: it throws std::logic_error.
std::string render(std::string_view pattern, std::initializer_list<std::pair<std::string_view, TemplateValue>> values);

} // namespace feedkeeper::daemon::web

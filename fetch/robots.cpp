// fetch/robots.cpp — an RFC 9309 robots.txt matcher. Threading: pure functions and values.
#include "fetch/robots.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace feedkeeper::fetch {
namespace {

constexpr std::size_t max_robots_bytes = 500 * 1024;
// Rules kept for our group (a real file has dozens; each path is matched against all of them) and
// the longest pattern kept (after percent-encoding; longer than any URL we would request).
constexpr std::size_t max_rules = 10'000;
constexpr std::size_t max_pattern_bytes = 2048;

bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

enum class Encode { pattern, path };

// RFC 9309 2.2.2: compare in one percent-encoding. Non-ASCII octets and controls are encoded,
// escapes of unreserved characters decoded ("%62%61%7A" -> "baz"), other escapes upper-cased. In a
// path, '*' and '$' are data, so they are encoded the way a pattern spells them literally (%2A, %24).
std::string normalize_encoding(std::string_view text, Encode mode)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    auto encode = [&](unsigned char c) {
        out += '%';
        out += digits[c >> 4];
        out += digits[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '%' && i + 2 < text.size() && hex_digit_value(text[i + 1]) >= 0 && hex_digit_value(text[i + 2]) >= 0) {
            const auto decoded = static_cast<unsigned char>(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]));
            if (is_unreserved(decoded))
                out += static_cast<char>(decoded);
            else
                encode(decoded);
            i += 2;
        } else if (c >= 0x80 || c <= 0x20 || c == 0x7F || (mode == Encode::path && (c == '*' || c == '$'))) {
            encode(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

// Finds `piece` in `path` from `from` on. glibc's memmem (two-way algorithm) is linear in the path
// even when the path repeats most of the piece ("aaa...ab" in "aaa...a"), where string_view::find
// compares the piece again at every offset.
std::size_t find_piece(std::string_view path, std::string_view piece, std::size_t from)
{
    if (piece.empty())
        return from;
    const void* found = memmem(path.data() + from, path.size() - from, piece.data(), piece.size());
    return found ? static_cast<std::size_t>(static_cast<const char*>(found) - path.data()) : std::string_view::npos;
}

// Matches `path` against a robots pattern: '*' any run, '$' at the end anchors (RFC 9309 2.2.3).
// The pieces between '*'s must appear in order without overlapping; the leftmost place of each
// leaves the most room for the rest, so one left-to-right pass decides (no backtracking).
bool matches(std::string_view pattern, std::string_view path)
{
    const bool anchored = !pattern.empty() && pattern.back() == '$';
    if (anchored)
        pattern.remove_suffix(1);
    const auto first_star = pattern.find('*');
    if (first_star == std::string_view::npos)
        return anchored ? path == pattern : path.starts_with(pattern);
    if (!path.starts_with(pattern.substr(0, first_star)))
        return false;
    std::size_t at = first_star; // path[0, at) is consumed
    pattern.remove_prefix(first_star + 1);
    for (auto star = pattern.find('*'); star != std::string_view::npos; star = pattern.find('*')) {
        const std::string_view piece = pattern.substr(0, star);
        pattern.remove_prefix(star + 1);
        const auto found = find_piece(path, piece, at);
        if (found == std::string_view::npos)
            return false;
        at = found + piece.size();
    }
    // The last piece: anywhere after `at`, or, anchored, exactly at the end.
    if (anchored)
        return path.size() - at >= pattern.size() && path.ends_with(pattern);
    return find_piece(path, pattern, at) != std::string_view::npos;
}

// "**" means what "*" means; one star keeps the pieces between stars non-empty.
std::string collapse_stars(std::string pattern)
{
    pattern.erase(std::unique(pattern.begin(), pattern.end(), [](char a, char b) { return a == '*' && b == '*'; }), pattern.end());
    return pattern;
}

// Lines end at LF, CRLF or a lone CR (old Mac files); empty lines in between mean nothing.
template <class Visit>
void for_each_line(std::string_view text, Visit visit)
{
    while (!text.empty()) {
        const auto end = text.find_first_of("\r\n");
        visit(text.substr(0, end));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
}

} // namespace

std::string product_token(std::string_view user_agent)
{
    // RFC 9309 2.2.1: a product token is [a-zA-Z_-]+; "FooBot/1.0 (+url)" names "foobot".
    const std::string text = trim(user_agent);
    const auto end = text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-");
    return ascii_lower(std::string_view(text).substr(0, end));
}

RobotsRules RobotsRules::allow_all() { return RobotsRules {}; }

RobotsRules RobotsRules::disallow_all()
{
    RobotsRules rules;
    rules.m_disallow_all = true;
    return rules;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view token)
{
    text = text.substr(0, max_robots_bytes);
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3); // UTF-8 byte order mark
    const std::string ours = ascii_lower(token);
    // Groups: consecutive user-agent lines, then their rules. Ours if a UA line names our token;
    // otherwise the '*' group. Several matching groups are merged (RFC 9309 2.2.1).
    struct Group {
        std::vector<std::string> agents;
        std::vector<Rule> rules;
        std::optional<std::chrono::milliseconds> delay;
    };
    std::vector<Group> groups;
    bool in_agents = false;
    for_each_line(text, [&](std::string_view raw) {
        std::string_view line = raw.substr(0, raw.find('#'));
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return;
        const std::string key = ascii_lower(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        if (key == "user-agent") {
            if (!in_agents)
                groups.emplace_back();
            groups.back().agents.push_back(value == "*" ? value : product_token(value));
            in_agents = true;
            return;
        }
        if (key != "allow" && key != "disallow" && key != "crawl-delay")
            return; // sitemap and unknown records belong to no group and do not end one
        in_agents = false;
        if (groups.empty())
            return; // rules before any user-agent line
        if (key == "allow" || key == "disallow") {
            std::string pattern = normalize_encoding(value, Encode::pattern);
            // An empty Disallow allows everything: no rule at all.
            if (!pattern.empty() && pattern.size() <= max_pattern_bytes && groups.back().rules.size() < max_rules)
                groups.back().rules.push_back({ collapse_stars(pattern), pattern.size(), key == "allow" });
        } else if (key == "crawl-delay") {
            double seconds = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (error == std::errc() && seconds >= 0 && seconds <= 86400)
                groups.back().delay = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
        }
    });
    RobotsRules result;
    auto take = [&](auto&& wanted) {
        bool found = false;
        for (const Group& group : groups) {
            if (std::none_of(group.agents.begin(), group.agents.end(), wanted))
                continue;
            found = true;
            const std::size_t room = max_rules - std::min(max_rules, result.m_rules.size());
            result.m_rules.insert(result.m_rules.end(), group.rules.begin(), group.rules.begin() + static_cast<std::ptrdiff_t>(std::min(room, group.rules.size())));
            if (group.delay)
                result.m_crawl_delay = group.delay;
        }
        return found;
    };
    if (!ours.empty() && take([&](const std::string& agent) { return agent == ours; }))
        return result;
    take([](const std::string& agent) { return agent == "*"; });
    return result;
}

bool RobotsRules::allowed(std::string_view raw_path) const
{
    if (raw_path == "/robots.txt")
        return true; // implicitly allowed (RFC 9309 2.2.2)
    if (m_disallow_all)
        return false;
    const std::string path = normalize_encoding(raw_path.empty() ? "/" : raw_path, Encode::path);
    // Longest matching pattern wins; on a tie, Allow wins (RFC 9309 2.2.2).
    const Rule* best = nullptr;
    for (const Rule& rule : m_rules) {
        if (!matches(rule.pattern, path))
            continue;
        if (!best || rule.length > best->length || (rule.length == best->length && rule.allow))
            best = &rule;
    }
    return !best || best->allow;
}

} // namespace feedkeeper::fetch

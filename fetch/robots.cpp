// fetch/robots.cpp — an RFC 9309 robots.txt matcher. Threading: pure functions and values.
#include "fetch/robots.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <charconv>

namespace feedkeeper::fetch {
namespace {

constexpr std::size_t max_robots_bytes = 500 * 1024;

// Matches `path` against a robots pattern: '*' any run, '$' at the end anchors. Iterative
// backtracking over the last '*' (linear in practice, no recursion).
bool matches(std::string_view pattern, std::string_view path)
{
    bool anchored = !pattern.empty() && pattern.back() == '$';
    if (anchored)
        pattern.remove_suffix(1);
    std::size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
    while (s < path.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = s;
        } else if (p < pattern.size() && pattern[p] == path[s]) {
            ++p;
            ++s;
        } else if (p == pattern.size() && !anchored) {
            return true; // prefix match
        } else if (star != std::string_view::npos) {
            p = star + 1;
            s = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

} // namespace

std::string product_token(std::string_view user_agent)
{
    const auto end = user_agent.find_first_of("/ ");
    return ascii_lower(trim(user_agent.substr(0, end)));
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
    for (std::string_view raw : split(text, '\n')) {
        std::string_view line = raw.substr(0, raw.find('#'));
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string key = ascii_lower(trim(line.substr(0, colon)));
        const std::string value = trim(line.substr(colon + 1));
        if (key == "user-agent") {
            if (!in_agents)
                groups.emplace_back();
            groups.back().agents.push_back(ascii_lower(value));
            in_agents = true;
            continue;
        }
        in_agents = false;
        if (groups.empty())
            continue;
        if (key == "allow" || key == "disallow") {
            if (!value.empty() || key == "allow")
                groups.back().rules.push_back({ value, key == "allow" });
        } else if (key == "crawl-delay") {
            double seconds = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (error == std::errc() && seconds >= 0 && seconds <= 86400)
                groups.back().delay = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
        }
    }
    RobotsRules result;
    auto take = [&](auto&& wanted) {
        bool found = false;
        for (const Group& group : groups) {
            if (std::none_of(group.agents.begin(), group.agents.end(), wanted))
                continue;
            found = true;
            result.m_rules.insert(result.m_rules.end(), group.rules.begin(), group.rules.end());
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

bool RobotsRules::allowed(std::string_view path) const
{
    if (m_disallow_all)
        return path == "/robots.txt";
    // Longest matching pattern wins; on a tie, Allow wins (RFC 9309 2.2.2).
    const Rule* best = nullptr;
    for (const Rule& rule : m_rules) {
        if (!matches(rule.pattern, path))
            continue;
        if (!best || rule.pattern.size() > best->pattern.size() || (rule.pattern.size() == best->pattern.size() && rule.allow))
            best = &rule;
    }
    return !best || best->allow;
}

} // namespace feedkeeper::fetch

// core/process.cpp — process tokens from /proc (boot id, pid, start time in clock ticks).
// Threading: the token is computed once (thread-safe static); liveness reads /proc each call.
#include "core/process.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace feedkeeper {
namespace {

std::string read_small_file(const std::string& path)
{
    std::ifstream file(path);
    std::string text;
    std::getline(file, text, '\0');
    return text.substr(0, 4096);
}

constexpr std::string_view unknown_machine = "unknown-boot";

// Where a pid means one process: this boot of this kernel ("/proc/sys/kernel/random/boot_id") and
// this PID namespace (containers on one kernel share the boot id, not their pids). Without the
// boot id (systemd's ProcSubset=pid hides /proc/sys) it is unknown_machine, and no token can be
// judged dead: only its leases' expiry frees its work.
std::string machine_id()
{
    std::string id = read_small_file("/proc/sys/kernel/random/boot_id");
    while (!id.empty() && (id.back() == '\n' || id.back() == ' '))
        id.pop_back();
    if (id.empty() || id.find('/') != std::string::npos)
        return std::string(unknown_machine);
    char link[128] = {};
    const ssize_t length = ::readlink("/proc/self/ns/pid", link, sizeof link - 1); // "pid:[4026531836]"
    const std::string_view ns(link, length > 0 ? static_cast<std::size_t>(length) : 0);
    const auto open = ns.find('[');
    const auto close = ns.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close <= open + 1)
        return std::string(unknown_machine);
    return id + "-" + std::string(ns.substr(open + 1, close - open - 1));
}

// Field 22 of /proc/PID/stat: the start time after boot, in clock ticks; "" when there is no such process.
std::string start_ticks(long pid)
{
    const std::string stat = read_small_file(fmt::format("/proc/{}/stat", pid));
    const auto name_end = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (name_end == std::string::npos)
        return {};
    std::size_t position = name_end + 2; // field 3 starts here
    for (int field = 3; field < 22; ++field) {
        position = stat.find(' ', position);
        if (position == std::string::npos)
            return {};
        ++position;
    }
    return stat.substr(position, stat.find(' ', position) - position);
}

struct Parts {
    std::string_view boot;
    long pid = 0;
    std::string_view start;
};

bool split(std::string_view token, Parts& parts)
{
    const auto first = token.find('/');
    const auto second = first == std::string_view::npos ? first : token.find('/', first + 1);
    if (second == std::string_view::npos)
        return false;
    parts.boot = token.substr(0, first);
    const std::string_view pid = token.substr(first + 1, second - first - 1);
    parts.start = token.substr(second + 1);
    const auto [end, error] = std::from_chars(pid.data(), pid.data() + pid.size(), parts.pid);
    return error == std::errc() && end == pid.data() + pid.size() && parts.pid > 0;
}

} // namespace

std::string host_name()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "unknown";
    return name;
}

const std::string& process_token()
{
    static const std::string token = [] {
        const long pid = static_cast<long>(getpid());
        return fmt::format("{}/{}/{}", machine_id(), pid, start_ticks(pid));
    }();
    return token;
}

ProcessLiveness process_liveness(std::string_view token)
{
    Parts parts;
    if (!split(token, parts))
        return ProcessLiveness::unknown;
    static const std::string this_machine = machine_id();
    if (this_machine == unknown_machine || parts.boot != this_machine)
        return ProcessLiveness::unknown;
    const std::string start = start_ticks(parts.pid);
    return !start.empty() && start == parts.start ? ProcessLiveness::alive : ProcessLiveness::dead;
}

long token_pid(std::string_view token)
{
    Parts parts;
    return split(token, parts) ? parts.pid : 0;
}

} // namespace feedkeeper

// core/log.cpp — key=value event lines. Threading: a mutex serialises writes; level is atomic.
#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <fmt/format.h>
#include <mutex>

namespace feedkeeper {
namespace {

std::atomic<LogLevel> current_level { LogLevel::info };
std::atomic<bool> priority_prefix { false };
std::mutex write_mutex;

std::string_view level_name(LogLevel level)
{
    switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::notice: return "notice";
    case LogLevel::warning: return "warning";
    case LogLevel::error: return "error";
    }
    return "info";
}

void append_value(std::string& line, std::string_view value)
{
    const bool quote = value.empty() || value.find_first_of(" \t\"=\\\n\r") != std::string_view::npos;
    if (!quote) {
        line += value;
        return;
    }
    line += '"';
    for (char c : value) {
        if (c == '"' || c == '\\')
            line += '\\';
        if (c == '\n')
            line += "\\n";
        else if (c == '\r')
            line += "\\r";
        else
            line += c;
    }
    line += '"';
}

} // namespace

LogField::LogField(std::string_view name, double number) : key(name), value(fmt::format("{:.3f}", number)) { }

void set_log_level(LogLevel level) { current_level = level; }
LogLevel log_level() { return current_level; }
void set_log_priority_prefix(bool enabled) { priority_prefix = enabled; }

std::string format_log_line(LogLevel level, std::string_view event, std::initializer_list<LogField> fields)
{
    std::string line;
    if (priority_prefix)
        line += fmt::format("<{}>", static_cast<int>(level));
    line += "level=";
    line += level_name(level);
    line += " event=";
    line += event;
    for (const LogField& field : fields) {
        line += ' ';
        line += field.key;
        line += '=';
        append_value(line, field.value);
    }
    line += '\n';
    return line;
}

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields)
{
    if (static_cast<int>(level) > static_cast<int>(current_level.load()))
        return;
    const std::string line = format_log_line(level, event, fields);
    std::lock_guard lock(write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace feedkeeper

// core/log.hpp — one line per event on stderr, as key=value fields; under systemd each line carries
// a "<N>" priority prefix that journald maps to its levels (sd-daemon(3)).
// Threading: any thread; each line is written whole under a mutex.
#pragma once

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>

namespace feedkeeper {

enum class LogLevel { debug = 7, info = 6, notice = 5, warning = 4, error = 3 };

struct LogField {
    std::string_view key;
    std::string value;

    LogField(std::string_view name, std::string_view text) : key(name), value(text) { }
    LogField(std::string_view name, const std::string& text) : key(name), value(text) { }
    LogField(std::string_view name, const char* text) : key(name), value(text ? text : "") { }
    template <std::integral Number>
    LogField(std::string_view name, Number number) : key(name), value(std::to_string(number)) { }
    LogField(std::string_view name, double number);
};

void set_log_level(LogLevel);
LogLevel log_level();
// Journald prefixes are on when $JOURNAL_STREAM is set (systemd sets it for our stderr).
void set_log_priority_prefix(bool);
void log_event(LogLevel, std::string_view event, std::initializer_list<LogField> = {});

// Formats one event line without writing it (for tests and the status output).
std::string format_log_line(LogLevel, std::string_view event, std::initializer_list<LogField>);

} // namespace feedkeeper

// core/error.hpp — errors as values: an error code plus a sentence that says what failed and where.
// Threading: plain values; safe anywhere.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace feedkeeper {

// Normal failures of the pipeline. Exceptions are kept for start-up failures and bugs.
enum class Errc {
    invalid_argument = 1,
    not_found,
    io,
    network,
    timeout,
    http_status,
    too_large,
    too_deep,
    parse,
    unsupported,
    blocked,
    busy,
    disk_full,
    read_only,
    corrupt,
    constraint,
    cancelled,
    deferred, // not now: a host's politeness, pause or owner says later (the work stays queued)
};

const std::error_category& feedkeeper_category() noexcept;
std::error_code make_error_code(Errc) noexcept;

struct Error {
    Errc code = Errc::io;
    std::string message; // A readable sentence: what failed and where (URL, file and line, config key).

    Error() = default;
    Error(Errc error_code, std::string text) : code(error_code), message(std::move(text)) { }
    Error(Errc error_code) : code(error_code), message(make_error_code(error_code).message()) { } // NOLINT: implicit on purpose
};

// Lets result<T>::value() throw when a caller chose not to handle the error (a bug, by our rules).
[[noreturn]] void throw_exception_from_error(const Error&, const boost::source_location&);

template <class T>
using Result = boost::system::result<T, Error>;

} // namespace feedkeeper

template <>
struct std::is_error_code_enum<feedkeeper::Errc> : std::true_type { };

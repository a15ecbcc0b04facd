// core/error.cpp — the feedkeeper error category. Threading: stateless.
#include "core/error.hpp"

#include <stdexcept>

namespace feedkeeper {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "feedkeeper"; }
    std::string message(int value) const override
    {
        switch (static_cast<Errc>(value)) {
        case Errc::invalid_argument: return "invalid argument";
        case Errc::not_found: return "not found";
        case Errc::io: return "input/output error";
        case Errc::network: return "network error";
        case Errc::timeout: return "timed out";
        case Errc::http_status: return "unexpected HTTP status";
        case Errc::too_large: return "input too large";
        case Errc::too_deep: return "input nested too deeply";
        case Errc::parse: return "cannot parse";
        case Errc::unsupported: return "unsupported";
        case Errc::blocked: return "blocked by policy";
        case Errc::busy: return "database busy";
        case Errc::disk_full: return "disk full";
        case Errc::read_only: return "read-only";
        case Errc::corrupt: return "corrupt";
        case Errc::constraint: return "constraint violated";
        case Errc::cancelled: return "cancelled";
        case Errc::deferred: return "deferred";
        }
        return "unknown error";
    }
};

} // namespace

const std::error_category& feedkeeper_category() noexcept
{
    static const Category category;
    return category;
}

std::error_code make_error_code(Errc code) noexcept { return { static_cast<int>(code), feedkeeper_category() }; }

void throw_exception_from_error(const Error& error, const boost::source_location&)
{
    throw std::runtime_error(error.message);
}

} // namespace feedkeeper

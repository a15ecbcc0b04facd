// core/c_handle.hpp — own a C library object with std::unique_ptr; no hand-written destructors.
// Threading: as the wrapped library allows.
#pragma once

#include <memory>

namespace feedkeeper {

// Deleter that forwards to the library's free function. Empty, so the handle is one pointer wide.
template <auto FreeFunction>
struct CFree {
    template <class T>
    void operator()(T* object) const noexcept { FreeFunction(object); }
};

template <class T, auto FreeFunction>
using CHandle = std::unique_ptr<T, CFree<FreeFunction>>;

} // namespace feedkeeper

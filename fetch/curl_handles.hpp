// fetch/curl_handles.hpp — RAII owners for libcurl's handles and its global state.
// Threading: CurlGlobal once in main() before any thread; other handles follow libcurl's rules.
#pragma once

#include "core/c_handle.hpp"

#include <curl/curl.h>

#include <stdexcept>

namespace feedkeeper::fetch {

using EasyHandle = CHandle<CURL, &curl_easy_cleanup>;
using MultiHandle = CHandle<CURLM, &curl_multi_cleanup>;
using HeaderList = CHandle<curl_slist, &curl_slist_free_all>;

// Construct exactly once, in main(), before any other thread exists.
class CurlGlobal {
public:
    CurlGlobal()
    {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw std::runtime_error("curl_global_init failed");
    }
    ~CurlGlobal() { curl_global_cleanup(); }
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// curl_slist_append() returns null on OOM and leaves the old list alone, so ownership never leaks.
[[nodiscard]] inline bool append_header(HeaderList& list, const char* line)
{
    curl_slist* head = curl_slist_append(list.get(), line);
    if (!head)
        return false;
    (void)list.release();
    list.reset(head);
    return true;
}

} // namespace feedkeeper::fetch

// store/zlib_stream.hpp — an owned zlib inflate stream, for the WARC reader (gzip members) and the
// HTTP payloads inside WARC records (Content-Encoding). Threading: one stream per thread.
#pragma once

#include "core/c_handle.hpp"

#include <zlib.h>

namespace feedkeeper::store {

// zlib's stream lives on the heap (zlib keeps pointers into it); inflateEnd frees its state.
inline void end_inflate(z_stream* stream)
{
    inflateEnd(stream);
    delete stream;
}
using InflateHandle = CHandle<z_stream, end_inflate>;

} // namespace feedkeeper::store

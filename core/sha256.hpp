// core/sha256.hpp — SHA-256 digests (OpenSSL's EVP interface) for content identity and WARC.
// Threading: pure functions.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace feedkeeper {

using Sha256Digest = std::array<unsigned char, 32>;
using Sha1Digest = std::array<unsigned char, 20>;

Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
Sha1Digest sha1(std::string_view data); // for reading WARCs whose writers digest with SHA-1
std::string to_hex(const Sha256Digest&);
std::string to_base32(const Sha256Digest&); // RFC 4648, as WARC-Payload-Digest "sha256:" often uses hex; both offered

} // namespace feedkeeper

// core/sha256.cpp — thin wrapper over OpenSSL's one-shot EVP_Digest. Threading: pure functions.
#include "core/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace feedkeeper {

Sha256Digest sha256(std::string_view data)
{
    Sha256Digest digest {};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != digest.size())
        throw std::runtime_error("EVP_Digest(sha256) failed"); // Only on OOM or a broken libcrypto: a bug-class failure.
    return digest;
}

Sha1Digest sha1(std::string_view data)
{
    Sha1Digest digest {};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 || length != digest.size())
        throw std::runtime_error("EVP_Digest(sha1) failed"); // as sha256(): a bug-class failure
    return digest;
}

std::string to_hex(const Sha256Digest& digest)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned char byte : digest) {
        out += digits[byte >> 4];
        out += digits[byte & 0xF];
    }
    return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }

std::string to_base32(const Sha256Digest& digest)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char byte : digest) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out += alphabet[(buffer << (5 - bits)) & 31];
    while (out.size() % 8 != 0)
        out += '=';
    return out;
}

} // namespace feedkeeper

// parse/charset.cpp — iconv conversion with U+FFFD for undecodable bytes; uchardet detection.
// Pure; handles are per call (iconv_t is not thread-safe to share). Safe on any thread.
#include "parse/charset.hpp"

#include "core/c_handle.hpp"
#include "core/text.hpp"

#include <uchardet/uchardet.h>

#include <cerrno>
#include <iconv.h>

#include <array>
#include <utility>

namespace feedkeeper::parse {
namespace {

using Detector = CHandle<std::remove_pointer_t<uchardet_t>, &uchardet_delete>;

struct IconvHandle {
    iconv_t handle = reinterpret_cast<iconv_t>(-1);
    explicit IconvHandle(iconv_t h) : handle(h) { }
    IconvHandle(const IconvHandle&) = delete;
    IconvHandle& operator=(const IconvHandle&) = delete;
    ~IconvHandle()
    {
        if (valid())
            iconv_close(handle);
    }
    bool valid() const { return handle != reinterpret_cast<iconv_t>(-1); }
};

// Labels seen in the wild mapped to names glibc's iconv knows; the rest go through as written.
constexpr std::pair<std::string_view, std::string_view> aliases[] = {
    { "utf8", "utf-8" }, { "unicode-1-1-utf-8", "utf-8" }, { "x-unicode20utf8", "utf-8" },
    { "latin1", "iso-8859-1" }, { "latin-1", "iso-8859-1" }, { "l1", "iso-8859-1" }, { "iso8859-1", "iso-8859-1" },
    { "iso_8859-1", "iso-8859-1" }, { "iso8859_1", "iso-8859-1" }, { "ascii", "us-ascii" }, { "us_ascii", "us-ascii" },
    { "cp1252", "windows-1252" }, { "win-1252", "windows-1252" }, { "x-cp1252", "windows-1252" },
    { "cp1251", "windows-1251" }, { "win-1251", "windows-1251" }, { "x-cp1251", "windows-1251" },
    { "cp1250", "windows-1250" }, { "shift-jis", "shift_jis" }, { "sjis", "shift_jis" }, { "x-sjis", "shift_jis" },
    { "euc_jp", "euc-jp" }, { "x-euc-jp", "euc-jp" }, { "gb2312", "gbk" }, { "x-gbk", "gbk" }, { "koi8r", "koi8-r" },
    { "utf16", "utf-16" }, { "utf-16le", "utf-16le" }, { "utf-16be", "utf-16be" }, { "ucs-2", "utf-16" },
    { "utf32", "utf-32" }, { "ucs-4", "utf-32" }, { "x-mac-roman", "macintosh" }, { "mac", "macintosh" },
    { "macroman", "macintosh" }, { "tis-620", "tis-620" }, { "windows-874", "cp874" }, { "x-euc-tw", "euc-tw" },
};

bool iconv_knows(const std::string& name)
{
    IconvHandle probe(iconv_open("UTF-8", name.c_str()));
    return probe.valid();
}

} // namespace

std::optional<ByteOrderMark> detect_bom(std::string_view bytes)
{
    const auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
    using namespace std::string_view_literals;
    if (starts("\xEF\xBB\xBF"sv))
        return ByteOrderMark { "utf-8", 3 };
    if (starts("\xFF\xFE\x00\x00"sv))
        return ByteOrderMark { "utf-32le", 4 };
    if (starts("\x00\x00\xFE\xFF"sv))
        return ByteOrderMark { "utf-32be", 4 };
    if (starts("\xFF\xFE"sv))
        return ByteOrderMark { "utf-16le", 2 };
    if (starts("\xFE\xFF"sv))
        return ByteOrderMark { "utf-16be", 2 };
    return std::nullopt;
}

std::string canonical_charset(std::string_view label)
{
    std::string name = ascii_lower(trim(label));
    if (name.empty() || name.size() > 64)
        return {};
    for (auto [alias, canonical] : aliases) {
        if (name == alias) {
            name = canonical;
            break;
        }
    }
    if (name == "utf-8" || name == "us-ascii" || name == "iso-8859-1" || name == "windows-1252")
        return name;
    return iconv_knows(name) ? name : std::string();
}

std::string detect_charset(std::string_view bytes)
{
    if (is_valid_utf8(bytes))
        return "utf-8";
    Detector detector(uchardet_new());
    if (!detector)
        return {};
    constexpr std::size_t sample_bytes = 256 * 1024; // Detection converges long before this.
    const std::string_view sample = bytes.substr(0, sample_bytes);
    if (uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0)
        return {};
    uchardet_data_end(detector.get());
    const char* guess = uchardet_get_charset(detector.get());
    return guess ? canonical_charset(guess) : std::string();
}

Result<DecodedText> convert_to_utf8(std::string_view bytes, std::string_view encoding)
{
    const std::string name = canonical_charset(encoding);
    if (name.empty())
        return Error(Errc::unsupported, "unknown character encoding '" + std::string(encoding) + "'");
    DecodedText out;
    out.encoding = name;
    if (name == "utf-8" || name == "us-ascii") {
        out.utf8 = sanitize_utf8(bytes);
        out.lossy = out.utf8.size() != bytes.size() || out.utf8 != bytes;
        return out;
    }
    // iconv's ISO-8859-1 is exact; windows-1252 leaves 5 bytes undefined, which become U+FFFD.
    IconvHandle converter(iconv_open("UTF-8", name.c_str()));
    if (!converter.valid())
        return Error(Errc::unsupported, "unknown character encoding '" + std::string(encoding) + "'");
    out.utf8.reserve(bytes.size() + bytes.size() / 2);
    char* input = const_cast<char*>(bytes.data()); // iconv's signature; it does not write the input.
    std::size_t input_left = bytes.size();
    std::array<char, 16384> buffer;
    while (input_left > 0) {
        char* output = buffer.data();
        std::size_t output_left = buffer.size();
        const std::size_t result = iconv(converter.handle, &input, &input_left, &output, &output_left);
        out.utf8.append(buffer.data(), buffer.size() - output_left);
        if (result != static_cast<std::size_t>(-1))
            continue;
        if (errno == E2BIG)
            continue;
        // EILSEQ (invalid) or EINVAL (truncated at the end): one replacement, skip one byte, go on.
        out.utf8 += "\xEF\xBF\xBD";
        out.lossy = true;
        ++input;
        --input_left;
        iconv(converter.handle, nullptr, nullptr, nullptr, nullptr); // reset shift state
    }
    return out;
}

} // namespace feedkeeper::parse

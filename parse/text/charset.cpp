// parse/text/charset.cpp — iconv (ICU where glibc lacks a codec) with U+FFFD for undecodable bytes;
// uchardet detection. Pure; converter handles are per call (neither library's handles may be
// shared between threads). Safe on any thread.
#include "parse/text/charset.hpp"

#include "core/c_handle.hpp"
#include "core/text.hpp"

#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>

#include <array>
#include <utility>

namespace feedkeeper::parse {
namespace {

using Detector = CHandle<std::remove_pointer_t<uchardet_t>, &uchardet_delete>;
using IcuConverter = CHandle<UConverter, &ucnv_close>;

struct IconvHandle {
    iconv_t handle = reinterpret_cast<iconv_t>(-1);
    explicit IconvHandle(const std::string& from) : handle(iconv_open("UTF-8", from.c_str())) { }
    IconvHandle(const IconvHandle&) = delete;
    IconvHandle& operator=(const IconvHandle&) = delete;
    ~IconvHandle()
    {
        if (valid())
            iconv_close(handle);
    }
    bool valid() const { return handle != reinterpret_cast<iconv_t>(-1); }
};

enum class Backend { iconv, icu };

// How a label is decoded: the codec's name for its library, and the name we report.
struct Codec {
    Backend backend = Backend::iconv;
    std::string codec;  // for iconv_open / ucnv_open
    std::string report; // what DecodedText::encoding says
};

// Labels seen in the wild mapped to names the libraries know. `report_codec` marks supersets we
// substitute (GB2312 text is decoded as GB18030, as browsers do); other labels are reported as given.
struct Alias {
    std::string_view label;
    std::string_view codec;
    bool report_codec = false;
};
constexpr Alias aliases[] = {
    { "utf8", "utf-8" }, { "unicode-1-1-utf-8", "utf-8" }, { "x-unicode20utf8", "utf-8" },
    { "latin1", "iso-8859-1" }, { "latin-1", "iso-8859-1" }, { "l1", "iso-8859-1" }, { "iso8859-1", "iso-8859-1" },
    { "ascii", "us-ascii" }, { "us", "us-ascii" },
    { "win-1252", "windows-1252" }, { "x-cp1252", "windows-1252" }, { "win-1251", "windows-1251" }, { "x-cp1251", "windows-1251" },
    { "shift-jis", "shift_jis" }, { "sjis", "shift_jis" }, { "x-sjis", "shift_jis" }, { "x-euc-jp", "euc-jp" },
    { "gb2312", "gb18030", true }, { "x-gbk", "gbk" }, { "euc-cn", "gb18030", true }, { "koi8r", "koi8-r" },
    { "utf16", "utf-16" }, { "u16", "utf-16" }, { "ucs-2", "utf-16" }, { "utf32", "utf-32" }, { "u32", "utf-32" }, { "ucs-4", "utf-32" },
    { "x-mac-roman", "macintosh" }, { "mac", "macintosh" }, { "macroman", "macintosh" }, { "mac-roman", "macintosh" },
    { "windows-874", "cp874" }, { "x-euc-tw", "euc-tw" }, { "csibm861", "ibm861" }, { "ibm039", "ibm037" },
    { "maciceland", "mac-is" }, { "maclatin2", "mac-centraleurope" }, { "maccentraleurope", "mac-centraleurope" },
    { "macgreek", "x-mac-greek" }, { "macturkish", "x-mac-turkish" }, { "mac-greek", "x-mac-greek" },
    { "mac-turkish", "x-mac-turkish" }, { "ks_c_5601-1987", "euc-kr" }, { "ks-c-5601-1987", "euc-kr" },
};

bool iconv_knows(const std::string& name) { return IconvHandle(name).valid(); }

bool icu_knows(const std::string& name)
{
    UErrorCode status = U_ZERO_ERROR;
    IcuConverter converter(ucnv_open(name.c_str(), &status));
    return converter && U_SUCCESS(status);
}

std::optional<Codec> find_codec(std::string_view label)
{
    std::string name = ascii_lower(trim(label));
    if (name.empty() || name.size() > 64)
        return std::nullopt;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
            return std::nullopt;
    std::string report = name;
    for (char& c : name)
        if (c == '_' && name != "shift_jis")
            c = '-';
    for (const Alias& alias : aliases) {
        if (name == alias.label || report == alias.label) {
            name = alias.codec;
            if (alias.report_codec)
                report = alias.codec;
            break;
        }
    }
    if (name == "utf-8" || name == "us-ascii" || name == "iso-8859-1" || name == "windows-1252")
        return Codec { Backend::iconv, name, report };
    if (iconv_knows(name))
        return Codec { Backend::iconv, name, report };
    if (icu_knows(name))
        return Codec { Backend::icu, name, report };
    return std::nullopt;
}

// Decodes one byte alone; returns false when the codec needs more bytes for it (not single-byte).
enum class ByteResult { character, invalid, incomplete };

ByteResult decode_byte_iconv(IconvHandle& converter, unsigned char byte, std::string& out)
{
    char input_byte = static_cast<char>(byte);
    char* input = &input_byte;
    std::size_t input_left = 1;
    std::array<char, 16> buffer;
    char* output = buffer.data();
    std::size_t output_left = buffer.size();
    iconv(converter.handle, nullptr, nullptr, nullptr, nullptr);
    const std::size_t result = iconv(converter.handle, &input, &input_left, &output, &output_left);
    if (result == static_cast<std::size_t>(-1))
        return errno == EINVAL ? ByteResult::incomplete : ByteResult::invalid;
    if (iconv(converter.handle, nullptr, nullptr, &output, &output_left) == static_cast<std::size_t>(-1))
        return ByteResult::incomplete;
    out.assign(buffer.data(), buffer.size() - output_left);
    return out.empty() ? ByteResult::incomplete : ByteResult::character;
}

ByteResult decode_byte_icu(UConverter* converter, unsigned char byte, std::string& out)
{
    ucnv_reset(converter);
    UErrorCode status = U_ZERO_ERROR;
    std::array<UChar, 8> units;
    const char input_byte = static_cast<char>(byte);
    const int32_t count = ucnv_toUChars(converter, units.data(), units.size(), &input_byte, 1, &status);
    if (U_FAILURE(status) || count <= 0)
        return ByteResult::invalid;
    for (int32_t k = 0; k < count; ++k) {
        if (units[k] == 0xFFFD || units[k] == 0x1A)
            return ByteResult::invalid;
        if (units[k] >= 0xD800 && units[k] <= 0xDFFF)
            return ByteResult::incomplete;
    }
    if (count != 1)
        return ByteResult::incomplete;
    out.clear();
    append_utf8(out, units[0]);
    return ByteResult::character;
}

// UTF-8 for each of the 256 byte values of a single-byte codec ("" for bytes it leaves undefined).
struct ByteTable {
    std::array<std::string, 256> utf8;
    bool ascii_identity = true; // bytes below 0x80 decode to themselves (not so in EBCDIC)
};

std::optional<ByteTable> build_single_byte_table(const Codec& codec)
{
    ByteTable table;
    IconvHandle iconv_converter(codec.backend == Backend::iconv ? codec.codec : std::string("-"));
    UErrorCode status = U_ZERO_ERROR;
    IcuConverter icu_converter(codec.backend == Backend::icu ? ucnv_open(codec.codec.c_str(), &status) : nullptr);
    const bool windows_1252 = codec.codec == "windows-1252";
    for (unsigned value = 0; value < 256; ++value) {
        const unsigned char byte = static_cast<unsigned char>(value);
        std::string& entry = table.utf8[value];
        const ByteResult result = codec.backend == Backend::iconv ? decode_byte_iconv(iconv_converter, byte, entry)
                                                                  : decode_byte_icu(icu_converter.get(), byte, entry);
        if (result == ByteResult::incomplete)
            return std::nullopt;
        if (result == ByteResult::invalid) {
            entry.clear();
            if (windows_1252 && value >= 0x80 && value < 0xA0) // WHATWG: the five holes map to C1 controls
                append_utf8(entry, value);
        }
        if (value < 0x80 && !(entry.size() == 1 && entry[0] == static_cast<char>(value)))
            table.ascii_identity = false;
    }
    return table;
}

DecodedText convert_with_table(std::string_view bytes, const ByteTable& table, std::string encoding)
{
    DecodedText out;
    out.encoding = std::move(encoding);
    out.utf8.reserve(bytes.size() + bytes.size() / 4);
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t i = 0;
    while (i < bytes.size()) {
        std::size_t run = i;
        if (table.ascii_identity) {
            while (run + 8 <= bytes.size()) {
                std::uint64_t word;
                std::memcpy(&word, data + run, 8);
                if (word & 0x8080808080808080ULL)
                    break;
                run += 8;
            }
            while (run < bytes.size() && data[run] < 0x80)
                ++run;
        }
        out.utf8.append(bytes.data() + i, run - i);
        if (run == bytes.size())
            break;
        const std::string& mapped = table.utf8[data[run]];
        if (mapped.empty()) {
            out.utf8 += "\xEF\xBF\xBD";
            out.lossy = true;
        } else {
            out.utf8 += mapped;
        }
        i = run + 1;
    }
    return out;
}

DecodedText convert_with_iconv(std::string_view bytes, IconvHandle& converter, std::string encoding)
{
    DecodedText out;
    out.encoding = std::move(encoding);
    out.utf8.reserve(bytes.size() + bytes.size() / 2);
    char* input = const_cast<char*>(bytes.data()); // iconv's signature; it does not write the input.
    std::size_t input_left = bytes.size();
    std::array<char, 16384> buffer;
    while (input_left > 0) {
        char* output = buffer.data();
        std::size_t output_left = buffer.size();
        const std::size_t result = iconv(converter.handle, &input, &input_left, &output, &output_left);
        out.utf8.append(buffer.data(), buffer.size() - output_left);
        if (result != static_cast<std::size_t>(-1) || errno == E2BIG)
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

DecodedText convert_with_icu(std::string_view bytes, UConverter* converter, std::string encoding)
{
    DecodedText out;
    out.encoding = std::move(encoding);
    UErrorCode status = U_ZERO_ERROR;
    ucnv_setToUCallBack(converter, UCNV_TO_U_CALLBACK_SUBSTITUTE, nullptr, nullptr, nullptr, &status);
    std::u16string units(bytes.size() * 2 + 16, u'\0');
    status = U_ZERO_ERROR;
    const int32_t count = ucnv_toUChars(converter, reinterpret_cast<UChar*>(units.data()), static_cast<int32_t>(units.size()),
        bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    if (U_FAILURE(status))
        return out;
    out.utf8.reserve(static_cast<std::size_t>(count) + count / 2);
    for (int32_t k = 0; k < count; ++k) {
        char32_t unit = units[static_cast<std::size_t>(k)];
        if (unit >= 0xD800 && unit <= 0xDBFF && k + 1 < count) {
            const char32_t low = units[static_cast<std::size_t>(k) + 1];
            if (low >= 0xDC00 && low <= 0xDFFF) {
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                ++k;
            }
        }
        if (unit == 0xFFFD || unit == 0x1A)
            out.lossy = true;
        append_utf8(out.utf8, unit);
    }
    return out;
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
    auto codec = find_codec(label);
    return codec ? codec->report : std::string();
}

std::string detect_charset(std::string_view bytes)
{
    if (is_utf8(bytes))
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
    auto codec = find_codec(encoding);
    if (!codec)
        return Error(Errc::unsupported, "unknown character encoding '" + std::string(encoding) + "'");
    if (codec->codec == "utf-8") {
        DecodedText out;
        out.encoding = codec->report;
        out.lossy = !is_utf8(bytes);
        out.utf8 = out.lossy ? sanitize_utf8(bytes) : std::string(bytes);
        return out;
    }
    if (codec->codec == "us-ascii" || codec->codec == "iso-8859-1")
        codec->codec = "windows-1252";
    if (auto table = build_single_byte_table(*codec))
        return convert_with_table(bytes, *table, codec->report);
    if (codec->backend == Backend::icu) {
        UErrorCode status = U_ZERO_ERROR;
        IcuConverter converter(ucnv_open(codec->codec.c_str(), &status));
        if (!converter || U_FAILURE(status))
            return Error(Errc::unsupported, "unknown character encoding '" + std::string(encoding) + "'");
        return convert_with_icu(bytes, converter.get(), codec->report);
    }
    IconvHandle converter(codec->codec);
    if (!converter.valid())
        return Error(Errc::unsupported, "unknown character encoding '" + std::string(encoding) + "'");
    return convert_with_iconv(bytes, converter, codec->report);
}

bool is_utf8(std::string_view bytes)
{
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t size = bytes.size();
    std::size_t i = 0;
    while (i < size) {
        // Skip ASCII eight bytes at a time.
        while (i + 8 <= size) {
            std::uint64_t word;
            std::memcpy(&word, data + i, 8);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const unsigned char first = data[i];
        if (first < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        if (first >= 0xC2 && first <= 0xDF)
            length = 2;
        else if (first >= 0xE0 && first <= 0xEF)
            length = 3;
        else if (first >= 0xF0 && first <= 0xF4)
            length = 4;
        else
            return false;
        if (i + length > size)
            return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((data[i + k] & 0xC0) != 0x80)
                return false;
        if (first == 0xE0 && data[i + 1] < 0xA0)
            return false; // overlong
        if (first == 0xED && data[i + 1] > 0x9F)
            return false; // surrogate
        if (first == 0xF0 && data[i + 1] < 0x90)
            return false; // overlong
        if (first == 0xF4 && data[i + 1] > 0x8F)
            return false; // beyond U+10FFFF
        i += length;
    }
    return true;
}

bool mostly_utf8(std::string_view bytes)
{
    std::size_t sequences = 0;
    std::size_t strays = 0;
    for (std::size_t i = 0; i < bytes.size();) {
        const unsigned char first = static_cast<unsigned char>(bytes[i]);
        if (first < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC2 ? 2 : 0;
        if (length > 0 && first <= 0xF4 && i + length <= bytes.size() && is_utf8(bytes.substr(i, length))) {
            ++sequences;
            i += length;
        } else {
            ++strays;
            ++i;
        }
    }
    return sequences > strays;
}

std::string detect_legacy_charset(std::string_view bytes)
{
    std::string detected = detect_charset(bytes);
    if (detected.empty() || detected == "utf-8")
        detected = "windows-1252";
    return detected;
}

} // namespace feedkeeper::parse

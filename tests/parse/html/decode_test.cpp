// tests/parse/html/decode_test.cpp — HTML encodings: BOM, HTTP header, <meta> prescan,
// detection; the body always comes out as UTF-8.
#include "../extract/test_support.hpp"

#include "core/text.hpp"
#include "parse/html/decode.hpp"

using namespace feedkeeper;
using namespace feedkeeper::test;

namespace {

// "Die Brücke über den Fluß wird größer" … in windows-1252 bytes, repeated into paragraphs.
const std::string latin1_sentence = "Die Br\xFC" "cke \xFC" "ber den Flu\xDF wird gr\xF6\xDF" "er, sagte der B\xFC"
                                    "rgermeister am Dienstag, und die Anwohner sind nicht zufrieden.";
const std::string utf8_sentence = "Die Brücke über den Fluß wird größer, sagte der Bürgermeister am Dienstag, und die "
                                  "Anwohner sind nicht zufrieden.";

std::string paragraphs(const std::string& sentence)
{
    std::string html;
    for (int i = 0; i < 3; ++i)
        html += "<p>" + sentence + " " + sentence + "</p>";
    return html;
}

} // namespace

TEST(HtmlCharset, SniffsMetaCharsetAndHttpEquiv)
{
    EXPECT_EQ(parse::sniff_meta_charset("<html><head><meta charset=\"ISO-8859-1\">"), "ISO-8859-1");
    EXPECT_EQ(parse::sniff_meta_charset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">"), "koi8-r");
    EXPECT_EQ(parse::sniff_meta_charset("<!-- <meta charset=\"big5\"> --><meta charset=utf-8>"), "utf-8");
    EXPECT_EQ(parse::sniff_meta_charset(std::string(5000, ' ') + "<meta charset=\"koi8-r\">"), "");
    EXPECT_EQ(parse::html_charset_label("latin1"), "windows-1252");
    EXPECT_EQ(parse::html_charset_label("UTF-16LE"), "utf-16le");
    EXPECT_EQ(parse::html_charset_label("utf-16"), "utf-16le");
    EXPECT_EQ(parse::meta_charset_label("latin1"), "windows-1252");
    EXPECT_EQ(parse::meta_charset_label("UTF-16LE"), "utf-8"); // bytes read as ASCII to find it were not UTF-16
}

namespace {

std::string utf16le(std::string_view ascii_or_latin1)
{
    std::string out;
    for (char c : ascii_or_latin1) {
        out += c;
        out += '\0';
    }
    return out;
}

} // namespace

TEST(Extract, HonoursAUtf16CharsetInTheHttpHeader)
{
    // The HTTP charset once went through the <meta> rule "UTF-16 means UTF-8", which is only for
    // labels found by reading the bytes as ASCII.
    const std::string html = utf16le("<html><head><meta charset=\"utf-8\"></head><body><div>" + paragraphs(latin1_sentence)
        + "</div></body></html>");
    parse::ExtractOptions options;
    options.headers = { { "Content-Type", "text/html; charset=utf-16le" } };
    const ExtractedPage page = extract(html, options);
    EXPECT_EQ(page.encoding, "utf-16le");
    EXPECT_TRUE(contains(page.body, utf8_sentence));
}

TEST(Extract, ReadsAnHttpCharsetWithAnUnbalancedQuote)
{
    const std::string html = "<html><head><meta charset=\"windows-1252\"></head><body><div>" + paragraphs(utf8_sentence)
        + "</div></body></html>";
    parse::ExtractOptions options;
    options.headers = { { "Content-Type", "text/html; charset=\"utf-8" } };
    const ExtractedPage page = extract(html, options);
    EXPECT_EQ(page.encoding, "utf-8");
    EXPECT_TRUE(contains(page.body, utf8_sentence));
}

TEST(Extract, DecodesWindows1252PageDeclaredInMeta)
{
    const std::string html = "<html><head><meta charset=\"iso-8859-1\"></head><body><div>" + paragraphs(latin1_sentence)
        + "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.encoding, "windows-1252");
    EXPECT_TRUE(contains(page.body, utf8_sentence));
}

TEST(Extract, PrefersTheHttpHeaderOverMeta)
{
    const std::string html = "<html><head><meta charset=\"utf-8\"></head><body><div>" + paragraphs(latin1_sentence)
        + "</div></body></html>";
    parse::ExtractOptions options;
    options.headers = { { "Content-Type", "text/html; charset=ISO-8859-1" } };
    EXPECT_TRUE(contains(extract(html, options).body, utf8_sentence));
}

TEST(Extract, HonoursAByteOrderMark)
{
    const std::string html = "\xEF\xBB\xBF<html><head><meta charset=\"iso-8859-1\"></head><body><div>"
        + paragraphs(utf8_sentence) + "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.encoding, "utf-8");
    EXPECT_TRUE(contains(page.body, utf8_sentence));
}

TEST(Extract, DetectsUndeclaredCyrillicEncoding)
{
    // "Городской совет во вторник заявил, что мост не будет построен до 2030 года, и жители недовольны." in windows-1251.
    const std::string cp1251 = "\xC3\xEE\xF0\xEE\xE4\xF1\xEA\xEE\xE9 \xF1\xEE\xE2\xE5\xF2 \xE2\xEE \xE2\xF2\xEE\xF0\xED"
        "\xE8\xEA \xE7\xE0\xFF\xE2\xE8\xEB, \xF7\xF2\xEE \xEC\xEE\xF1\xF2 \xED\xE5 \xE1\xF3\xE4\xE5\xF2 \xEF\xEE\xF1\xF2"
        "\xF0\xEE\xE5\xED \xE4\xEE 2030 \xE3\xEE\xE4\xE0, \xE8 \xE6\xE8\xF2\xE5\xEB\xE8 \xED\xE5\xE4\xEE\xE2\xEE\xEB\xFC"
        "\xED\xFB.";
    const ExtractedPage page = extract("<html><body><div>" + paragraphs(cp1251) + "</div></body></html>");
    EXPECT_EQ(page.encoding, "windows-1251");
    EXPECT_TRUE(contains(page.body, "Городской совет во вторник заявил, что мост не будет построен до 2030 года"));
    EXPECT_EQ(page.language, "ru");
}

TEST(Extract, ReplacesInvalidUtf8InADeclaredUtf8Page)
{
    // UTF-8 text with a damaged byte stays UTF-8 (the byte becomes U+FFFD); bytes with no UTF-8 in
    // them at all would be a legacy encoding mislabelled (LiesAboutTheCharset… below).
    const std::string html = "<html><head><meta charset=\"utf-8\"></head><body><div>" + paragraphs(prose(1) + " \xC3\xA4\xC3\xB6 \xFF")
        + "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_TRUE(is_valid_utf8(page.body));
    EXPECT_TRUE(contains(page.body, "\xEF\xBF\xBD"));
}

namespace {

// "Правительство объявило о новых мерах поддержки для жителей пострадавших районов, сообщили в министерстве."
const std::string cyrillic_utf8 = "Правительство объявило о новых мерах поддержки для жителей пострадавших районов, сообщили в министерстве.";
const std::string cyrillic_cp1251 = "\xCF\xF0\xE0\xE2\xE8\xF2\xE5\xEB\xFC\xF1\xF2\xE2\xEE \xEE\xE1\xFA\xFF\xE2\xE8\xEB\xEE \xEE \xED\xEE\xE2\xFB\xF5 "
    "\xEC\xE5\xF0\xE0\xF5 \xEF\xEE\xE4\xE4\xE5\xF0\xE6\xEA\xE8 \xE4\xEB\xFF \xE6\xE8\xF2\xE5\xEB\xE5\xE9 \xEF\xEE\xF1\xF2\xF0\xE0\xE4\xE0\xE2\xF8\xE8\xF5 "
    "\xF0\xE0\xE9\xEE\xED\xEE\xE2, \xF1\xEE\xEE\xE1\xF9\xE8\xEB\xE8 \xE2 \xEC\xE8\xED\xE8\xF1\xF2\xE5\xF0\xF1\xF2\xE2\xE5.";

} // namespace

TEST(HtmlCharset, Windows1251BytesLabelledUtf8AreDetectedNotReplaced)
{
    const std::string html = "<html><head><title>t</title></head><body><div>" + paragraphs(cyrillic_cp1251) + "</div></body></html>";
    for (const bool in_header : { true, false }) {
        parse::ExtractOptions options;
        std::string page_bytes = html;
        if (in_header)
            options.headers = { { "Content-Type", "text/html; charset=utf-8" } };
        else
            page_bytes.insert(page_bytes.find("<title>"), "<meta charset=\"utf-8\">");
        const ExtractedPage page = extract(page_bytes, options);
        EXPECT_EQ(page.encoding, "windows-1251") << (in_header ? "HTTP header" : "<meta>");
        EXPECT_TRUE(contains(page.body, cyrillic_utf8)) << page.body.substr(0, 200);
        EXPECT_FALSE(contains(page.body, "\xEF\xBF\xBD")) << "no U+FFFD garbage";
    }
}

TEST(HtmlCharset, Utf8UnderAMetaLatin1LabelIsReadAsUtf8)
{
    for (const char* label : { "iso-8859-1", "windows-1251", "koi8-r" }) {
        const std::string html = std::string("<html><head><meta charset=") + label + "></head><body><div>" + paragraphs(cyrillic_utf8)
            + paragraphs(utf8_sentence) + "</div></body></html>";
        const ExtractedPage page = extract(html);
        EXPECT_EQ(page.encoding, "utf-8") << label;
        EXPECT_TRUE(contains(page.body, cyrillic_utf8)) << label << ": " << page.body.substr(0, 200);
        EXPECT_TRUE(contains(page.body, utf8_sentence)) << label;
    }
}

TEST(HtmlCharset, BytesInvalidInTheDeclaredLegacyCharsetAreDetected)
{
    // ISO-8859-8 declared, windows-1251 bytes: 0xBF-0xDE and 0xFF do not exist in ISO-8859-8.
    const std::string html = "<html><head><meta charset=\"iso-8859-8\"></head><body><div>" + paragraphs(cyrillic_cp1251) + "</div></body></html>";
    const ExtractedPage page = extract(html);
    EXPECT_EQ(page.encoding, "windows-1251");
    EXPECT_TRUE(contains(page.body, cyrillic_utf8)) << page.encoding << ": " << page.body.substr(0, 200);
}

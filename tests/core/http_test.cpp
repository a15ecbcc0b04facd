// tests/core/http_test.cpp — the parameters of a Content-Type value, as every parser reads them.
#include "core/http.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;

TEST(ContentType, ReadsTheCharsetParameterLeniently)
{
    EXPECT_EQ(content_type_charset("text/html; charset=ISO-8859-1"), "iso-8859-1");
    EXPECT_EQ(content_type_charset("application/xml;charset= \"us-ascii\""), "us-ascii");
    EXPECT_EQ(content_type_charset("text/xml;charset = us-ascii"), "us-ascii");
    EXPECT_EQ(content_type_charset("text/xml; charset='ISO-8859-1'"), "iso-8859-1");
    EXPECT_EQ(content_type_charset("text/html; format=flowed; CHARSET=utf-8; q=1"), "utf-8");
    EXPECT_EQ(content_type_charset("text/xml; charset:iso-8859-1"), "");
    EXPECT_EQ(content_type_charset("text/html"), "");
}

TEST(ContentType, ReadsACharsetWithAnUnbalancedQuote)
{
    // Once cut to "utf-" by dropping the first and last characters whatever they were.
    EXPECT_EQ(content_type_charset("text/html; charset=\"utf-8"), "utf-8");
    EXPECT_EQ(content_type_charset("text/html; charset=\"utf-8; format=flowed"), "utf-8");
    EXPECT_EQ(content_type_charset("text/html; charset=utf-8\""), "utf-8");
    EXPECT_EQ(content_type_charset("text/html; charset=\"\""), "");
    EXPECT_EQ(content_type_charset("text/html; charset=\""), "");
}

// parse/extract/page_dates.hpp — dates in web pages. Reading the text is parse_feed_date()'s job (one
// date grammar for feeds and pages); what is page-specific is here: a plausibility filter for
// metadata placeholders, and dates in URL paths. Pure functions. Safe on any thread.
#pragma once

#include "core/time.hpp"
#include "parse/text/date.hpp"

#include <optional>
#include <string_view>

namespace feedkeeper::parse {

// A date from page metadata (<meta> content, JSON-LD, <time datetime>): whatever parse_feed_date()
// reads, if its year is 1970–2200; outside that it is a placeholder ("0001-01-01T00:00:00Z",
// "9999-12-31"), not when the page was written.
std::optional<Timestamp> parse_html_date(std::string_view, const DateParseOptions& = {});

// A date in a URL path: /2022/12/06/, /2022-12-06/, /20221206/ (midnight UTC).
std::optional<Timestamp> date_from_url(std::string_view url);

} // namespace feedkeeper::parse

// parse/feed_parser.cpp — placeholder until the feed parser lands (issue 3).
#include "parse/feed_parser.hpp"

namespace feedkeeper::parse {

Result<FeedDocument> parse_feed(std::string_view, const FeedParseOptions&)
{
    return Error(Errc::unsupported, "feed parser not built yet");
}

} // namespace feedkeeper::parse

// parse/extract.cpp — placeholder until the extractor lands (issue 4).
#include "parse/extract.hpp"

namespace feedkeeper::parse {

Result<ExtractedPage> extract_page(std::string_view, const ExtractOptions&)
{
    return Error(Errc::unsupported, "extractor not built yet");
}

} // namespace feedkeeper::parse

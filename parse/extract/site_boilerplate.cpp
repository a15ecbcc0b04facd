// parse/extract/site_boilerplate.cpp — fingerprints and the site-template rule. Pure. Safe on any thread.
#include "parse/extract/site_boilerplate.hpp"

#include "parse/extract/lexicon.hpp"
#include "parse/text/characters.hpp"

namespace feedkeeper::parse {
namespace {

constexpr std::size_t min_fingerprint_bytes = 8;
constexpr std::size_t max_unified_bytes = 160;

std::uint64_t mix(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x;
}

} // namespace

std::uint64_t block_fingerprint(std::string_view text) { return lower_block_fingerprint(lower_utf8(text)); }

std::uint64_t lower_block_fingerprint(std::string_view lower)
{
    // Digit runs are unified only in short blocks ("© 2023", "Updated 10:42"): long blocks that
    // differ only in their numbers (results, prices) are different text.
    const bool unify_digits = lower.size() < max_unified_bytes;
    std::uint64_t hash = 14695981039346656037ull;
    std::size_t length = 0;
    bool pending_space = false;
    bool in_digits = false;
    const auto feed = [&](unsigned char c) {
        hash = (hash ^ c) * 1099511628211ull;
        ++length;
    };
    for (const char byte : lower) {
        const auto c = static_cast<unsigned char>(byte);
        const bool digit = c >= '0' && c <= '9';
        const bool word = digit || (c >= 'a' && c <= 'z') || c >= 0x80;
        if (!word) {
            pending_space = length > 0;
            in_digits = false;
            continue;
        }
        if (pending_space) {
            feed(' ');
            pending_space = false;
        }
        if (digit && unify_digits) {
            if (!in_digits)
                feed('0');
            in_digits = true;
            continue;
        }
        in_digits = false;
        feed(c);
    }
    if (length < min_fingerprint_bytes)
        return 0;
    const std::uint64_t fingerprint = mix(hash);
    return fingerprint == 0 ? 1 : fingerprint;
}

bool is_site_template(std::uint64_t fingerprint, const SiteProfile& site, const SiteTemplateRule& rule)
{
    if (fingerprint == 0 || site.pages < rule.min_profile_pages)
        return false;
    const auto found = site.block_pages.find(fingerprint);
    if (found == site.block_pages.end())
        return false;
    const std::int64_t pages = found->second;
    if (pages >= rule.always_pages)
        return true;
    return pages >= rule.min_block_pages && static_cast<double>(pages) >= rule.min_share * static_cast<double>(site.pages);
}

std::vector<bool> site_template_drops(const std::vector<BodyBlock>& blocks, const SiteTemplateRule& rule)
{
    std::vector<bool> drops(blocks.size(), false);
    std::uint64_t total = 0;
    for (const BodyBlock& block : blocks)
        total += block.chars;
    // Leading and trailing runs of template blocks, then notice-like template blocks anywhere.
    for (std::size_t i = 0; i < blocks.size() && blocks[i].template_text; ++i)
        drops[i] = true;
    for (std::size_t i = blocks.size(); i-- > 0 && blocks[i].template_text;)
        drops[i] = true;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i].template_text && blocks[i].notice_like)
            drops[i] = true;
    }
    std::uint64_t dropped = 0;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (drops[i])
            dropped += blocks[i].chars;
    }
    if (static_cast<double>(dropped) > rule.max_dropped_share * static_cast<double>(total)) {
        // The page itself recurs: keep all but the notice-like template blocks, still capped.
        dropped = 0;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            drops[i] = blocks[i].template_text && blocks[i].notice_like;
            if (drops[i])
                dropped += blocks[i].chars;
        }
        if (static_cast<double>(dropped) > rule.max_dropped_share * static_cast<double>(total))
            drops.assign(blocks.size(), false);
    }
    return drops;
}

} // namespace feedkeeper::parse

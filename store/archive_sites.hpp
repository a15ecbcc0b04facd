// store/archive_sites.hpp — per-host block counts (site-level boilerplate learning), shared by
// articles().save. Private to store/. Threading: as Archive.
#pragma once

#include "store/archive_impl.hpp"

namespace feedkeeper::store {

// Counts each fingerprint once per distinct page of `host`: a re-fetched page (same `page_key`)
// changes nothing. Throws db::Error; call inside the article's transaction.
void record_site_blocks(Archive::Impl&, const std::string& host, const std::string& page_key, const std::vector<std::uint64_t>& fingerprints, Timestamp now);

} // namespace feedkeeper::store

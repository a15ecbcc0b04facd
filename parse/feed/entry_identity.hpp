// parse/feed/entry_identity.hpp — which key identifies each entry of a feed in the archive, so that a
// re-fetched feed maps its entries onto the ones already stored. Pure; safe on any thread.
#pragma once

#include "core/feed.hpp"

#include <string>
#include <vector>

namespace feedkeeper::parse {

enum class EntryKeySource {
    id,           // the RSS guid / Atom id
    link,         // the entry's link, normalised (core/url.hpp normalize_url: no fragment, no trackers)
    content_hash, // SHA-256 of title and date (and summary when there is no title)
};

struct EntryKey {
    std::string key; // prefixed by its source ("id:…", "link:…", "sha256:…"), so sources never collide
    EntryKeySource source = EntryKeySource::id;
};

// One key per entry, in entry order. Rules, per document:
//  - ids are used when they are reliable here: every entry has one and no two entries share one;
//  - otherwise links, when every entry has one and no two share one;
//  - otherwise each entry falls back on its own: its id if non-empty and unique in the document,
//    else its link if non-empty and unique, else the content hash.
// Two entries can still get the same content hash when title and date agree; they are then the
// same story as far as this document can tell. Ids that change on every fetch (some CMSs) cannot
// be seen in one document: the caller, which has the history, must compare across fetches.
std::vector<EntryKey> entry_keys(const FeedDocument& feed);

} // namespace feedkeeper::parse

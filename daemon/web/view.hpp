// daemon/web/view.hpp — the web view's routes: server-rendered pages and the JSON API under
// /api/v1/, all read-only, each answered from one read-only archive connection.
// Threading: a reader thread of the WebServer, with that thread's archive.
#pragma once

#include "daemon/web/server.hpp"

#include <string>

namespace feedkeeper::daemon::web {

struct ViewOptions {
    std::string db_path; // shown on the status page
};

WebResponse handle_request(const WebRequest&, store::Archive&, const ViewOptions&);

} // namespace feedkeeper::daemon::web

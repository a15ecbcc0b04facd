// daemon/command_serve.cpp — `feedkeeper serve`: the read-only web view and JSON API over an
// archive, without the crawler (the daemon serves the same view when [web] listen is set).
// Threading: the main thread runs the io_context (HTTP); the WebServer's reader threads query.
#include "daemon/commands.hpp"

#include "daemon/context.hpp"
#include "daemon/web/server.hpp"
#include "daemon/web/view.hpp"

#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdlib>

namespace feedkeeper::daemon {

namespace asio = boost::asio;

std::string web_token(const std::string& option, const crawl::Config& config)
{
    if (!option.empty())
        return option;
    if (const char* environment = std::getenv("FEEDKEEPER_WEB_TOKEN"); environment && *environment)
        return environment;
    return config.web.token;
}

int run_serve(const GlobalOptions& global, const ServeArguments& arguments)
{
    if (auto checked = check_header_text(arguments.token, "--token"); !checked)
        return report(checked.error(), "serve");
    if (!arguments.listen.empty()) // a usage error is reported before the archive is looked at
        if (auto address = web::parse_listen_address(arguments.listen); !address)
            return report(address.error(), "--listen");
    // The archive is opened once here only to fail early with a clear message (no such file, not
    // an archive); the readers open their own read-only connections.
    auto opened = open_for_command(global, store::OpenMode::read_only, LogLevel::notice);
    if (!opened)
        return report(opened.error(), "");
    opened->archive.reset();
    const crawl::Config& config = opened->context.config;
    web::WebServerOptions options;
    options.listen = !arguments.listen.empty() ? arguments.listen : !config.web.listen.empty() ? config.web.listen : "127.0.0.1:8080";
    options.token = web_token(arguments.token, config);
    const std::string where = !arguments.listen.empty() ? "--listen" : !config.web.listen.empty() ? "[web] listen" : "serve";
    if (auto address = web::parse_listen_address(options.listen); !address)
        return report(address.error(), where);
    asio::io_context io(1);
    const web::ViewOptions view { .db_path = opened->context.db_path };
    auto server = web::WebServer::listen(io, options, opened->context.db_path,
        [view](const web::WebRequest& request, store::Archive& archive) { return web::handle_request(request, archive, view); });
    if (!server)
        return report(server.error(), where);
    const auto endpoint = (*server)->local_endpoint();
    const std::string address = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]" : endpoint.address().to_string();
    if (global.verbosity != Verbosity::quiet)
        fmt::print(stderr, "feedkeeper: serving {} at http://{}:{}/ (read-only; Ctrl-C stops)\n", store::redacted_location(opened->context.db_path), address, endpoint.port());
    std::fflush(stderr);
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code error, int) {
        if (error)
            return;
        (*server)->close();
        io.stop();
    });
    io.run();
    return exit_ok;
}

} // namespace feedkeeper::daemon

// daemon/control_client.cpp — connect, send one request line, relay the reply lines.
// Threading: main thread.
#include "daemon/control_client.hpp"

#include "daemon/context.hpp"
#include "daemon/control_protocol.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace feedkeeper::daemon {

std::optional<int> forward_to_daemon(const GlobalOptions& global, std::string_view command, const nlohmann::json& arguments)
{
    auto context = load_context(global);
    if (!context)
        return std::nullopt; // the direct path reports the configuration error
    std::error_code exists_error;
    if (!std::filesystem::exists(context->socket_path, exists_error))
        return std::nullopt;
    namespace asio = boost::asio;
    asio::io_context io;
    asio::local::stream_protocol::socket socket(io);
    boost::system::error_code ec;
    socket.connect(asio::local::stream_protocol::endpoint(context->socket_path), ec);
    if (ec)
        return std::nullopt; // a stale socket file: no daemon behind it
    // The archive this command means: a daemon serving another archive declines, and the command
    // then runs directly on the one asked for.
    std::error_code absolute_error;
    const std::string db = std::filesystem::absolute(context->db_path, absolute_error).string();
    const std::string request = nlohmann::json { { "command", command }, { "arguments", arguments }, { "db", db } }.dump() + "\n";
    asio::write(socket, asio::buffer(request), ec);
    if (ec) {
        print_error(fmt::format("cannot talk to the daemon: {}", ec.message()), context->socket_path);
        return exit_failure;
    }
    std::string buffer;
    for (;;) {
        const std::size_t length = asio::read_until(socket, asio::dynamic_buffer(buffer, max_control_line_bytes), '\n', ec);
        if (ec) {
            print_error(fmt::format("the daemon closed the connection: {}", ec.message()), context->socket_path);
            return exit_failure;
        }
        const std::string line = buffer.substr(0, length);
        buffer.erase(0, length);
        auto reply = nlohmann::json::parse(line, nullptr, false);
        if (!reply.is_object())
            continue;
        if (reply.value("other_archive", false))
            return std::nullopt;
        if (reply.contains("error") && reply["error"].is_string())
            print_error(reply["error"].get<std::string>(), reply.value("where", std::string()));
        if (reply.contains("output") && reply["output"].is_string())
            std::cout << reply["output"].get<std::string>();
        if (reply.contains("exit") && reply["exit"].is_number_integer())
            return reply["exit"].get<int>();
    }
}

} // namespace feedkeeper::daemon

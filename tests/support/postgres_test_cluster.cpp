// tests/support/postgres_test_cluster.cpp — starts and stops the PostgreSQL cluster the test
// processes of one CTest run share (the Postgres.*SharedCluster fixture tests): without it every
// test process, one per test, would pay initdb. Threading: single-threaded program.
//   postgres_test_cluster start STATE_FILE   stop what STATE_FILE names (a run cut short), start a new one
//   postgres_test_cluster stop STATE_FILE    stop it and remove its directory
#include "tests/support/postgres_server.hpp"

#include <filesystem>
#include <iostream>
#include <string>

namespace {

void stop(const std::string& state_file)
{
    if (!std::filesystem::exists(state_file))
        return;
    {
        feedkeeper::testing::PostgresServer server(feedkeeper::testing::PostgresServer::Attach {}, state_file);
        server.adopt(); // the destructor stops it and removes its directory
    }
    std::filesystem::remove(state_file);
}

} // namespace

int main(int argc, char** argv)
{
    const std::string command = argc == 3 ? argv[1] : "";
    if (command != "start" && command != "stop") {
        std::cerr << "usage: postgres_test_cluster start|stop STATE_FILE\n";
        return 2;
    }
    try {
        stop(argv[2]);
        if (command == "start") {
            feedkeeper::testing::PostgresServer server;
            server.save(argv[2]);
            server.detach();
            std::cout << "postgres_test_cluster: started, " << server.connection_string() << "\n";
        }
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "postgres_test_cluster: " << error.what() << "\n";
        return 1;
    }
}

// tests/support/postgres_server.hpp — a throwaway PostgreSQL cluster for tests (issue 17): initdb
// into a fresh temporary directory, a server listening only on a Unix socket there, stopped and
// removed at destruction. Threading: construct, use and destroy on one thread; connections made
// from the connection strings are independent.
//
// The server binaries come from Debian's postgresql package (/usr/lib/postgresql/<version>/bin,
// the newest); without them the constructor throws, saying to run scripts/setup-debian. As root
// the cluster belongs to the `postgres` user (PostgreSQL refuses to run as root) and initdb and
// pg_ctl run through runuser.
#pragma once

#include <string>
#include <vector>

namespace feedkeeper::testing {

class PostgresServer {
public:
    PostgresServer();  // initdb and start: about 1–2 s; throws std::runtime_error
    ~PostgresServer(); // when it owns the cluster: pg_ctl stop -m immediate, then the directory goes
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // A cluster another process started and described with save(): used, not owned (the
    // destructor leaves it running) until adopt().
    struct Attach {};
    PostgresServer(Attach, const std::string& state_file);
    void save(const std::string& state_file) const;
    void detach() { m_owned = false; } // it outlives this object (CTest's cleanup stops it)
    void adopt() { m_owned = true; }   // this object stops and removes it

    // A libpq connection string for the database `dbname` as the superuser "feedkeeper".
    std::string connection_string(const std::string& dbname = "postgres") const;
    // The same as a URL ("postgresql://feedkeeper@/dbname?host=...&port=..."), as --db takes it.
    std::string url(const std::string& dbname) const;
    // CREATE DATABASE; the name is [a-z0-9_]+. Throws std::runtime_error.
    void create_database(const std::string& name);
    // Stops the server now (the destructor then only removes the directory).
    void stop();

private:
    // Runs one of the cluster's programs (as `postgres` when root) in its directory; throws on failure.
    void run(const std::string& program, const std::vector<std::string>& arguments);

    std::string m_bin;       // the directory with initdb and pg_ctl
    std::string m_directory; // the temporary directory: data/, the socket, server.log
    int m_port = 0;          // names the socket (.s.PGSQL.<port>); no TCP listener
    bool m_running = false;
    bool m_owned = true;
};

// The environment variable naming the state file of a cluster shared by every test process of a
// CTest run (started and stopped by the Postgres.*SharedCluster fixture tests, see
// tests/CMakeLists.txt).
inline constexpr const char* shared_cluster_variable = "FEEDKEEPER_TEST_POSTGRES";

// The cluster this process's tests use: the CTest run's shared one when $FEEDKEEPER_TEST_POSTGRES
// names a state file that exists, else one of this process's own, started on first use and
// stopped at exit. Tests create their own database in it instead of paying for initdb each.
PostgresServer& shared_postgres_server();

// A database name unique among the processes sharing a cluster: "<prefix>_<pid>_<n>".
std::string unique_database_name(const std::string& prefix);

// The backend the archive tests run on: SQLite, or PostgreSQL when $FEEDKEEPER_TEST_STORE is
// "postgresql" (CTest runs the store and crawl tests once on each; see tests/CMakeLists.txt).
bool testing_on_postgresql();
// An archive location for one test: `file` on SQLite; on PostgreSQL the URL of a new, empty
// database in the shared cluster (the file name is then unused).
std::string test_archive_location(const std::string& file);

} // namespace feedkeeper::testing

// tests/support/postgres_server.cpp — initdb, pg_ctl and CREATE DATABASE for the tests' throwaway
// PostgreSQL cluster (see postgres_server.hpp). Threading: the calling thread.
#include "tests/support/postgres_server.hpp"

#include "core/c_handle.hpp"
#include "tests/support/process.hpp"

#include <libpq-fe.h>

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string_view>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace feedkeeper::testing {
namespace {

namespace fs = std::filesystem;

// The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl, or "".
std::string find_server_binaries()
{
    std::string best;
    int best_version = -1;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
        const std::string bin = entry.path().string() + "/bin";
        const int version = std::atoi(entry.path().filename().c_str());
        if (version > best_version && fs::exists(bin + "/initdb") && fs::exists(bin + "/pg_ctl")) {
            best = bin;
            best_version = version;
        }
    }
    return best;
}

// A port number nothing listens on: it only names the socket file, but a free one keeps the
// name unambiguous should anyone add a TCP listener.
int free_port()
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 5432;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

const passwd* cluster_owner() // null: the cluster runs as the current user
{
    if (geteuid() != 0)
        return nullptr;
    const passwd* owner = getpwnam("postgres");
    if (!owner)
        throw std::runtime_error("PostgresServer: running as root needs the `postgres` user (Debian's postgresql package creates it): run scripts/setup-debian");
    return owner;
}

} // namespace

PostgresServer::PostgresServer()
{
    m_bin = find_server_binaries();
    if (m_bin.empty())
        throw std::runtime_error("PostgresServer: no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin: "
                                 "run scripts/setup-debian, which installs the postgresql package the tests need");
    const passwd* owner = cluster_owner();
    // As root, under /tmp: $TMPDIR may be a directory the postgres user cannot enter.
    const char* base = owner ? nullptr : std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/feedkeeper-pg-XXXXXX";
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("PostgresServer: mkdtemp failed for " + pattern);
    m_directory = pattern;
    if (owner && chown(m_directory.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
        fs::remove_all(m_directory);
        throw std::runtime_error("PostgresServer: cannot give " + m_directory + " to the postgres user");
    }
    m_port = free_port();
    try {
        run("initdb", { "-D", m_directory + "/data", "-A", "trust", "-U", "feedkeeper", "--no-sync", "-E", "UTF8", "--no-locale" });
        std::ofstream config(m_directory + "/data/postgresql.conf", std::ios::app);
        config << "\n# tests/support/postgres_server.cpp: a Unix socket in the test's directory only; speed over durability\n"
               << "listen_addresses = ''\n"
               << "unix_socket_directories = '" << m_directory << "'\n"
               << "port = " << m_port << "\n"
               << "fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n";
        config.close();
        if (!config)
            throw std::runtime_error("PostgresServer: cannot write " + m_directory + "/data/postgresql.conf");
        run("pg_ctl", { "start", "-D", m_directory + "/data", "-w", "-t", "60", "-l", m_directory + "/server.log" });
        m_running = true;
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(m_directory, ignored);
        throw;
    }
}

PostgresServer::PostgresServer(Attach, const std::string& state_file) : m_owned(false)
{
    std::ifstream in(state_file);
    if (!(std::getline(in, m_bin) && std::getline(in, m_directory) && in >> m_port) || m_directory.empty())
        throw std::runtime_error("PostgresServer: " + state_file + " does not describe a cluster");
    m_running = true;
}

void PostgresServer::save(const std::string& state_file) const
{
    const std::string partial = state_file + ".partial"; // whole or absent, for whoever reads it
    {
        std::ofstream out(partial, std::ios::trunc);
        out << m_bin << '\n' << m_directory << '\n' << m_port << '\n';
        out.close();
        if (!out)
            throw std::runtime_error("PostgresServer: cannot write " + partial);
    }
    fs::rename(partial, state_file);
}

PostgresServer::~PostgresServer()
{
    if (!m_owned)
        return;
    try {
        stop();
    } catch (const std::exception&) {
        // Nothing more to do in a destructor; the directory goes anyway.
    }
    std::error_code ignored;
    fs::remove_all(m_directory, ignored);
}

void PostgresServer::stop()
{
    if (!m_running)
        return;
    m_running = false;
    run("pg_ctl", { "stop", "-D", m_directory + "/data", "-m", "immediate", "-w" });
}

void PostgresServer::run(const std::string& program, const std::vector<std::string>& arguments)
{
    // In the cluster's directory: the current one may be closed to the postgres user.
    std::vector<std::string> argv;
    if (cluster_owner())
        argv = { "/usr/sbin/runuser", "-u", "postgres", "--" };
    argv.insert(argv.end(), { "/usr/bin/env", "-C", m_directory, m_bin + "/" + program });
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    ProcessOptions options;
    options.timeout = std::chrono::seconds(90);
    const ProcessResult result = run_process(argv, options);
    if (result.exit_code != 0) {
        std::string log;
        if (std::ifstream in { m_directory + "/server.log" })
            log.assign(std::istreambuf_iterator<char>(in), {});
        throw std::runtime_error("PostgresServer: " + program + " failed (exit " + std::to_string(result.exit_code) + "): " + result.err
            + result.out + (log.empty() ? "" : "\nserver.log:\n" + log.substr(log.size() > 4000 ? log.size() - 4000 : 0)));
    }
}

std::string PostgresServer::connection_string(const std::string& dbname) const
{
    return "host=" + m_directory + " port=" + std::to_string(m_port) + " user=feedkeeper dbname=" + dbname;
}

std::string PostgresServer::url(const std::string& dbname) const
{
    return "postgresql://feedkeeper@/" + dbname + "?host=" + m_directory + "&port=" + std::to_string(m_port);
}

void PostgresServer::create_database(const std::string& name)
{
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }))
        throw std::runtime_error("PostgresServer: database names are [a-z0-9_]+, not '" + name + "'");
    CHandle<PGconn, &PQfinish> connection { PQconnectdb(connection_string("postgres").c_str()) };
    if (!connection || PQstatus(connection.get()) != CONNECTION_OK)
        throw std::runtime_error("PostgresServer: cannot connect: " + std::string(connection ? PQerrorMessage(connection.get()) : "out of memory"));
    CHandle<PGresult, &PQclear> result { PQexec(connection.get(), ("CREATE DATABASE " + name).c_str()) };
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error("PostgresServer: CREATE DATABASE " + name + " failed: " + PQerrorMessage(connection.get()));
}

bool testing_on_postgresql()
{
    const char* backend = std::getenv("FEEDKEEPER_TEST_STORE");
    return backend && std::string_view(backend) == "postgresql";
}

std::string test_archive_location(const std::string& file)
{
    if (!testing_on_postgresql())
        return file;
    const std::string name = unique_database_name("archive");
    shared_postgres_server().create_database(name);
    return shared_postgres_server().url(name);
}

PostgresServer& shared_postgres_server()
{
    static const std::unique_ptr<PostgresServer> server = [] { // an own one is stopped by static destruction at exit
        const char* state_file = std::getenv(shared_cluster_variable);
        if (state_file && *state_file && fs::exists(state_file))
            return std::make_unique<PostgresServer>(PostgresServer::Attach {}, state_file);
        return std::make_unique<PostgresServer>();
    }();
    return *server;
}

std::string unique_database_name(const std::string& prefix)
{
    static std::atomic<int> next { 0 };
    return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++next);
}

} // namespace feedkeeper::testing

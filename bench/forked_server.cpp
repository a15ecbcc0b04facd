// bench/forked_server.cpp — see forked_server.hpp. Threading: parent's main thread; the child
// never returns from the constructor.
#include "bench/forked_server.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace feedkeeper::bench {

double cpu_seconds(const rusage& usage)
{
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

ForkedServer::ForkedServer(const std::function<std::unique_ptr<testing::HttpTestServer>()>& make)
{
    int port_pipe[2], stop_pipe[2];
    if (pipe(port_pipe) != 0)
        throw std::runtime_error("pipe failed");
    if (pipe(stop_pipe) != 0) {
        close(port_pipe[0]);
        close(port_pipe[1]);
        throw std::runtime_error("pipe failed");
    }
    m_pid = fork();
    if (m_pid < 0)
        throw std::runtime_error("fork failed");
    if (m_pid == 0) {
        close(port_pipe[0]);
        close(stop_pipe[1]);
        const std::unique_ptr<testing::HttpTestServer> server = make();
        const unsigned short port = server->port();
        if (write(port_pipe[1], &port, sizeof port) != sizeof port)
            _exit(1);
        char byte;
        while (read(stop_pipe[0], &byte, 1) > 0) { } // until the parent closes its end (or dies)
        _exit(0); // skip static destructors; the server's threads end with the process
    }
    close(port_pipe[1]);
    close(stop_pipe[0]);
    m_stop = stop_pipe[1];
    const bool started = read(port_pipe[0], &m_port, sizeof m_port) == sizeof m_port;
    close(port_pipe[0]);
    if (!started) {
        stop();
        throw std::runtime_error("the server did not start");
    }
}

ForkedServer::~ForkedServer() { stop(); }

void ForkedServer::stop()
{
    if (m_stop >= 0) {
        close(m_stop);
        m_stop = -1;
    }
    if (m_pid > 0) {
        rusage usage {};
        if (wait4(m_pid, nullptr, 0, &usage) == m_pid)
            m_cpu_seconds = bench::cpu_seconds(usage);
        m_pid = -1;
    }
}

} // namespace feedkeeper::bench

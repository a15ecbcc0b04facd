// bench/forked_server.hpp — the project's test HTTP server in a forked child, so that getrusage()
// in the benchmark measures only the client it times; and cpu_seconds(), a rusage's CPU time, for
// the benches that time children. Start the server before any thread exists.
// Threading: the child serves on its own threads; this object belongs to the parent's main thread.
#pragma once

#include "tests/support/http_server.hpp"

#include <sys/resource.h>
#include <sys/types.h>

#include <functional>
#include <memory>

namespace feedkeeper::bench {

// User plus system time of a rusage, in seconds.
double cpu_seconds(const rusage&);

class ForkedServer {
public:
    // Forks; the child builds its server with `make` and serves until stop(), this object's end
    // or the parent's death. Throws when the child cannot be started.
    explicit ForkedServer(const std::function<std::unique_ptr<testing::HttpTestServer>()>& make);
    ~ForkedServer();
    ForkedServer(const ForkedServer&) = delete;
    ForkedServer& operator=(const ForkedServer&) = delete;

    unsigned short port() const { return m_port; }
    void stop(); // ends the child and waits for it
    double cpu_seconds() const { return m_cpu_seconds; } // the child's CPU time, once stopped

private:
    pid_t m_pid = -1;
    unsigned short m_port = 0;
    int m_stop = -1; // the child serves while this pipe end is open
    double m_cpu_seconds = 0;
};

} // namespace feedkeeper::bench

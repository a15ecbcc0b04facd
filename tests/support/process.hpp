// tests/support/process.hpp — run the real feedkeeper binary (or any program) and collect its
// exit status and output. Threading: blocks the calling thread; output pipes are drained by poll().
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace feedkeeper::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::map<std::string, std::string> environment; // added to (or overriding) the current one
    std::chrono::milliseconds timeout { 120'000 };  // then SIGKILL
    std::string input;                              // written to standard input
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& = {});

// A started process that runs until stopped (the daemon in integration tests).
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment = {});
    ~ChildProcess(); // SIGKILL if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    int pid() const { return m_pid; }
    void signal(int signal_number);
    // Waits for exit up to `timeout`; returns the exit code, -1 on signal, or nullopt-like -2 on timeout.
    int wait(std::chrono::milliseconds timeout);
    std::string read_stderr(); // what the child wrote to stderr so far (non-blocking)
    bool running();

private:
    int m_pid = -1;
    int m_stderr = -1;
    std::string m_err;
    bool m_exited = false;
    int m_status = 0;
};

// A fresh directory under $TMPDIR, removed with its contents at destruction.
class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& text);

} // namespace feedkeeper::testing

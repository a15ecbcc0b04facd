// tests/support/process.cpp — posix_spawn with pipes, a poll() loop and a kill-on-timeout.
// Threading: the calling thread only.
#include "tests/support/process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace feedkeeper::testing {
namespace {

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra)
{
    std::map<std::string, std::string> all;
    for (char** entry = environ; *entry; ++entry) {
        std::string text(*entry);
        const auto equals = text.find('=');
        if (equals != std::string::npos)
            all[text.substr(0, equals)] = text.substr(equals + 1);
    }
    for (const auto& [key, value] : extra)
        all[key] = value;
    std::vector<std::string> out;
    for (const auto& [key, value] : all)
        out.push_back(key + "=" + value);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    for (auto& text : strings)
        out.push_back(text.data());
    out.push_back(nullptr);
    return out;
}

int spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment, int in_fd, int out_fd, int err_fd,
    const std::vector<int>& close_fds)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    else
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    else
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    for (int fd : close_fds)
        posix_spawn_file_actions_addclose(&actions, fd);
    std::vector<std::string> arguments = argv;
    std::vector<std::string> env = merged_environment(environment);
    auto argument_pointers = pointers(arguments);
    auto environment_pointers = pointers(env);
    pid_t pid = -1;
    const int status = posix_spawn(&pid, arguments[0].c_str(), &actions, nullptr, argument_pointers.data(), environment_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    if (status != 0)
        throw std::runtime_error("posix_spawn " + arguments[0] + ": " + std::strerror(status));
    return pid;
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options)
{
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    const int pid = spawn(argv, options.environment, in_pipe[0], out_pipe[1], err_pipe[1], {});
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (!options.input.empty())
        (void)!write(in_pipe[1], options.input.data(), options.input.size());
    close(in_pipe[1]);

    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    pollfd fds[2] = { { out_pipe[0], POLLIN, 0 }, { err_pipe[0], POLLIN, 0 } };
    int open_pipes = 2;
    bool killed = false;
    while (open_pipes > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0 && !killed) {
            kill(pid, SIGKILL);
            killed = true;
        }
        if (poll(fds, 2, static_cast<int>(std::max<long long>(left, 100))) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buffer[65536];
            const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_pipes;
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment)
{
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    m_pid = spawn(argv, environment, -1, -1, err_pipe[1], {});
    close(err_pipe[1]);
    m_stderr = err_pipe[0];
    fcntl(m_stderr, F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess()
{
    if (running()) {
        kill(m_pid, SIGKILL);
        wait(std::chrono::milliseconds(5000));
    }
    if (m_stderr >= 0)
        close(m_stderr);
}

void ChildProcess::signal(int signal_number) { kill(m_pid, signal_number); }

bool ChildProcess::running()
{
    if (m_exited)
        return false;
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_exited = true;
        m_status = status;
        return false;
    }
    return true;
}

int ChildProcess::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() > deadline)
            return -2;
        read_stderr();
        usleep(10'000);
    }
    read_stderr();
    return WIFEXITED(m_status) ? WEXITSTATUS(m_status) : -1;
}

std::string ChildProcess::read_stderr()
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = read(m_stderr, buffer, sizeof buffer);
        if (n <= 0)
            break;
        m_err.append(buffer, static_cast<std::size_t>(n));
    }
    return m_err;
}

TemporaryDirectory::TemporaryDirectory()
{
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/feedkeeper-test-XXXXXX";
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    m_path = pattern;
}

TemporaryDirectory::~TemporaryDirectory()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

std::string read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

void write_text_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

} // namespace feedkeeper::testing

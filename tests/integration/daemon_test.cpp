// tests/integration/daemon_test.cpp — the real binary as a service: readiness on NOTIFY_SOCKET,
// control-socket recrawl, SIGHUP with a broken config, SIGTERM mid-crawl, idle cost.
#include "store/archive.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

const std::string fixture = std::string(FEEDKEEPER_TEST_DATA) + "/caucasuswatch";

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
public:
    explicit NotifySocket(const std::string& path) : m_path(path)
    {
        m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        if (bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("bind notify socket");
        timeval timeout { 0, 200'000 };
        setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~NotifySocket() { close(m_fd); }

    // Messages received until `predicate` holds for one of them, or `deadline` passes.
    bool wait_for(const std::string& needle, std::chrono::milliseconds deadline)
    {
        const auto end = std::chrono::steady_clock::now() + deadline;
        while (std::chrono::steady_clock::now() < end) {
            char buffer[4096];
            const ssize_t n = recv(m_fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                messages.emplace_back(buffer, static_cast<std::size_t>(n));
                if (messages.back().find(needle) != std::string::npos)
                    return true;
            }
        }
        return false;
    }
    std::vector<std::string> messages;

private:
    std::string m_path;
    int m_fd = -1;
};

long cpu_ticks(int pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14)
            utime = std::stol(field);
        if (i == 15) {
            stime = std::stol(field);
            break;
        }
    }
    return utime + stime;
}

long resident_kib(int pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    return -1;
}

class Daemon : public ::testing::Test {
protected:
    void SetUp() override
    {
        server.serve_directory(fixture, "/");
        write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n");
    }

    std::vector<std::string> argv(std::vector<std::string> arguments)
    {
        std::vector<std::string> all { FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"),
            "--socket", directory.file("control.sock") };
        all.insert(all.end(), arguments.begin(), arguments.end());
        return all;
    }

    ProcessResult feedkeeper(std::vector<std::string> arguments) { return run_process(argv(std::move(arguments))); }

    std::unique_ptr<ChildProcess> start_daemon(NotifySocket& notify)
    {
        auto child = std::make_unique<ChildProcess>(argv({ "daemon" }), std::map<std::string, std::string> { { "NOTIFY_SOCKET", directory.file("notify") } });
        EXPECT_TRUE(notify.wait_for("READY=1", 10s)) << child->read_stderr();
        return child;
    }

    bool wait_for_log(ChildProcess& child, const std::string& needle, std::chrono::milliseconds deadline)
    {
        const auto end = std::chrono::steady_clock::now() + deadline;
        while (std::chrono::steady_clock::now() < end) {
            if (child.read_stderr().find(needle) != std::string::npos)
                return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    HttpTestServer server;
    TemporaryDirectory directory;
};

} // namespace

TEST_F(Daemon, SignalsReadinessAndStatusToSystemd)
{
    NotifySocket notify(directory.file("notify"));
    auto daemon = start_daemon(notify);
    EXPECT_TRUE(notify.wait_for("STATUS=", 5s));
    daemon->signal(SIGTERM);
    EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s));
    EXPECT_EQ(daemon->wait(5s), 0);
}

TEST_F(Daemon, RecrawlFromTheCliReachesTheRunningDaemon)
{
    NotifySocket notify(directory.file("notify"));
    auto daemon = start_daemon(notify);
    const std::string article = server.base_url() + "/news/20859-armenien-und-iran-eroeffnen-konsulat-in-kapan.html";
    auto recrawl = feedkeeper({ "recrawl", "--url", article });
    ASSERT_EQ(recrawl.exit_code, 0) << recrawl.err;
    EXPECT_TRUE(wait_for_log(*daemon, "command=recrawl", 2s)) << "the daemon did the work, not the CLI";
    auto exported = feedkeeper({ "export", "--format", "jsonl" });
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    ASSERT_FALSE(exported.out.empty());
    EXPECT_EQ(nlohmann::json::parse(exported.out.substr(0, exported.out.find('\n')))["url"], article);
    auto status = feedkeeper({ "status", "--json" });
    ASSERT_EQ(status.exit_code, 0);
    EXPECT_FALSE(nlohmann::json::parse(status.out)["daemon"].is_null());
}

TEST_F(Daemon, BrokenConfigOnReloadKeepsTheOldOne)
{
    NotifySocket notify(directory.file("notify"));
    auto daemon = start_daemon(notify);
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"soon\"\n");
    daemon->signal(SIGHUP);
    write_text_file(directory.file("cli.toml"), "");
    EXPECT_TRUE(wait_for_log(*daemon, "config.reload_failed", 5s)) << daemon->read_stderr();
    EXPECT_NE(daemon->read_stderr().find("min_delay"), std::string::npos) << "the error names the key";
    EXPECT_TRUE(daemon->running());
    auto status = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("cli.toml"), "--socket",
        directory.file("control.sock"), "status" });
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("daemon: running"), std::string::npos) << "still answering, on the old configuration";
}

TEST_F(Daemon, TerminatesPromptlyInTheMiddleOfACrawl)
{
    // Every article answers after 20 s: SIGTERM arrives while they are in flight.
    for (const char* page : { "20871-jeyhun-bayramov-trifft-sergej-lawrow-in-moskau-ilham-alijew-empfaengt-putins-berater-in-baku",
             "20866-georgien-parlament-verabschiedet-haushalt-2023", "20859-armenien-und-iran-eroeffnen-konsulat-in-kapan",
             "20852-nordkaukasus-hochwasser-in-dagestan" })
        server.route(std::string("/news/") + page + ".html", TestResponse { .body = "<html><body><p>late</p></body></html>", .delay = 20s });
    ASSERT_EQ(feedkeeper({ "add", server.base_url() + "/feed/index.xml" }).exit_code, 0);
    NotifySocket notify(directory.file("notify"));
    auto daemon = start_daemon(notify);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (server.request_count("/news/20871-jeyhun-bayramov-trifft-sergej-lawrow-in-moskau-ilham-alijew-empfaengt-putins-berater-in-baku.html") == 0
        && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    const auto sent = std::chrono::steady_clock::now();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(5s), 0) << daemon->read_stderr();
    EXPECT_LT(std::chrono::steady_clock::now() - sent, 5s);

    auto archive = feedkeeper::store::Archive::open(directory.file("archive.db"), feedkeeper::store::OpenMode::read_only);
    ASSERT_TRUE(archive);
    EXPECT_EQ((*archive)->maintenance().integrity_check().value(), "ok");
    auto stats = (*archive)->reader().stats().value();
    EXPECT_EQ(stats.articles, 0);
    EXPECT_EQ(stats.pending_jobs, 4) << "unfinished work stays queued for the next start";
}

TEST_F(Daemon, IdleWithTenThousandFeedsStaysSmallAndAsleep)
{
    {
        // Set-up only: NORMAL synchronous, so 20,000 small commits are not 20,000 fsyncs.
        auto archive = feedkeeper::store::Archive::open(directory.file("archive.db"), feedkeeper::store::OpenMode::read_write,
            { .synchronous = feedkeeper::store::Synchronous::normal }).value();
        const auto later = feedkeeper::now_utc() + std::chrono::hours(1);
        for (int i = 0; i < 10'000; ++i) {
            feedkeeper::store::NewFeed feed;
            feed.url = "http://feeds.invalid/" + std::to_string(i) + ".xml";
            auto added = archive->feeds().add(feed).value();
            ASSERT_TRUE(archive->feeds().schedule(added.id, later));
        }
    }
    NotifySocket notify(directory.file("notify"));
    auto daemon = start_daemon(notify);
    std::this_thread::sleep_for(500ms); // let start-up settle
    const long before = cpu_ticks(daemon->pid());
    std::this_thread::sleep_for(3s);
    const long after = cpu_ticks(daemon->pid());
    EXPECT_LE(after - before, 1) << "no busy polling between due times (clock ticks used while idle)";
#if !defined(__SANITIZE_ADDRESS__) // ASan's shadow memory and quarantine are not the daemon's
    EXPECT_LT(resident_kib(daemon->pid()), 50 * 1024);
#endif
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(5s), 0);
}

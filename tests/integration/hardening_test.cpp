// tests/integration/hardening_test.cpp — an operator's mistakes and a local attacker against the
// real binary (issue 11): each test is named after what it protects. Command-line input (header
// injection, non-UTF-8 text, impossible offsets, search caps), the archive path (a directory, a
// read-only directory), exports (never over the archive, never half-written, a full device), the
// configuration (a directory, a device) and the control socket (never removes what is not a
// socket, directory rules, peer and timeouts, escape codes, accept failures, connection cap).
#include "tests/support/archive_query.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace feedkeeper::testing;
using namespace std::chrono_literals;

namespace {

class Hardening : public ::testing::Test {
protected:
    void SetUp() override { write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[daemon]\ncontrol_timeout = \"10s\"\n"); }

    std::vector<std::string> argv(const std::vector<std::string>& arguments, const std::string& db = "")
    {
        std::vector<std::string> all { FEEDKEEPER_BINARY, "--db", db.empty() ? directory.file("archive.db") : db, "--config", directory.file("feedkeeper.toml"),
            "--socket", directory.file("control.sock") };
        all.insert(all.end(), arguments.begin(), arguments.end());
        return all;
    }

    ProcessResult feedkeeper(const std::vector<std::string>& arguments, std::chrono::milliseconds timeout = 60s)
    {
        return run_process(argv(arguments), ProcessOptions { .timeout = timeout });
    }

    // One line on stderr in the contract's format.
    static void expect_one_error_line(const ProcessResult& result, const std::string& needle)
    {
        EXPECT_EQ(result.err.rfind("feedkeeper: error: ", 0), 0u) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
    }

    std::string integrity() { return query_text(directory.file("archive.db"), "PRAGMA integrity_check"); }

    TemporaryDirectory directory;
};

// ---- command-line input

TEST_F(Hardening, HeaderAndCookieArgumentsCannotInjectLines)
{
    for (const std::vector<std::string>& arguments : std::vector<std::vector<std::string>> {
             { "add", "https://news.example/feed", "--header", "X-Api-Key: k\r\nX-Injected: 1" },
             { "add", "https://news.example/feed", "--header", "X-Api-Key: k\nX-Injected: 1" },
             { "add", "https://news.example/feed", "--cookie", "consent=yes\r\nX-Injected: 1" },
             { "parse-feed", std::string(FEEDKEEPER_TEST_DATA) + "/caucasuswatch/feed/index.xml", "--header", "Content-Type: text/xml\r\nX: 1" } }) {
        auto refused = feedkeeper(arguments);
        EXPECT_EQ(refused.exit_code, 2) << arguments[3] << "\n" << refused.err;
        expect_one_error_line(refused, "line break");
        EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << "the CR/LF is shown escaped, on one line: " << refused.err;
    }
    auto feeds = feedkeeper({ "feeds", "--json" });
    EXPECT_TRUE(feeds.exit_code != 0 || nlohmann::json::parse(feeds.out).empty()) << "nothing was subscribed";
}

TEST_F(Hardening, NonUtf8NameIsRefusedSoTheOpmlExportStaysXml)
{
    auto refused = feedkeeper({ "add", "https://news.example/feed", "--name", "Caf\xE9" });
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    expect_one_error_line(refused, "not valid UTF-8");
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed", "--name", "Caf\xC3\xA9" }).exit_code, 0);
    auto opml = feedkeeper({ "export", "--format", "opml" });
    ASSERT_EQ(opml.exit_code, 0) << opml.err;
    EXPECT_NE(opml.out.find("text=\"Caf\xC3\xA9\""), std::string::npos) << opml.out;
    auto search = feedkeeper({ "search", "caf\xE9" });
    EXPECT_EQ(search.exit_code, 2) << search.err;
}

TEST_F(Hardening, DateOptionsRefuseImpossibleUtcOffsets)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed" }).exit_code, 0);
    auto refused = feedkeeper({ "export", "--format", "jsonl", "--since", "2024-01-01T00:00:00+99:99" });
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    expect_one_error_line(refused, "--since");
    EXPECT_EQ(feedkeeper({ "export", "--format", "jsonl", "--since", "2024-01-01T00:00:00+05:30" }).exit_code, 0);
}

TEST_F(Hardening, SearchRefusesTooManyTermsWithExitTwo)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed" }).exit_code, 0);
    std::string query;
    for (int i = 0; i < 17; ++i)
        query += "a" + std::to_string(i) + "* ";
    const auto started = std::chrono::steady_clock::now();
    auto refused = feedkeeper({ "search", query });
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    expect_one_error_line(refused, "16");
    std::string duplicates;
    for (int i = 0; i < 300; ++i)
        duplicates += "a* ";
    auto deduplicated = feedkeeper({ "search", duplicates });
    EXPECT_EQ(deduplicated.exit_code, 0) << deduplicated.err;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST_F(Hardening, FeedPastTheItemCapSaysTruncated)
{
    std::string rss = "<rss version=\"2.0\"><channel><title>t</title>";
    for (int i = 0; i < 10'001; ++i)
        rss += "<item><guid>" + std::to_string(i) + "</guid></item>";
    rss += "</channel></rss>";
    write_text_file(directory.file("big.xml"), rss);
    auto parsed = feedkeeper({ "parse-feed", directory.file("big.xml") });
    ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
    const auto json = nlohmann::json::parse(parsed.out);
    EXPECT_EQ(json["entries"].size(), 10'000u);
    EXPECT_EQ(json.value("truncated", false), true);
    write_text_file(directory.file("small.xml"), "<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid></item></channel></rss>");
    EXPECT_FALSE(nlohmann::json::parse(feedkeeper({ "parse-feed", directory.file("small.xml") }).out).contains("truncated"));
}

// ---- the archive path

TEST_F(Hardening, ArchivePathThatIsADirectorySaysSo)
{
    std::filesystem::create_directory(directory.file("archive-dir"));
    for (const char* command : { "status", "feeds" }) {
        auto result = run_process(argv({ command }, directory.file("archive-dir")));
        EXPECT_EQ(result.exit_code, 2) << result.err;
        expect_one_error_line(result, "is a directory");
        EXPECT_EQ(result.err.find("disk I/O error"), std::string::npos) << result.err;
    }
}

TEST_F(Hardening, ReadOnlyArchiveInAReadOnlyDirectoryCanBeRead)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed", "--name", "news" }).exit_code, 0);
    ASSERT_FALSE(std::filesystem::exists(directory.file("archive.db-wal")));
    ASSERT_EQ(chmod(directory.file("archive.db").c_str(), 0444), 0);
    ASSERT_EQ(chmod(directory.path().c_str(), 0555), 0);
    std::vector<std::string> prefix;
    if (geteuid() == 0) {
        if (access("/usr/bin/setpriv", X_OK) != 0)
            GTEST_SKIP() << "running as root without setpriv: cannot make the directory read-only for the binary";
        prefix = { "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups" };
    }
    auto as_user = [&](std::vector<std::string> arguments) {
        std::vector<std::string> all = prefix;
        for (const std::string& part : argv(arguments))
            all.push_back(part);
        return run_process(all);
    };
    auto status = as_user({ "status", "--json" });
    EXPECT_EQ(status.exit_code, 0) << status.err;
    auto opml = as_user({ "export", "--format", "opml" });
    EXPECT_EQ(opml.exit_code, 0) << opml.err;
    EXPECT_NE(opml.out.find("https://news.example/feed"), std::string::npos);
    auto search = as_user({ "search", "anything" });
    EXPECT_EQ(search.exit_code, 0) << search.err;
    auto add = as_user({ "add", "https://other.example/feed" });
    EXPECT_EQ(add.exit_code, 2) << add.err;
    expect_one_error_line(add, "read-only");
    ASSERT_EQ(chmod(directory.path().c_str(), 0700), 0);
    ASSERT_EQ(chmod(directory.file("archive.db").c_str(), 0644), 0);
}

// ---- exports

TEST_F(Hardening, ExportNeverTruncatesTheArchive)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed" }).exit_code, 0);
    const auto size = std::filesystem::file_size(directory.file("archive.db"));
    std::filesystem::create_symlink(directory.file("archive.db"), directory.file("link.db"));
    ASSERT_EQ(link(directory.file("archive.db").c_str(), directory.file("hard.db").c_str()), 0);
    for (const std::string& output : { directory.file("archive.db"), directory.path() + "/./archive.db", directory.file("link.db"),
             directory.file("hard.db"), directory.file("archive.db-wal"), directory.file("archive.db-shm"), directory.file("archive.db.lock") }) {
        auto refused = feedkeeper({ "export", "--format", "jsonl", "--output", output });
        EXPECT_EQ(refused.exit_code, 2) << output << ": " << refused.err;
        expect_one_error_line(refused, "refusing to export into");
    }
    EXPECT_EQ(std::filesystem::file_size(directory.file("archive.db")), size);
    EXPECT_EQ(integrity(), "ok");
    EXPECT_FALSE(std::filesystem::exists(directory.file("archive.db-wal.tmp")));
}

TEST_F(Hardening, FailedExportLeavesThePreviousFileAndNoTemporary)
{
    for (int i = 0; i < 40; ++i)
        ASSERT_EQ(feedkeeper({ "add", "https://news" + std::to_string(i) + ".example/feed", "--name", std::string(2000, 'n') + std::to_string(i) }).exit_code, 0);
    write_text_file(directory.file("feeds.opml"), "the previous export\n");
    // A file-size limit of 50-100 KiB (ulimit's blocks; room for the archive's 32 KiB -shm) with
    // SIGXFSZ ignored, so write() says EFBIG: it stands in for a full disk under a ~160 KiB export.
    std::string command = "trap '' XFSZ; ulimit -f 100; exec";
    for (const std::string& part : argv({ "export", "--format", "opml", "--output", directory.file("feeds.opml") }))
        command += " '" + part + "'";
    auto failed = run_process({ "/bin/sh", "-c", command });
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    expect_one_error_line(failed, "write error");
    EXPECT_EQ(read_text_file(directory.file("feeds.opml")), "the previous export\n");
    EXPECT_FALSE(std::filesystem::exists(directory.file("feeds.opml.tmp")));

    auto written = feedkeeper({ "export", "--format", "opml", "--output", directory.file("feeds.opml") });
    ASSERT_EQ(written.exit_code, 0) << written.err;
    EXPECT_NE(read_text_file(directory.file("feeds.opml")).find("</opml>"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(directory.file("feeds.opml.tmp")));
}

TEST_F(Hardening, OpmlExportToAFullDeviceFails)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed" }).exit_code, 0);
    for (const char* format : { "opml", "csv" }) { // both write something even for an archive without articles
        auto full = feedkeeper({ "export", "--format", format, "--output", "/dev/full" });
        EXPECT_EQ(full.exit_code, 1) << format << ": " << full.err;
        expect_one_error_line(full, "write error");
        EXPECT_EQ(full.err.find("exported"), std::string::npos) << "no claim of bytes written: " << full.err;
    }
}

// ---- the configuration

TEST_F(Hardening, ConfigThatIsADirectoryOrADeviceIsRefused)
{
    std::filesystem::create_directory(directory.file("config-dir"));
    for (const std::string& config : { directory.file("config-dir"), std::string("/dev/null") }) {
        auto result = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", config, "feeds" });
        EXPECT_EQ(result.exit_code, 2) << config << ": " << result.err;
        expect_one_error_line(result, "regular file");
    }
}

// ---- the control socket

class FakeDaemon {
public:
    // Listens on `path` (as uid `uid` when given: the socket's credentials are the listener's)
    // and answers every connection with `reply` (nothing when empty).
    FakeDaemon(const std::string& path, std::string reply, std::optional<uid_t> uid = std::nullopt)
    {
        m_pid = fork();
        if (m_pid == 0) {
            const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un address {};
            address.sun_family = AF_UNIX;
            std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
            if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
                _exit(3);
            if (uid && (setresgid(*uid, *uid, *uid) != 0 || setresuid(*uid, *uid, *uid) != 0))
                _exit(4);
            if (listen(fd, 16) != 0)
                _exit(5);
            std::vector<int> open; // kept open: a silent daemon never closes
            for (;;) {
                const int client = accept(fd, nullptr, nullptr);
                if (client < 0)
                    continue;
                char buffer[4096];
                (void)!read(client, buffer, sizeof buffer);
                if (!reply.empty())
                    (void)!write(client, reply.data(), reply.size());
                open.push_back(client);
            }
        }
        for (int i = 0; i < 200 && !std::filesystem::exists(path); ++i)
            std::this_thread::sleep_for(10ms);
    }
    ~FakeDaemon()
    {
        kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }

private:
    pid_t m_pid = -1;
};

TEST_F(Hardening, ControlSocketNeverRemovesAFileThatIsNotASocket)
{
    ASSERT_EQ(feedkeeper({ "add", "https://news.example/feed" }).exit_code, 0);
    const auto size = std::filesystem::file_size(directory.file("archive.db"));
    // The archive (and the config) given as --socket: refused before anything is touched.
    for (const std::string& socket : { directory.file("archive.db"), directory.file("feedkeeper.toml") }) {
        auto refused = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"), "--socket", socket, "daemon" },
            ProcessOptions { .timeout = 10s });
        EXPECT_EQ(refused.exit_code, 2) << socket << ": " << refused.err;
        EXPECT_NE(refused.err.find("choose another --socket"), std::string::npos) << refused.err;
    }
    EXPECT_EQ(std::filesystem::file_size(directory.file("archive.db")), size);
    EXPECT_EQ(integrity(), "ok");
    // Any other file that is not a socket stays too.
    write_text_file(directory.file("notes.txt"), "precious\n");
    auto refused = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"), "--socket",
                                   directory.file("notes.txt"), "daemon" },
        ProcessOptions { .timeout = 10s });
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("is not a socket"), std::string::npos) << refused.err;
    EXPECT_EQ(read_text_file(directory.file("notes.txt")), "precious\n");
}

TEST_F(Hardening, ControlSocketDirectoryIsCreatedPrivateAndCheckedForOwnerAndMode)
{
    const std::string socket = directory.file("run/feedkeeper/control.sock");
    ChildProcess daemon({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"), "--socket", socket, "daemon" });
    for (int i = 0; i < 500 && !std::filesystem::exists(socket); ++i)
        std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(std::filesystem::exists(socket)) << daemon.read_stderr();
    for (const std::string& created : { directory.file("run"), directory.file("run/feedkeeper") }) {
        struct stat status {};
        ASSERT_EQ(lstat(created.c_str(), &status), 0);
        EXPECT_EQ(status.st_mode & 0777, 0700u) << created;
    }
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);

    std::filesystem::create_directory(directory.file("shared"));
    ASSERT_EQ(chmod(directory.file("shared").c_str(), 0777), 0);
    auto writable = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"), "--socket",
                                    directory.file("shared/control.sock"), "daemon" },
        ProcessOptions { .timeout = 10s });
    EXPECT_EQ(writable.exit_code, 2) << writable.err;
    EXPECT_NE(writable.err.find("writable by others"), std::string::npos) << writable.err;

    if (geteuid() == 0) { // a directory another user made where ours would be
        std::filesystem::create_directory(directory.file("theirs"));
        ASSERT_EQ(chown(directory.file("theirs").c_str(), 65534, 65534), 0);
        auto foreign = run_process({ FEEDKEEPER_BINARY, "--db", directory.file("archive.db"), "--config", directory.file("feedkeeper.toml"), "--socket",
                                       directory.file("theirs/control.sock"), "daemon" },
            ProcessOptions { .timeout = 10s });
        EXPECT_EQ(foreign.exit_code, 2) << foreign.err;
        EXPECT_NE(foreign.err.find("belongs to uid 65534"), std::string::npos) << foreign.err;
    }
}

TEST_F(Hardening, ClientRefusesADaemonAnsweringAsAnotherUser)
{
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root to listen as another user";
    FakeDaemon fake(directory.file("control.sock"), "{\"output\": \"all done\\n\", \"exit\": 0}\n", 65534);
    // `status` asks whatever listens on the socket (crawls ask only a daemon holding the archive's lock).
    auto status = feedkeeper({ "status" }, 20s);
    EXPECT_EQ(status.exit_code, 1) << status.out << status.err;
    expect_one_error_line(status, "answered by uid 65534");
    EXPECT_EQ(status.out.find("all done"), std::string::npos);
}

TEST_F(Hardening, ClientStripsControlCharactersFromRelayedText)
{
    FakeDaemon fake(directory.file("control.sock"),
        "{\"error\": \"bad\\u001b]0;pwned\\u0007 thing\", \"where\": \"x\\u001b[2J\"}\n{\"output\": \"\\u001b[31mred\\u001b[0m\\n\", \"exit\": 0}\n");
    auto status = feedkeeper({ "status" }, 20s);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_EQ(status.out, "[31mred[0m\n");
    EXPECT_EQ(status.err.find('\x1b'), std::string::npos) << status.err;
    EXPECT_EQ(status.err.find('\x07'), std::string::npos) << status.err;
    EXPECT_NE(status.err.find("bad]0;pwned thing (x[2J)"), std::string::npos) << status.err;
}

TEST_F(Hardening, ClientGivesUpOnASilentDaemon)
{
    FakeDaemon fake(directory.file("control.sock"), "");
    const auto started = std::chrono::steady_clock::now();
    auto status = feedkeeper({ "status" }, 40s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(status.exit_code, 1) << status.err;
    expect_one_error_line(status, "sent nothing for 10s");
    EXPECT_LT(took, 20s);
}

class HardeningDaemon : public Hardening {
protected:
    void start(const std::string& limit_files = "")
    {
        std::vector<std::string> command = argv({ "daemon" });
        if (!limit_files.empty()) {
            std::vector<std::string> limited { "/usr/bin/prlimit", "--nofile=" + limit_files, "--" };
            limited.insert(limited.end(), command.begin(), command.end());
            command = limited;
        }
        daemon = std::make_unique<ChildProcess>(command);
        for (int i = 0; i < 1000 && daemon->read_stderr().find("daemon.started") == std::string::npos; ++i)
            std::this_thread::sleep_for(10ms);
        ASSERT_NE(daemon->read_stderr().find("daemon.started"), std::string::npos) << daemon->read_stderr();
    }

    void TearDown() override
    {
        if (daemon && daemon->running()) {
            daemon->signal(SIGTERM);
            EXPECT_EQ(daemon->wait(10s), 0) << daemon->read_stderr();
        }
    }

    int connect_idle()
    {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", directory.file("control.sock").c_str());
        if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            close(fd);
            return -1;
        }
        return fd;
    }

    // One raw request line; the reply lines up to the one with "exit".
    std::vector<nlohmann::json> request(const nlohmann::json& body)
    {
        const int fd = connect_idle();
        std::vector<nlohmann::json> replies;
        if (fd < 0)
            return replies;
        const std::string line = body.dump() + "\n";
        (void)!write(fd, line.data(), line.size());
        std::string buffer;
        char chunk[4096];
        for (ssize_t n; (n = read(fd, chunk, sizeof chunk)) > 0;)
            buffer.append(chunk, static_cast<std::size_t>(n));
        close(fd);
        std::istringstream in(buffer);
        for (std::string reply; std::getline(in, reply);)
            replies.push_back(nlohmann::json::parse(reply));
        return replies;
    }

    std::unique_ptr<ChildProcess> daemon;
};

TEST_F(HardeningDaemon, AcceptLoopSurvivesRunningOutOfFileDescriptors)
{
#if defined(__SANITIZE_ADDRESS__)
    // UBSan's vptr check probes memory through a pipe(); with the descriptor table full it cannot,
    // and reports a valid Boost error category as invalid. The plain build runs this test.
    GTEST_SKIP() << "the sanitizer runtime needs file descriptors of its own";
#endif
    start("40");
    std::vector<int> idle;
    for (int i = 0; i < 60; ++i)
        if (const int fd = connect_idle(); fd >= 0)
            idle.push_back(fd);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (daemon->read_stderr().find("control.accept_failed") == std::string::npos && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    EXPECT_NE(daemon->read_stderr().find("control.accept_failed"), std::string::npos) << "the daemon ran out of descriptors and said so";
    for (int fd : idle)
        close(fd);
    auto status = feedkeeper({ "status" }, 30s);
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("daemon: running"), std::string::npos) << status.out << daemon->read_stderr();
}

TEST_F(HardeningDaemon, ConcurrentControlConnectionsAreCapped)
{
    start();
    std::vector<int> idle;
    for (int i = 0; i < 64; ++i)
        if (const int fd = connect_idle(); fd >= 0)
            idle.push_back(fd);
    ASSERT_EQ(idle.size(), 64u);
    std::this_thread::sleep_for(300ms);
    const auto started = std::chrono::steady_clock::now();
    auto busy = feedkeeper({ "status" }, 20s);
    EXPECT_EQ(busy.exit_code, 1) << busy.out << busy.err;
    expect_one_error_line(busy, "too many control connections");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "told at once, not left hanging";
    for (int fd : idle)
        close(fd);
    std::this_thread::sleep_for(300ms);
    auto status = feedkeeper({ "status" }, 20s);
    EXPECT_EQ(status.exit_code, 0) << status.err;
}

TEST_F(HardeningDaemon, SighupWithADirectoryAsConfigKeepsTheOldOne)
{
    start();
    std::filesystem::remove(directory.file("feedkeeper.toml"));
    std::filesystem::create_directory(directory.file("feedkeeper.toml"));
    daemon->signal(SIGHUP);
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (daemon->read_stderr().find("config.reload_failed") == std::string::npos && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(20ms);
    EXPECT_NE(daemon->read_stderr().find("config.reload_failed"), std::string::npos) << daemon->read_stderr();
    EXPECT_NE(daemon->read_stderr().find("regular file"), std::string::npos) << daemon->read_stderr();
    EXPECT_TRUE(daemon->running());
    std::filesystem::remove(directory.file("feedkeeper.toml"));
    write_text_file(directory.file("feedkeeper.toml"), "[daemon]\ncontrol_timeout = \"10s\"\n");
}

TEST_F(HardeningDaemon, RecrawlOfANonHttpUrlOverTheSocketIsRefused)
{
    start();
    std::error_code ec;
    auto replies = request({ { "command", "recrawl" }, { "arguments", { { "urls", { "file:///etc/passwd" } } } },
        { "db", std::filesystem::absolute(directory.file("archive.db"), ec).string() } });
    ASSERT_FALSE(replies.empty());
    EXPECT_EQ(replies.back().value("exit", -1), 2) << replies.back().dump();
    EXPECT_NE(replies.back().value("error", std::string()).find("not an http(s) URL"), std::string::npos) << replies.back().dump();
}

TEST_F(HardeningDaemon, ConcurrentRecrawlRepliesAreCreditedToTheirOwnRequest)
{
    HttpTestServer server;
    server.route("/good", TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } },
                              .body = "<html><head><title>Good</title></head><body><article><p>" + std::string(600, 'x') + " words here.</p></article></body></html>",
                              .delay = 1500ms });
    server.route("/bad", TestResponse { .status = 404, .body = "no", .delay = 500ms });
    start();
    ProcessResult good, bad;
    std::thread first([&] { good = feedkeeper({ "recrawl", "--url", server.base_url() + "/good" }, 60s); });
    std::thread second([&] { bad = feedkeeper({ "recrawl", "--url", server.base_url() + "/bad" }, 60s); });
    first.join();
    second.join();
    EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
    EXPECT_NE(bad.err.find("/bad"), std::string::npos) << bad.err;
    EXPECT_EQ(bad.err.find("/good"), std::string::npos) << bad.err;
    EXPECT_NE(bad.out.find("1 failed"), std::string::npos) << bad.out;
    EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
    EXPECT_EQ(good.err.find("/bad"), std::string::npos) << good.err;
    EXPECT_NE(good.out.find("0 failed"), std::string::npos) << good.out;
}

TEST_F(HardeningDaemon, LongRecrawlOutlastsTheClientsPerLineTimeout)
{
    HttpTestServer server;
    server.route("/slow", TestResponse { .headers = { { "Content-Type", "text/html; charset=utf-8" } },
                              .body = "<html><body><article><p>" + std::string(600, 'y') + " words.</p></article></body></html>",
                              .delay = 14s });
    write_text_file(directory.file("feedkeeper.toml"), "[politeness]\nmin_delay = \"0s\"\n[fetch]\ntotal_timeout = \"30s\"\nlow_speed_time = \"30s\"\n[daemon]\ncontrol_timeout = \"10s\"\n");
    start();
    const auto started = std::chrono::steady_clock::now();
    auto recrawl = feedkeeper({ "recrawl", "--url", server.base_url() + "/slow" }, 60s);
    EXPECT_EQ(recrawl.exit_code, 0) << recrawl.out << recrawl.err;
    EXPECT_GE(std::chrono::steady_clock::now() - started, 13s) << "the page took longer than the client's 10 s per-line timeout";
}

} // namespace

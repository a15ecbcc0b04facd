// tests/core/process_test.cpp — process tokens and liveness, on real processes.
#include "core/process.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

using namespace feedkeeper;

TEST(Process, ThisProcessIsAlive)
{
    EXPECT_EQ(process_liveness(process_token()), ProcessLiveness::alive);
    EXPECT_EQ(token_pid(process_token()), static_cast<long>(getpid()));
}

TEST(Process, AnEndedChildIsDead)
{
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        _exit(0);
    // The child's token as it would have made it: same boot, its pid, a start time it had.
    const std::string own = process_token();
    const std::string boot = own.substr(0, own.find('/'));
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_EQ(process_liveness(boot + "/" + std::to_string(child) + "/1"), ProcessLiveness::dead);
}

TEST(Process, AReusedPidWithAnotherStartTimeIsNotTheSameProcess)
{
    const std::string own = process_token();
    const std::string prefix = own.substr(0, own.rfind('/'));
    EXPECT_EQ(process_liveness(prefix + "/999999999999"), ProcessLiveness::dead);
}

TEST(Process, AnotherBootsOrAMalformedTokenIsUnknown)
{
    EXPECT_EQ(process_liveness("another-boot/1/1"), ProcessLiveness::unknown);
    EXPECT_EQ(process_liveness("garbage"), ProcessLiveness::unknown);
    EXPECT_EQ(token_pid("garbage"), 0);
}

TEST(Process, AProcessOfAnotherPidNamespaceOnThisBootIsUnknown)
{
    // A container on the same kernel shares the boot id; its pids are not ours to look up.
    const std::string own = process_token();
    const std::string machine = own.substr(0, own.find('/'));
    const std::string boot = machine.substr(0, machine.rfind('-'));
    ASSERT_NE(boot, machine) << "the token names the PID namespace: " << own;
    EXPECT_EQ(process_liveness(boot + "-1/" + std::to_string(getpid()) + "/1"), ProcessLiveness::unknown);
    EXPECT_EQ(process_liveness(boot + "/" + std::to_string(getpid()) + "/1"), ProcessLiveness::unknown) << "a token of the older format";
}

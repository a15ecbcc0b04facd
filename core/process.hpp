// core/process.hpp — a process's identity for leases in a shared archive, and whether the process
// behind such an identity still runs. A token is "MACHINE/PID/START-TICKS", MACHINE being the boot
// id and the PID namespace (two containers on one kernel are two machines): the start time keeps
// a reused pid from passing for the process that held a lease before a kill -9. A process of
// another machine (another node of a PostgreSQL archive), or any when this machine cannot be told
// (no /proc/sys), is never judged dead: its leases' expiry frees its work.
// Threading: reads /proc; safe anywhere.
#pragma once

#include <string>
#include <string_view>

namespace feedkeeper {

// This process's token; the same for its whole life.
const std::string& process_token();

enum class ProcessLiveness {
    alive,
    dead,    // a process of this machine and boot that has ended (its leases are void)
    unknown, // another machine's or another boot's: only its lease's expiry tells
};
ProcessLiveness process_liveness(std::string_view token);

// This machine's name (gethostname), for people reading which node holds what; "unknown" when
// there is none.
std::string host_name();

// The pid inside a token (0 when it is not one), for messages.
long token_pid(std::string_view token);

} // namespace feedkeeper

#pragma once
// Core dumps off for the whole process: the manager holds runner tokens, cloud keys and
// the fleet's private SSH key in memory, and a core file (or a debugger of the same user
// attaching) would hand them out. Called first thing in main():
//   - prctl(PR_SET_DUMPABLE, 0): no core file, and no ptrace or /proc/<pid>/mem access by
//     other processes of the same user. The kernel resets it at execve, so job processes
//     the shell executor starts are not affected.
//   - RLIMIT_CORE soft limit 0 (inherited by children, which may raise it up to the hard
//     limit).
// The debug switch SPOTRUNNER_ALLOW_CORE_DUMPS=1 (or true/yes) leaves both as they are.
#include <string>

namespace util {

inline constexpr char kAllowCoreDumpsEnv[] = "SPOTRUNNER_ALLOW_CORE_DUMPS";

// Applies the rules above unless the switch is set. Returns "" on success, else why it
// could not (the caller logs it; the process goes on).
std::string DisableCoreDumpsUnlessAllowed();

// "dumpable=<0|1> core_soft=<n|unlimited> core_hard=<n|unlimited>": this process's
// state, for `spotrunner helper process-status` and its tests.
std::string CoreDumpStatus();

}  // namespace util

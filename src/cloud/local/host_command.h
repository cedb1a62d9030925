#pragma once
// Runs a host program (ip, kill, sshd) for the local provider: argv, no shell, output
// captured, bounded in time; kills host processes by what /proc says of them. Internal to
// cloud/local.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cloud::local {

struct CommandResult {
  int exit_code = -1;  // -1: killed (timeout) or by a signal
  std::string output;  // stdout and stderr
};

// Runs argv[0] (looked up in PATH) and waits at most `timeout` (then kills it).
// Fails only when it cannot be started; a non-zero exit is in the result.
util::Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

// RunCommand, with a non-zero exit turned into kInternal "<argv>: <output>".
util::Result<std::string> RunChecked(const std::vector<std::string>& argv);

// SIGKILLs every live process whose /proc/<pid> directory `matches`, and again until none
// is left (about a second at most). A process that died but is not reaped yet is gone.
void KillProcessesWhere(const std::function<bool(const std::filesystem::path& proc_dir)>& matches);

// The contents of a (/proc) file; "" when it cannot be read.
std::string ReadSmallFile(const std::filesystem::path& path);

}  // namespace cloud::local

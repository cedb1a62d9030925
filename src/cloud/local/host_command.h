#pragma once
// Runs a host program (ip, kill, sshd) for the local provider: argv, no shell, output
// captured, bounded in time. Internal to cloud/local.
#include <chrono>
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

}  // namespace cloud::local

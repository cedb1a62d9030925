#pragma once
// RunProcess: runs a program (looked up in PATH) with extra environment variables,
// feeds it `input` on stdin and collects stdout and stderr. Used for git.
#include <string>
#include <vector>

#include "util/status.h"

namespace coordinator {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// On success the process ran to completion (whatever its exit code).
// On failure: IOError when it could not be started or its pipes failed.
util::Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                       const std::vector<std::string>& extra_env = {},
                                       const std::string& input = "");

}  // namespace coordinator

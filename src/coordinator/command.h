#pragma once
// RunCoordinatorCommand: `spotrunner coordinator` — serves an embedded coordinator in
// the foreground until SIGINT/SIGTERM.
#include <cstdio>
#include <string>
#include <vector>

#include "coordinator/options.h"
#include "coordinator/server.h"

namespace coordinator {

struct CoordinatorCommandOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port (printed)
  CoordinatorOptions coordinator = DefaultCommandOptions();
  ServerOptions server;
  // Job spec files (JSON, one spec or an array of specs) queued at start.
  std::vector<std::string> job_spec_files;
  std::FILE* out = stdout;  // where the address and tokens are printed
  std::FILE* err = stderr;

  // Coordinator options for interactive use: Workhorse's 50 s long poll and the 3 s
  // trace interval GitLab uses while someone watches a job.
  static CoordinatorOptions DefaultCommandOptions();
};

// Prints "coordinator listening on <url>" and the registration token (one is created
// when none is configured), then blocks until SIGINT or SIGTERM.
// Returns 0 after a clean stop, 1 when it cannot listen or a job file is invalid.
// Call it before starting other threads: it blocks SIGINT/SIGTERM in the calling thread
// (and thus in the threads it starts) to wait for them with sigwait.
int RunCoordinatorCommand(const CoordinatorCommandOptions& options);

}  // namespace coordinator

#pragma once
// RunEc2EmulatorCommand: `spotrunner ec2-emulator` — serves the EC2 / Auto Scaling
// emulator in the foreground until SIGINT/SIGTERM, then removes every instance it still
// backs, so nothing is left behind.
#include <cstdio>
#include <string>
#include <vector>

#include "cloud/local/local_provider.h"
#include "ec2emulator/options.h"
#include "ec2emulator/server.h"
#include "ec2emulator/stack.h"

namespace ec2emulator {

// The stack's options (stack.h: listen address, backend, faults, ...) and where to print.
struct Ec2EmulatorCommandOptions : StackOptions {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

// Prints "ec2 emulator listening on http://<host>:<port>" (never the secret key), then
// blocks until SIGINT or SIGTERM. Returns 0 after a clean stop, 1 when the options are
// invalid or it cannot listen. Call it before starting other threads: it blocks
// SIGINT/SIGTERM in the calling thread to wait for them with sigwait.
int RunEc2EmulatorCommand(const Ec2EmulatorCommandOptions& options);

}  // namespace ec2emulator

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

namespace ec2emulator {

struct Ec2EmulatorCommandOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port (printed)
  EmulatorOptions emulator;
  ServerOptions server;  // credentials required
  // Faults armed at start, in the flag form "kind=capacity,instance_type=c5.large,count=2".
  std::vector<std::string> faults;
  std::chrono::milliseconds tick{100};  // how often time-driven transitions are applied
  // "memory": instances are books only. "local": each instance is a `local` provider
  // instance (network namespace + sshd, fleet `local.fleet`) with its metadata served at
  // 169.254.169.254 inside it, opened only by the SSH keys of its cloud-config user data.
  // Default "memory". (stack.h does the work; this runs it in the foreground.)
  std::string backend = "memory";
  cloud::local::LocalOptions local;
  std::FILE* out = stdout;
  std::FILE* err = stderr;
};

// Prints "ec2 emulator listening on http://<host>:<port>" (never the secret key), then
// blocks until SIGINT or SIGTERM. Returns 0 after a clean stop, 1 when the options are
// invalid or it cannot listen. Call it before starting other threads: it blocks
// SIGINT/SIGTERM in the calling thread to wait for them with sigwait.
int RunEc2EmulatorCommand(const Ec2EmulatorCommandOptions& options);

}  // namespace ec2emulator

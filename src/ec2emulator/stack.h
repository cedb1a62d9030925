#pragma once
// EmulatorStack: the emulator with everything that makes it run — its backend (books only,
// or `local` provider instances opened by the SSH keys of their user data, with their
// metadata at 169.254.169.254), the Runtime that launches and removes them, and the HTTP
// server — started and stopped together. What `spotrunner ec2-emulator` serves and what
// end-to-end tests embed in their own process.
// Thread: Start/Stop from one thread; emulator() is thread-safe (Emulator is).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cloud/local/local_provider.h"
#include "ec2emulator/backend.h"
#include "ec2emulator/emulator.h"
#include "ec2emulator/options.h"
#include "ec2emulator/runtime.h"
#include "ec2emulator/server.h"
#include "util/clock.h"
#include "util/status.h"

namespace ec2emulator {

struct StackOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = any free port
  EmulatorOptions emulator;
  ServerOptions server;  // credentials required
  // Faults armed at start, in the flag form "kind=capacity,instance_type=c5.large,count=2".
  std::vector<std::string> faults;
  std::chrono::milliseconds tick{100};  // how often time-driven transitions are applied
  // "memory" (default): instances are books only. "local": each instance is a `local`
  // provider instance of fleet `local.fleet` (per-instance keys: it opens only to the
  // ssh_authorized_keys of its cloud-config user data).
  std::string backend = "memory";
  cloud::local::LocalOptions local;
};

class EmulatorStack {
 public:
  // Builds the stack and starts serving. kInvalidArgument for bad options or faults
  // (naming them); the local provider's or the listener's error otherwise. `clock` must
  // outlive the stack.
  static util::Result<std::unique_ptr<EmulatorStack>> Start(const StackOptions& options, util::Clock& clock);
  ~EmulatorStack();  // Stop()
  EmulatorStack(const EmulatorStack&) = delete;
  EmulatorStack& operator=(const EmulatorStack&) = delete;

  int port() const { return port_; }
  Emulator& emulator() { return *emulator_; }

  // Stops serving and removes every backing instance still alive. Idempotent; returns
  // how many were removed by this call.
  size_t Stop();

 private:
  EmulatorStack() = default;
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<cloud::local::LocalProvider> provider_;
  std::unique_ptr<InstanceBackend> backend_;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  bool stopped_ = false;
};

}  // namespace ec2emulator

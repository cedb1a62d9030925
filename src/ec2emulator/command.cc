#include "ec2emulator/command.h"

#include <signal.h>

#include "ec2emulator/stack.h"

namespace ec2emulator {

int RunEc2EmulatorCommand(const Ec2EmulatorCommandOptions& options) {

  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);  // before the stack's threads start
  signal(SIGPIPE, SIG_IGN);

  auto stack = EmulatorStack::Start(options, util::SystemClock::Get());
  if (!stack.ok()) {
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    std::fprintf(options.err, "spotrunner ec2-emulator: %s\n", stack.status().message().c_str());
    return 1;
  }
  std::fprintf(options.out, "ec2 emulator listening on http://%s:%d (region %s, access key id %s)\n",
               options.host.c_str(), (*stack)->port(), options.emulator.region.c_str(),
               options.server.credentials.access_key_id.c_str());
  std::fflush(options.out);
  int sig = 0;
  sigwait(&stop_signals, &sig);
  size_t removed = (*stack)->Stop();
  std::fprintf(options.out, "ec2 emulator stopping (signal %d), removed %zu instances\n", sig, removed);
  (*stack).reset();
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return 0;
}

}  // namespace ec2emulator

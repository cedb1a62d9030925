#include "ec2emulator/command.h"

#include <signal.h>

#include <memory>

#include "ec2emulator/provider_backend.h"
#include "ec2emulator/runtime.h"

namespace ec2emulator {

int RunEc2EmulatorCommand(const Ec2EmulatorCommandOptions& options) {
  auto fail = [&](const std::string& m) {
    std::fprintf(options.err, "spotrunner ec2-emulator: %s\n", m.c_str());
    return 1;
  };
  if (options.server.credentials.access_key_id.empty() || options.server.credentials.secret_access_key.empty()) {
    return fail(
        "an access key id and a secret access key are required (--access-key-id/--secret-access-key or "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
  }
  if (options.emulator.time_factor <= 0) return fail("--time-factor must be positive");
  Emulator emulator(util::SystemClock::Get(), options.emulator);
  for (const auto& spec : options.faults) {
    auto j = Faults::ParseFlag(spec);
    if (!j.ok()) return fail(j.status().message());
    util::Status s = emulator.AddFault(*j);
    if (!s.ok()) return fail("fault '" + spec + "': " + s.message());
  }

  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  signal(SIGPIPE, SIG_IGN);

  int rc = 0;
  {
    std::unique_ptr<cloud::local::LocalProvider> provider;
    std::unique_ptr<InstanceBackend> backend;
    if (options.backend == "local") {
      auto p = cloud::local::LocalProvider::Create(options.local);
      if (!p.ok()) {
        pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
        return fail(p.status().message());
      }
      provider = std::move(*p);
      ProviderBackendOptions po;
      po.imds_emulator = &emulator;
      po.netns_of = [](const std::string& id) { return id; };  // local instance ids are namespace names
      backend = std::make_unique<ProviderBackend>(*provider, po);
    } else if (options.backend == "memory") {
      backend = std::make_unique<MemoryBackend>();
    } else {
      pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
      return fail("--backend must be memory or local, not '" + options.backend + "'");
    }
    Runtime runtime(emulator, *backend);
    Server server(emulator, util::SystemClock::Get(), options.server);
    auto port = server.Start(options.host, options.port);
    if (!port.ok()) {
      rc = fail(port.status().message());
    } else {
      runtime.Start(options.tick);
      std::fprintf(options.out, "ec2 emulator listening on http://%s:%d (region %s, access key id %s)\n",
                   options.host.c_str(), *port, options.emulator.region.c_str(),
                   options.server.credentials.access_key_id.c_str());
      std::fflush(options.out);
      int sig = 0;
      sigwait(&stop_signals, &sig);
      server.Stop();
      size_t removed = runtime.Shutdown();
      std::fprintf(options.out, "ec2 emulator stopping (signal %d), removed %zu instances\n", sig, removed);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return rc;
}

}  // namespace ec2emulator

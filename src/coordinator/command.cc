#include "coordinator/command.h"

#include <signal.h>

#include <fstream>
#include <sstream>

#include "coordinator/coordinator.h"

namespace coordinator {
namespace {

util::Status EnqueueFile(Coordinator& c, const std::string& path, std::FILE* out) {
  std::ifstream in(path);
  if (!in) return util::Status::NotFound(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return util::Status::InvalidArgument(path + ": not JSON");
  nlohmann::json list = j.is_array() ? j : nlohmann::json::array({j});
  for (const auto& s : list) {
    auto spec = ParseJobSpec(s);
    if (!spec.ok()) return spec.status().WithContext(path);
    auto id = c.EnqueueJob(*spec);
    if (!id.ok()) return id.status().WithContext(path);
    std::fprintf(out, "queued job %lld (%s)\n", static_cast<long long>(*id), spec->name.c_str());
  }
  return util::Status::Ok();
}

}  // namespace

CoordinatorOptions CoordinatorCommandOptions::DefaultCommandOptions() {
  CoordinatorOptions o;
  o.long_poll_duration = std::chrono::seconds(50);
  o.trace_update_interval_seconds = 3;
  return o;
}

int RunCoordinatorCommand(const CoordinatorCommandOptions& options) {
  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  signal(SIGPIPE, SIG_IGN);  // a runner that hangs up must not kill the coordinator

  int rc = 0;
  {
    Coordinator coord(options.coordinator);
    Server server(coord, options.server);
    auto port = server.Start(options.host, options.port);
    if (!port.ok()) {
      std::fprintf(options.err, "spotrunner coordinator: %s\n", port.status().message().c_str());
      rc = 1;
    } else {
      std::string reg = options.coordinator.registration_token;
      if (reg.empty()) reg = coord.CreateRegistrationToken();
      std::fprintf(options.out, "coordinator listening on %s\n", coord.base_url().c_str());
      std::fprintf(options.out, "registration token: %s\n", reg.c_str());
      for (const auto& f : options.job_spec_files) {
        util::Status s = EnqueueFile(coord, f, options.out);
        if (!s.ok()) {
          std::fprintf(options.err, "spotrunner coordinator: %s\n", s.message().c_str());
          rc = 1;
          break;
        }
      }
      std::fflush(options.out);
      if (rc == 0) {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        std::fprintf(options.out, "coordinator stopping (signal %d)\n", sig);
      }
      server.Stop();
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return rc;
}

}  // namespace coordinator

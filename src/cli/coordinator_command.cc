#include "cli/coordinator_command.h"

#include <memory>

#include "coordinator/command.h"

namespace cli {

namespace {

struct CoordinatorFlags {
  std::string listen = "127.0.0.1:0";
  coordinator::CoordinatorCommandOptions opts;
  int long_poll_s = 50;
};

}  // namespace

void AddCoordinatorCommand(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<CoordinatorFlags>();
  CLI::App* c = app.add_subcommand("coordinator",
                                   "Serve an embedded GitLab-compatible coordinator (runner API + admin API)");
  c->add_option("--listen", f->listen, "host:port to listen on (port 0 = any free port)")->capture_default_str();
  c->add_option("--registration-token", f->opts.coordinator.registration_token,
                "Registration token accepted by POST /api/v4/runners (default: one is created and printed)");
  c->add_option("--admin-token", f->opts.coordinator.admin_token, "Token required on /admin/* (default: open)");
  c->add_option("--base-url", f->opts.coordinator.base_url, "URL advertised to jobs (default: http://<listen>)");
  c->add_option("--long-poll", f->long_poll_s, "Job request long polling in seconds (GitLab: 50; 0 = off)")
      ->capture_default_str();
  c->add_option("--trace-update-interval", f->opts.coordinator.trace_update_interval_seconds,
                "X-GitLab-Trace-Update-Interval in seconds")
      ->capture_default_str();
  c->add_option("--job", f->opts.job_spec_files, "Job spec file (JSON) to queue at start; repeatable");
  c->callback([f, &exit_code] {
    auto colon = f->listen.rfind(':');
    f->opts.host = colon == std::string::npos ? f->listen : f->listen.substr(0, colon);
    f->opts.port = colon == std::string::npos ? 0 : std::atoi(f->listen.c_str() + colon + 1);
    f->opts.coordinator.long_poll_duration = std::chrono::seconds(f->long_poll_s);
    exit_code = coordinator::RunCoordinatorCommand(f->opts);
  });
}

}  // namespace cli

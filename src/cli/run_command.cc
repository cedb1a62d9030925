#include "cli/run_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "cli/common.h"
#include "config/parse.h"
#include "config/system_id.h"
#include "executor/docker/docker_host.h"
#include "executor/docker/leftovers.h"
#include "gitlab/token.h"
#include "manager/manager.h"
#include "util/log.h"

namespace cli {

namespace {

struct RunOptions {
  std::string config = DefaultConfigPath();
  std::string working_directory;
  std::string user;
};

// Containers of this host's docker runners that a crashed or killed earlier process left
// behind are removed before any job starts (they carry the runner's short token and the
// manager's system_id).
void RemoveDockerLeftovers(const config::Config& cfg, const std::string& system_id) {
  for (const config::RunnerConfig& r : cfg.runners) {
    if (r.executor != "docker") continue;
    auto dialer = executor::docker::DialerForHost(executor::docker::EffectiveDockerHost(r.docker.host));
    if (!dialer.ok()) continue;  // the job itself reports an unusable host
    executor::docker::EngineClient engine(**dialer);
    int removed = 0;
    util::Status s = executor::docker::RemoveLeftovers(engine, gitlab::ShortToken(r.token), system_id, &removed);
    if (!s.ok()) {
      spdlog::warn("Could not remove leftover containers: {}{}", s.message(),
                   util::LogFields({{"runner", gitlab::ShortToken(r.token)}}));
    } else if (removed > 0) {
      spdlog::info("Removed leftover containers/volumes of an earlier run{}",
                   util::LogFields({{"removed", removed}, {"runner", gitlab::ShortToken(r.token)}}));
    }
  }
}

// config.toml's log_level/log_format after a SIGHUP, as gitlab-runner re-reads them on reload
// (the command line still wins). A file that does not load keeps the current settings.
void ApplyLogSettings(const std::string& path) {
  auto loaded = config::LoadConfigFile(path);
  if (!loaded.ok()) return;  // Reload has said why
  util::Status s = util::ConfigureLoggingFromConfig(loaded->config.log_level, loaded->config.log_format);
  if (!s.ok()) spdlog::error("{}; keeping the current log settings", s.message());
}

int RunManager(const RunOptions& o) {
  // Signals are taken by sigwait below, so every thread started from here blocks them.
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto loaded = config::LoadConfigFile(o.config);
  if (!loaded.ok()) return Fail(loaded.status());
  // config.toml's log_level/log_format, where --log-level/--debug/--log-format did not decide.
  util::Status ls = util::ConfigureLoggingFromConfig(loaded->config.log_level, loaded->config.log_format);
  if (!ls.ok()) return Fail(ls);

  std::string wd = o.working_directory;
  if (wd.empty()) wd = std::filesystem::current_path().string();
  // This manager's own leftovers only: another manager of this config.toml may share the
  // Engine (the system_id tells them apart, as it does for GitLab).
  auto system_id = config::LoadOrCreateSystemId(o.config);
  if (!system_id.ok()) return Fail(system_id.status());
  RemoveDockerLeftovers(loaded->config, *system_id);
  manager::ManagerOptions mo;
  mo.config_path = o.config;
  mo.working_dir = wd;
  mo.job_user = o.user;
  auto m = std::make_unique<manager::Manager>(mo);
  util::Status s = m->Start();
  if (!s.ok()) return Fail(s);

  // SIGUSR1 is blocked before the waiter starts: a thread that left it open would take
  // the waiter's own signal (default action: the process dies of SIGUSR1, exit code lost).
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread waiter([&] {
    m->Wait();
    kill(getpid(), SIGUSR1);  // wakes the signal loop once every job has ended
  });
  int shutdown_timeout = loaded->config.shutdown_timeout > 0 ? loaded->config.shutdown_timeout : 30;
  int signals = 0;  // SIGTERM/SIGINT received
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGUSR1) break;
    if (sig == SIGHUP) {
      util::Status r = m->Reload();
      if (!r.ok()) spdlog::error("reload failed, keeping the previous configuration: {}", r.message());
      ApplyLogSettings(o.config);
    } else if (sig == SIGQUIT) {
      spdlog::info("SIGQUIT received: stopping gracefully (running jobs finish)");
      m->StopGraceful();
    } else if (sig == SIGTERM || sig == SIGINT) {
      ++signals;
      if (signals == 3) {
        spdlog::warn("third signal: exiting now; instances may be left (the next start removes them)");
        _exit(kExitFailure);
      }
      if (signals == 2) {
        spdlog::warn("second signal: not waiting for aborted jobs; removing the fleets (a third signal exits at once)");
        m->AbandonJobs();
        continue;
      }
      spdlog::warn("{} received: aborting running jobs", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      m->StopForceful();
      // The manager bounds the aborted jobs by shutdown_timeout (as gitlab-runner does)
      // and then removes the fleets within their own budget; this is only the backstop
      // for a shutdown stuck elsewhere, and it leaves that budget whole.
      auto backstop = std::chrono::seconds(shutdown_timeout) + mo.fleet_removal_timeout + std::chrono::seconds(90);
      std::thread([backstop] {
        std::this_thread::sleep_for(backstop);
        spdlog::error("shutdown did not finish within {} s, exiting",
                      std::chrono::duration_cast<std::chrono::seconds>(backstop).count());
        spdlog::default_logger()->flush();
        _exit(kExitFailure);
      }).detach();
    }
  }
  waiter.join();
  bool removed = m->fleets_removed();
  if (int left = m->threads_left(); left > 0) {
    // Job requests in a long poll (or jobs past their grace) would hold the exit for
    // minutes; the fleets are removed, so nothing is left behind by exiting now.
    spdlog::info("spotrunner stopped{}",
                 util::LogFields({{"pid", static_cast<int64_t>(getpid())}, {"abandoned", left}}));
    spdlog::default_logger()->flush();
    _exit(removed ? kExitOk : kExitFailure);
  }
  m.reset();
  spdlog::info("spotrunner stopped{}", util::LogFields({{"pid", static_cast<int64_t>(getpid())}}));
  return removed ? kExitOk : kExitFailure;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* c = app.add_subcommand("run", "Run the runners of config.toml: take jobs from GitLab and run them");
  c->add_option("-c,--config", o->config, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->add_option("-d,--working-directory", o->working_directory, "Working directory (the shell executor's builds live here)");
  c->add_option("-u,--user", o->user, "The user shell jobs run as (needs root; wins over config.toml's user)");
  c->add_option("--service,-s", "Ignored: accepted for gitlab-runner compatibility");
  c->callback([o, &exit_code] { exit_code = RunManager(*o); });
}

}  // namespace cli

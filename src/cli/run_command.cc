#include "cli/run_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "cli/common.h"
#include "config/parse.h"
#include "manager/manager.h"
#include "util/log.h"

namespace cli {

namespace {

struct RunOptions {
  std::string config = DefaultConfigPath();
  std::string working_directory;
  std::string log_level;
};

int RunManager(const RunOptions& o) {
  // Signals are taken by sigwait below, so every thread started from here blocks them.
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto loaded = config::LoadConfigFile(o.config);
  if (!loaded.ok()) return Fail(loaded.status());
  util::Status ls = util::InitLogging(o.log_level.empty() ? loaded->config.log_level : o.log_level,
                                      loaded->config.log_format);
  if (!ls.ok()) return Fail(ls);

  std::string wd = o.working_directory;
  if (wd.empty()) wd = std::filesystem::current_path().string();
  manager::ManagerOptions mo;
  mo.config_path = o.config;
  mo.working_dir = wd;
  auto m = std::make_unique<manager::Manager>(mo);
  util::Status s = m->Start();
  if (!s.ok()) return Fail(s);

  std::thread waiter([&] {
    m->Wait();
    kill(getpid(), SIGUSR1);  // wakes the signal loop once every job has ended
  });
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int shutdown_timeout = loaded->config.shutdown_timeout > 0 ? loaded->config.shutdown_timeout : 30;
  bool forceful = false;
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGUSR1) break;
    if (sig == SIGHUP) {
      util::Status r = m->Reload();
      if (!r.ok()) spdlog::error("reload failed, keeping the previous configuration: {}", r.message());
    } else if (sig == SIGQUIT) {
      spdlog::info("SIGQUIT received: stopping gracefully (running jobs finish)");
      m->StopGraceful();
    } else if (sig == SIGTERM || sig == SIGINT) {
      if (forceful) {
        spdlog::warn("second signal: exiting now");
        _exit(kExitFailure);
      }
      forceful = true;
      spdlog::warn("{} received: aborting running jobs", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      m->StopForceful();
      // Bound the forceful shutdown, as shutdown_timeout does for gitlab-runner.
      std::thread([shutdown_timeout] {
        std::this_thread::sleep_for(std::chrono::seconds(shutdown_timeout));
        spdlog::error("shutdown_timeout ({} s) reached, exiting", shutdown_timeout);
        _exit(kExitFailure);
      }).detach();
    }
  }
  waiter.join();
  m.reset();
  spdlog::info("spotrunner stopped");
  return kExitOk;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* c = app.add_subcommand("run", "Run the runners of config.toml: take jobs from GitLab and run them");
  c->add_option("-c,--config", o->config, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->add_option("-d,--working-directory", o->working_directory, "Working directory (the shell executor's builds live here)");
  c->add_option("--log-level", o->log_level, "debug, info, warn, error (overrides config.toml)")->envname("LOG_LEVEL");
  c->add_option("-u,--user", "Ignored: spotrunner runs jobs as the user it runs as");
  c->add_option("--service,-s", "Ignored: accepted for gitlab-runner compatibility");
  c->callback([o, &exit_code] { exit_code = RunManager(*o); });
}

}  // namespace cli

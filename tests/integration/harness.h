#pragma once
// An embedded coordinator, a runner registered with it through `register`, and a manager
// running that config: the whole path of a job in one process, against real executors.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "cli/register_command.h"
#include "config/parse.h"
#include "coordinator/coordinator.h"
#include "coordinator/server.h"
#include "executor/docker/docker_host.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/labels.h"
#include "gitlab/token.h"
#include "manager/manager.h"
#include "util/testing/test_util.h"

namespace itest {

class RunnerHarness {
 public:
  // `tune` adjusts the coordinator's options (e.g. Workhorse long polling) before it starts.
  explicit RunnerHarness(const std::string& executor, const std::string& docker_image = "",
                         const std::function<void(coordinator::CoordinatorOptions&)>& tune = {}) {
    coordinator::CoordinatorOptions co;
    co.registration_token = "reg-token-for-tests";
    co.trace_update_interval_seconds = 1;
    if (tune) tune(co);
    coord_ = std::make_unique<coordinator::Coordinator>(co);
    server_ = std::make_unique<coordinator::Server>(*coord_);
    auto port = server_->Start("127.0.0.1", 0);
    EXPECT_TRUE(port.ok()) << port.status().ToString();
    url_ = "http://127.0.0.1:" + std::to_string(port.ok() ? *port : 0);
    config_path_ = (dir_.path() / "config.toml").string();

    cli::RegisterOptions ro;
    ro.config = config_path_;
    ro.non_interactive = true;
    ro.url = url_;
    ro.registration_token = co.registration_token;
    ro.name = "itest-runner";
    ro.executor = executor;
    ro.docker_image = docker_image;
    ro.docker_pull_policy = "if-not-present";
    std::istringstream in;
    std::ostringstream out;
    register_exit_ = cli::RunRegister(ro, in, out);
    register_output_ = out.str();
  }

  ~RunnerHarness() {
    if (manager_) {
      manager_->StopForceful();
      manager_->Wait();
    }
    server_->Stop();
    RemoveProjectVolumes();
  }

  // The projects' volumes the docker executor keeps across jobs (cache_volume.h) stay on
  // this host's Engine by design; a test removes its runner's own when it ends.
  void RemoveProjectVolumes() {
    auto loaded = config::LoadConfigFile(config_path_);
    if (!loaded.ok()) return;
    auto dialer = executor::docker::DialerForHost(executor::docker::EffectiveDockerHost(""));
    if (!dialer.ok()) return;
    executor::docker::EngineClient engine(**dialer);
    for (const config::RunnerConfig& r : loaded->config.runners) {
      auto volumes = engine.ListVolumes({std::string(executor::docker::labels::kShortToken) + "=" +
                                             gitlab::ShortToken(r.token),
                                         std::string(executor::docker::labels::kRole) + "=cache"});
      if (!volumes.ok()) continue;
      for (const auto& v : *volumes) (void)engine.RemoveVolume(v.name);
    }
  }

  // Appends raw TOML to the [[runners]] entry written by register (e.g. docker settings).
  // Puts `line` (e.g. `network_mode = "host"`) first in the registered [runners.docker]
  // table; false when config.toml has none.
  bool AddDockerSetting(const std::string& line) {
    std::string text = testutil::ReadFile(config_path_);
    const std::string table = "[runners.docker]";
    size_t at = text.find(table);
    if (at == std::string::npos) return false;
    text.insert(at + table.size(), "\n    " + line);
    FILE* f = std::fopen(config_path_.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return true;
  }

  void AppendConfig(const std::string& toml) {
    std::string text = testutil::ReadFile(config_path_);
    FILE* f = std::fopen(config_path_.c_str(), "w");
    std::fputs((text + "\n" + toml + "\n").c_str(), f);
    std::fclose(f);
  }

  // `listen_address`: serve metrics there ("127.0.0.1:0" picks a port; "" = config's).
  // `launcher`: null = the real one with its default seams.
  void StartManager(const std::string& listen_address = "", std::shared_ptr<manager::JobLauncher> launcher = nullptr) {
    manager::ManagerOptions mo;
    mo.launcher = std::move(launcher);
    mo.config_path = config_path_;
    mo.working_dir = dir_.path().string();
    mo.listen_address = listen_address;
    manager_ = std::make_unique<manager::Manager>(mo);
    util::Status s = manager_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  int64_t Enqueue(coordinator::JobSpec spec) {
    auto id = coord_->EnqueueJob(std::move(spec));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  coordinator::JobRecord Wait(int64_t id, int seconds = 60) {
    auto r = coord_->WaitForJob(id, std::chrono::seconds(seconds));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : coordinator::JobRecord{};
  }

  // A spec that needs no repository.
  static coordinator::JobSpec Spec(std::vector<std::string> script) {
    coordinator::JobSpec s;
    s.script = std::move(script);
    s.variables.push_back({"GIT_STRATEGY", "none", true, false, false, false});
    return s;
  }

  coordinator::Coordinator& coord() { return *coord_; }
  manager::Manager& manager() { return *manager_; }
  const std::string& url() const { return url_; }
  const std::string& config_path() const { return config_path_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  int register_exit() const { return register_exit_; }
  const std::string& register_output() const { return register_output_; }

 private:
  testutil::TempDir dir_;
  std::unique_ptr<coordinator::Coordinator> coord_;
  std::unique_ptr<coordinator::Server> server_;
  std::unique_ptr<manager::Manager> manager_;
  std::string url_;
  std::string config_path_;
  int register_exit_ = -1;
  std::string register_output_;
};

}  // namespace itest

// Config reloads of a `spotrunner run` process with an autoscaled entry on the `local`
// provider (each instance a network namespace "sr-<fleet>-<n>" with its own sshd): an
// entry removed from config.toml loses its instances after its running job finished,
// while the process keeps running; a raised idle_count adds an idle instance to the live
// fleet. Executor "instance". Needs root, iproute2 and sshd.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;

class RunFleetReloadTest : public ::testing::Test {
 protected:
  // The registered entry becomes executor "instance" on a local fleet named after this
  // process (runs in parallel do not meet), with `idle_count` idle instances.
  void SetUp() override {
    fleet_ = "rl" + std::to_string(getpid() % 100000) + std::to_string(++seq_);
    h_ = std::make_unique<RunnerHarness>("shell");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    auto pos = text.find("executor = \"shell\"");
    ASSERT_NE(pos, std::string::npos) << text;
    text.replace(pos, 18, "executor = \"instance\"");
    Write(text);
    h_->AppendConfig("  [runners.autoscaler]\n"
                     "    plugin = \"local\"\n"
                     "    capacity_per_instance = 1\n"
                     "    max_instances = 3\n"
                     "    [runners.autoscaler.plugin_config]\n"
                     "      name = \"" + fleet_ + "\"\n"
                     "      state_dir = \"" + (h_->dir() / "local-state").string() + "\"\n"
                     "    [[runners.autoscaler.policy]]\n"
                     "      idle_count = 1\n"
                     "      idle_time = \"20m\"\n");
    p_ = std::make_unique<RunnerProcess>(h_->config_path(), h_->dir().string(), (h_->dir() / "run.log").string());
  }

  void TearDown() override {
    if (p_) {
      p_->Signal(SIGQUIT);  // stops taking jobs; the fleets remove their instances
      EXPECT_TRUE(p_->WaitExit(60s).has_value()) << Log();
      p_.reset();
    }
    EXPECT_EQ(Namespaces(fleet_), 0) << Sh("ip netns list");
    // Safety net for a failed test: nothing of this fleet may outlive it.
    for (const std::string& ns : FleetNamespaceNames(fleet_)) {
      Sh("for p in $(ip netns pids " + ns + " 2>/dev/null); do kill -9 $p; done; ip netns delete " + ns + " 2>/dev/null");
    }
    h_.reset();
  }

  // Replaced in one step (rename), as an editor saves: the manager also re-reads
  // config.toml when its mtime changes and must never see it half-written.
  void Write(const std::string& text) {
    const std::string tmp = h_->config_path() + ".new";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << text;
    }
    std::filesystem::permissions(tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::filesystem::rename(tmp, h_->config_path());
  }
  std::string Log() { return testutil::ReadFile((h_->dir() / "run.log").string()); }
  bool Running() { return !p_->WaitExit(0ms).has_value(); }

  std::unique_ptr<RunnerHarness> h_;
  std::unique_ptr<RunnerProcess> p_;
  std::string fleet_;
  static inline int seq_ = 0;
};

TEST_F(RunFleetReloadTest, RemovedEntryLetsItsJobFinishThenRemovesItsInstances) {
  ASSERT_TRUE(WaitUntil([&] { return Namespaces(fleet_) == 1; }, 30s)) << Log();
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo job-started", "sleep 20", "echo job-finished"}));
  ASSERT_TRUE(WaitUntil([&] {
    auto j = h_->coord().GetJob(id);
    return j.ok() && j->trace.find("job-started") != std::string::npos;
  }, 30s)) << Log();

  // config.toml without the [[runners]] entry.
  std::string text = testutil::ReadFile(h_->config_path());
  auto pos = text.find("[[runners]]");
  ASSERT_NE(pos, std::string::npos);
  Write(text.substr(0, pos));
  p_->Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil([&] {
    return Log().find("waiting for 1 running job(s) to finish before its fleet is removed") != std::string::npos;
  }, 30s)) << Log();

  auto job = h_->Wait(id, 60);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << Log();
  EXPECT_NE(job.trace.find("job-finished"), std::string::npos) << job.trace;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(fleet_) == 0; }, 30s)) << Sh("ip netns list") << Log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  EXPECT_TRUE(Running()) << Log();
  std::string log = Log();
  EXPECT_NE(log.find("removed from config.toml; its fleet takes no new jobs"), std::string::npos) << log;
  // In that order: the job ran to its end before the fleet went.
  size_t waited = log.find("waiting for 1 running job(s) to finish before its fleet is removed");
  EXPECT_NE(waited, std::string::npos) << log;
  EXPECT_GT(log.find("fleet removed"), waited) << log;
  // The fleet took no job after the reload: a new one stays pending.
  int64_t next = h_->Enqueue(RunnerHarness::Spec({"echo should-not-run"}));
  std::this_thread::sleep_for(2s);
  auto r = h_->coord().GetJob(next);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, JobState::kPending);
  EXPECT_EQ(Namespaces(fleet_), 0);
}

TEST_F(RunFleetReloadTest, RaisedIdleCountAddsASecondIdleInstance) {
  ASSERT_TRUE(WaitUntil([&] { return Namespaces(fleet_) == 1; }, 30s)) << Log();
  std::string first = FleetNamespaceNames(fleet_).at(0);
  std::string text = testutil::ReadFile(h_->config_path());
  auto pos = text.find("idle_count = 1");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 14, "idle_count = 2");
  Write(text);
  p_->Signal(SIGHUP);
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(fleet_) == 2; }, 30s)) << Sh("ip netns list") << Log();
  // The first instance stayed (not recreated), and the fleet keeps two, not more.
  EXPECT_NE(Sh("ip netns list").find(first), std::string::npos);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(Namespaces(fleet_), 2);
  EXPECT_TRUE(Running());
  EXPECT_NE(Log().find("settings updated: idle_count 1 -> 2"), std::string::npos) << Log();
}

}  // namespace
}  // namespace itest

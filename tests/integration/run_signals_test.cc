// Signals of a real `spotrunner run` process (gitlab-runner's semantics): SIGQUIT stops
// taking jobs and lets running ones finish; SIGTERM aborts running jobs as
// runner_system_failure; SIGHUP reloads config.toml. Shell executor.
#include <dirent.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;

// Waits until the job left kPending (taken by a runner), up to `timeout`.
bool WaitTaken(RunnerHarness& h, int64_t id, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = h.coord().GetJob(id);
    if (r.ok() && r->state != JobState::kPending) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// Waits until the trace contains `text`.
bool WaitTrace(RunnerHarness& h, int64_t id, const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = h.coord().GetJob(id);
    if (r.ok() && r->trace.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// Processes of this machine whose command line contains `marker`.
int ProcessesWith(const std::string& marker) {
  int count = 0;
  DIR* d = opendir("/proc");
  if (d == nullptr) return -1;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (char& c : cmd) {
      if (c == '\0') c = ' ';
    }
    if (cmd.find(marker) != std::string::npos) ++count;
  }
  closedir(d);
  return count;
}

class RunSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<RunnerHarness>("shell");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
  }
  std::unique_ptr<RunnerProcess> Start() {
    return std::make_unique<RunnerProcess>(h_->config_path(), h_->dir().string(),
                                           (h_->dir() / "run.log").string());
  }
  std::string Log() { return testutil::ReadFile((h_->dir() / "run.log").string()); }

  std::unique_ptr<RunnerHarness> h_;
};

TEST_F(RunSignalsTest, SigquitLetsTheRunningJobFinishAndTakesNoMore) {
  auto p = Start();
  int64_t first = h_->Enqueue(RunnerHarness::Spec({"echo started", "sleep 3", "echo finished-normally"}));
  ASSERT_TRUE(WaitTrace(*h_, first, "started", 30s)) << Log();
  p->Signal(SIGQUIT);
  std::this_thread::sleep_for(500ms);
  int64_t second = h_->Enqueue(RunnerHarness::Spec({"echo should-not-run"}));
  auto job = h_->Wait(first, 30);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("finished-normally"), std::string::npos) << job.trace;
  auto code = p->WaitExit(15s);
  ASSERT_TRUE(code.has_value()) << "still running after SIGQUIT and the job's end\n" << Log();
  EXPECT_EQ(*code, 0) << Log();
  auto r = h_->coord().GetJob(second);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, JobState::kPending);
}

TEST_F(RunSignalsTest, SigtermAbortsTheRunningJobAsSystemFailure) {
  auto p = Start();
  const std::string marker = "4242.1717";  // a sleep duration unique to this test
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo started", "sleep " + marker}));
  ASSERT_TRUE(WaitTrace(*h_, id, "started", 30s)) << Log();
  ASSERT_TRUE(WaitTaken(*h_, id, 5s));
  // The trace can show the command's echo before bash has started it.
  ASSERT_TRUE(WaitUntil([&] { return ProcessesWith("sleep " + marker) >= 1; }, 10s)) << Log();
  auto t0 = std::chrono::steady_clock::now();
  p->Signal(SIGTERM);
  auto job = h_->Wait(id, 30);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  auto code = p->WaitExit(20s);
  ASSERT_TRUE(code.has_value()) << Log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
  EXPECT_EQ(ProcessesWith("sleep " + marker), 0) << "the job's process survived the runner";
}

TEST_F(RunSignalsTest, SighupReloadsTheConfig) {
  h_->AppendConfig("  environment = [\"GREETING=before-reload\"]");
  auto p = Start();
  int64_t first = h_->Enqueue(RunnerHarness::Spec({"echo greeting=$GREETING"}));
  auto job = h_->Wait(first, 30);
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("greeting=before-reload"), std::string::npos) << job.trace;

  std::string text = testutil::ReadFile(h_->config_path());
  auto pos = text.find("before-reload");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 13, "after-reload!");
  {
    // Replaced in one step: the manager's mtime watch must never read it half-written.
    std::ofstream f(h_->config_path() + ".new", std::ios::trunc);
    f << text;
  }
  std::filesystem::permissions(h_->config_path() + ".new",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(h_->config_path() + ".new", h_->config_path());
  p->Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return Log().find("Configuration reloaded") != std::string::npos; }, 15s)) << Log();
  int64_t second = h_->Enqueue(RunnerHarness::Spec({"echo greeting=$GREETING"}));
  job = h_->Wait(second, 30);
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("greeting=after-reload!"), std::string::npos) << job.trace << Log();
  p->Signal(SIGQUIT);
  EXPECT_TRUE(p->WaitExit(15s).has_value()) << Log();
}

}  // namespace
}  // namespace itest

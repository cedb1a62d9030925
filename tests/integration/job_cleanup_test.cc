// File variables and the job's temp files (RUNNER_TEMP_PROJECT_DIR) are removed at every
// end of a job, not only after a normal one: a forced cancel, a timeout and a SIGTERM
// abort of the runner too (job/job_cleanup.h). Shell executor, real processes.
#include <signal.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char kSecret[] = "file-variable-secret-5150";

// A job whose file variable's path it prints, then ticks until stopped.
coordinator::JobSpec TickingJobWithFileVariable() {
  auto spec = RunnerHarness::Spec({"echo path=$SECRET_FILE", "echo scratch > \"$RUNNER_TEMP_PROJECT_DIR/scratch\"",
                                   "while true; do echo tick; sleep 0.2; done"});
  spec.variables.push_back({"SECRET_FILE", kSecret, false, false, true, false});
  return spec;
}

// The file variable's path, once the trace shows it and a tick.
std::string WaitForPath(RunnerHarness& h, int64_t id) {
  std::regex re("path=(/\\S+)");  // not the echoed command line
  for (int i = 0; i < 300; ++i) {
    auto j = h.coord().GetJob(id);
    std::smatch m;
    if (j.ok() && j->trace.find("tick") != std::string::npos && std::regex_search(j->trace, m, re)) return m[1];
    std::this_thread::sleep_for(100ms);
  }
  return "";
}

// True once `p` is gone (the runner removes it before its final update; bounded wait).
bool GoneWithin(const fs::path& p, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!fs::exists(p)) return true;
    std::this_thread::sleep_for(50ms);
  }
  return !fs::exists(p);
}

TEST(JobCleanupTest, ForcedCancelRemovesFileVariablesAndTempFiles) {
  RunnerHarness h("shell");
  h.StartManager();
  int64_t id = h.Enqueue(TickingJobWithFileVariable());
  std::string path = WaitForPath(h, id);
  ASSERT_FALSE(path.empty());
  ASSERT_EQ(testutil::ReadFile(path), kSecret);  // the file variable is really on disk
  fs::path tmp = fs::path(path).parent_path();
  ASSERT_TRUE(fs::exists(tmp / "scratch"));
  ASSERT_TRUE(h.coord().CancelJob(id, true).ok());
  h.Wait(id, 30);
  EXPECT_TRUE(GoneWithin(path, 10s)) << "the file variable outlived a forced cancel: " << path;
  EXPECT_TRUE(GoneWithin(tmp, 1s)) << "the job's temp dir outlived a forced cancel: " << tmp;
}

TEST(JobCleanupTest, TimeoutRemovesFileVariablesAndTempFiles) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = TickingJobWithFileVariable();
  spec.timeout_seconds = 20;  // long enough to see the file before the timeout, on a busy machine too
  int64_t id = h.Enqueue(spec);
  std::string path = WaitForPath(h, id);
  ASSERT_FALSE(path.empty());
  ASSERT_EQ(testutil::ReadFile(path), kSecret);
  auto job = h.Wait(id, 60);
  EXPECT_EQ(job.failure_reason, "job_execution_timeout") << job.trace;
  EXPECT_TRUE(GoneWithin(path, 10s)) << path;
  EXPECT_TRUE(GoneWithin(fs::path(path).parent_path(), 1s)) << path;
}

TEST(JobCleanupTest, SigtermAbortRemovesFileVariablesAndTempFiles) {
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  RunnerProcess p(h.config_path(), h.dir().string(), (h.dir() / "run.log").string());
  int64_t id = h.Enqueue(TickingJobWithFileVariable());
  std::string path = WaitForPath(h, id);
  ASSERT_FALSE(path.empty()) << testutil::ReadFile((h.dir() / "run.log").string());
  ASSERT_EQ(testutil::ReadFile(path), kSecret);  // the file variable is really on disk
  p.Signal(SIGTERM);
  auto job = h.Wait(id, 30);
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  ASSERT_TRUE(p.WaitExit(20s).has_value());
  EXPECT_FALSE(fs::exists(path)) << "the file variable outlived the runner: " << path;
  EXPECT_FALSE(fs::exists(fs::path(path).parent_path())) << path;
}

}  // namespace
}  // namespace itest

// `register` then `run` against the embedded coordinator, shell executor, real processes.
#include <signal.h>
#include <sys/stat.h>

#include <thread>

#include "config/parse.h"
#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;

TEST(RunShellTest, RegisterWritesPrivateConfig) {
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  EXPECT_NE(h.register_output().find("Runner registered successfully"), std::string::npos);
  struct stat st;
  ASSERT_EQ(stat(h.config_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = config::LoadConfigFile(h.config_path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->config.runners.size(), 1u);
  EXPECT_EQ(loaded->config.runners[0].executor, "shell");
  EXPECT_EQ(loaded->config.runners[0].url, h.url());
  EXPECT_FALSE(loaded->config.runners[0].token.empty());
  EXPECT_EQ(h.coord().ListRunners().size(), 1u);
}

TEST(RunShellTest, SuccessfulJobWithMaskedVariable) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo hello from $CI_JOB_NAME", "echo secret=$MY_SECRET", "echo dir=$CI_PROJECT_DIR"});
  spec.name = "greet";
  spec.variables.push_back({"MY_SECRET", "s3cr3t-value-1234", false, true, false, false});
  int64_t id = h.Enqueue(spec);
  auto job = h.Wait(id);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("hello from greet"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("secret=[MASKED]"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("s3cr3t-value-1234"), std::string::npos);
  EXPECT_NE(job.trace.find("Job succeeded"), std::string::npos);
  EXPECT_NE(job.trace.find("section_start:"), std::string::npos);
  ASSERT_TRUE(job.checksum_ok.has_value());
  EXPECT_TRUE(*job.checksum_ok);
  EXPECT_TRUE(job.bytesize_ok.value_or(false));
  EXPECT_TRUE(job.validation_errors.empty()) << job.validation_errors.front();
}

// `run --user`: the job runs as that user and cannot read config.toml (its token) or the
// manager's environment; the manager runs as root, as gitlab-runner's service does.
TEST(RunShellTest, RunUserKeepsConfigAndEnvironmentFromTheJob) {
  ASSERT_EQ(geteuid(), 0u) << "switching users needs root";
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  auto loaded = config::LoadConfigFile(h.config_path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const std::string runner_token = loaded->config.runners.at(0).token;
  testutil::TempDir work;  // the user's working directory: reachable by it
  std::filesystem::permissions(work.path(), std::filesystem::perms(0755));
  setenv("SR_MANAGER_ONLY", "manager-environment-value", 1);
  RunnerProcess p(h.config_path(), work.path().string(), (h.dir() / "run.log").string(), {"--user", "nobody"});
  unsetenv("SR_MANAGER_ONLY");
  auto spec = RunnerHarness::Spec({"echo \"as=$(id -un)\"", "cat '" + h.config_path() + "' || echo config-unreadable",
                                   "env | grep -c SR_MANAGER_ONLY || true", "touch \"$CI_PROJECT_DIR/built\""});
  int64_t id = h.Enqueue(spec);
  auto job = h.Wait(id);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << testutil::ReadFile((h.dir() / "run.log").string());
  EXPECT_NE(job.trace.find("as=nobody"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("config-unreadable"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find(runner_token), std::string::npos) << "the job read the runner token";
  EXPECT_EQ(job.trace.find("manager-environment-value"), std::string::npos);
  EXPECT_NE(job.trace.find("\n0\n"), std::string::npos) << job.trace;
  p.Signal(SIGQUIT);
  EXPECT_EQ(p.WaitExit(std::chrono::seconds(30)), std::optional<int>(0));
}

TEST(RunShellTest, FailingScriptReportsExitCode) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo one", "exit 3", "echo never-printed"});
  spec.after_script = {"echo after status=$CI_JOB_STATUS"};
  int64_t id = h.Enqueue(spec);
  auto job = h.Wait(id);
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.failure_reason, "script_failure");
  ASSERT_TRUE(job.exit_code.has_value());
  EXPECT_EQ(*job.exit_code, 3);
  EXPECT_EQ(job.trace.find("never-printed\n"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("after status=failed"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("ERROR: Job failed: exit code 3"), std::string::npos) << job.trace;
}

TEST(RunShellTest, TimeoutFailsAsJobExecutionTimeout) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo start", "sleep 60"});
  spec.timeout_seconds = 2;
  auto t0 = std::chrono::steady_clock::now();
  int64_t id = h.Enqueue(spec);
  auto job = h.Wait(id);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  EXPECT_EQ(job.state, JobState::kFailed);
  EXPECT_EQ(job.failure_reason, "job_execution_timeout");
  EXPECT_NE(job.trace.find("execution took longer than"), std::string::npos) << job.trace;
}

TEST(RunShellTest, GracefulCancelRunsAfterScript) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"while true; do echo tick; sleep 0.5; done"});
  spec.after_script = {"echo after status=$CI_JOB_STATUS"};
  int64_t id = h.Enqueue(spec);
  // The script's own output ("\ntick"), not the echo of its command line: the script runs.
  ASSERT_TRUE(WaitUntil([&] {
    auto j = h.coord().GetJob(id);
    return j.ok() && j->trace.find("\ntick") != std::string::npos;
  }, std::chrono::seconds(60)));
  ASSERT_TRUE(h.coord().CancelJob(id, false).ok());
  auto job = h.Wait(id, 30);
  EXPECT_EQ(job.state, JobState::kCanceled) << job.trace;
  EXPECT_NE(job.trace.find("after status=canceled"), std::string::npos) << job.trace;
}

TEST(RunShellTest, ManyJobsRespectConcurrent) {
  RunnerHarness h("shell");
  // Three jobs at once at most (config concurrent), and every job completes.
  std::string text = testutil::ReadFile(h.config_path());
  auto pos = text.find("concurrent = 1");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 14, "concurrent = 3");
  FILE* f = std::fopen(h.config_path().c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  h.StartManager();
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(h.Enqueue(RunnerHarness::Spec({"echo job $CI_CONCURRENT_ID", "sleep 0.3"})));
  for (int64_t id : ids) EXPECT_EQ(h.Wait(id).state, JobState::kSuccess);
  for (int64_t id : ids) {
    auto j = h.coord().GetJob(id);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(j->trace.find("job 3"), std::string::npos) << "CI_CONCURRENT_ID beyond concurrent";
  }
}

}  // namespace
}  // namespace itest

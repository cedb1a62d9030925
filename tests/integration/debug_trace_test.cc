// CI_DEBUG_TRACE and feature flags set by a job, end to end (shell executor, embedded
// coordinator): tracing shows the commands while masked values stay masked and the trace is
// sent with debug_trace=true; debug_trace_disabled refuses it with gitlab-runner's warning;
// a feature flag spotrunner does not honour is named in the trace; FF_TIMESTAMPS prefixes
// every line.
#include <cstdio>
#include <regex>
#include <sstream>

#include "tests/integration/harness.h"

namespace itest {
namespace {

using coordinator::JobState;

void AddRunnerKey(RunnerHarness& h, const std::string& line) {
  std::string text = testutil::ReadFile(h.config_path());
  size_t pos = text.find("executor = ");
  ASSERT_NE(pos, std::string::npos) << text;
  text.insert(pos, line + "\n  ");
  FILE* f = std::fopen(h.config_path().c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

TEST(DebugTraceTest, TracesCommandsAndKeepsSecretsMasked) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"test -n \"$MY_SECRET\" && echo secret-is-set"});
  spec.variables.push_back({"CI_DEBUG_TRACE", "true", true, false, false, false});
  spec.variables.push_back({"MY_SECRET", "s3cr3t-value-1234", false, true, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("+ echo secret-is-set"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("[MASKED]"), std::string::npos) << job.trace;  // the traced export
  EXPECT_EQ(job.trace.find("s3cr3t-value-1234"), std::string::npos) << job.trace;
  EXPECT_TRUE(job.debug_trace);
}

TEST(DebugTraceTest, RefusedWhenDisabledOnTheRunner) {
  RunnerHarness h("shell");
  AddRunnerKey(h, "debug_trace_disabled = true");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo plain"});
  spec.variables.push_back({"CI_DEBUG_TRACE", "true", true, false, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("WARNING: CI_DEBUG_TRACE: usage is disabled on this Runner"), std::string::npos)
      << job.trace;
  EXPECT_EQ(job.trace.find("+ echo plain"), std::string::npos) << job.trace;
  EXPECT_FALSE(job.debug_trace);
}

TEST(DebugTraceTest, UnhonouredFeatureFlagOfAJobIsNamed) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo ran"});
  spec.variables.push_back({"FF_MASK_ALL_DEFAULT_TOKENS", "false", true, false, false, false});
  spec.variables.push_back({"FF_NETWORK_PER_BUILD", "true", true, false, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("WARNING: FF_MASK_ALL_DEFAULT_TOKENS = false is not supported by spotrunner (token "
                           "prefixes are always masked); ignored"),
            std::string::npos)
      << job.trace;
  EXPECT_EQ(job.trace.find("FF_NETWORK_PER_BUILD"), std::string::npos) << job.trace;  // honoured: silent
}

// FF_TIMESTAMPS: every line of the log GitLab receives, the runner's and the job's, starts
// with gitlab-runner's prefix, and masking still holds.
TEST(DebugTraceTest, TimestampsPrefixEveryLineOfTheLog) {
  RunnerHarness h("shell");
  h.StartManager();
  auto spec = RunnerHarness::Spec({"echo ran", "echo \"secret=$SECRET\""});
  spec.variables.push_back({"FF_TIMESTAMPS", "true", true, false, false, false});
  spec.variables.push_back({"SECRET", "hunter2hunter2", false, true, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  ASSERT_FALSE(job.trace.empty());
  EXPECT_EQ(job.trace.back(), '\n') << job.trace;
  const std::regex prefix("^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{6}Z 00O[ +]");
  std::istringstream lines(job.trace);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) EXPECT_TRUE(std::regex_search(line, prefix)) << line;
  EXPECT_GT(n, 5);
  EXPECT_TRUE(std::regex_search(job.trace, std::regex("Z 00O ran\n"))) << job.trace;
  EXPECT_NE(job.trace.find("secret=[MASKED]"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("hunter2"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("FF_TIMESTAMPS"), std::string::npos) << job.trace;  // honoured: silent
}

}  // namespace
}  // namespace itest

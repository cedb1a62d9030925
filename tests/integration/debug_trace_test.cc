// CI_DEBUG_TRACE and feature flags set by a job, end to end (shell executor, embedded
// coordinator): tracing shows the commands while masked values stay masked and the trace is
// sent with debug_trace=true; debug_trace_disabled refuses it with gitlab-runner's warning;
// a feature flag spotrunner does not honour is named in the trace.
#include <cstdio>

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
  spec.variables.push_back({"FF_TIMESTAMPS", "true", true, false, false, false});
  spec.variables.push_back({"FF_NETWORK_PER_BUILD", "true", true, false, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("WARNING: FF_TIMESTAMPS = true is not supported by spotrunner (no timestamps in the job "
                           "log); ignored"),
            std::string::npos)
      << job.trace;
  EXPECT_EQ(job.trace.find("FF_NETWORK_PER_BUILD"), std::string::npos) << job.trace;  // honoured: silent
}

}  // namespace
}  // namespace itest

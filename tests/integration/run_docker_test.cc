// `register` then `run` with the docker executor against a real Docker Engine (started by
// scripts/services.sh with the project's images). Containers use no network.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "tests/integration/harness.h"

namespace itest {
namespace {

using coordinator::JobState;

// Names of the containers of the runner with `short_token`, through the daemon's own socket.
// Only this runner's: other tests' leftovers on the shared Engine are not this test's subject.
std::string ContainersOf(const std::string& short_token) {
  auto dialer = executor::docker::DialerForHost(executor::docker::EffectiveDockerHost(""));
  if (!dialer.ok()) return "(no engine: " + dialer.status().ToString() + ")";
  executor::docker::EngineClient engine(**dialer);
  auto listed = engine.ListContainers({std::string(executor::docker::labels::kShortToken) + "=" + short_token});
  if (!listed.ok()) return "(list failed: " + listed.status().ToString() + ")";
  std::string names;
  for (const auto& c : *listed) names += (c.names.empty() ? c.id : c.names[0]) + " ";
  return names;
}

// The executor removes a job's containers right after the job's final state was sent:
// the names of those still there after `seconds`.
std::string ContainersLeftAfterJob(const std::string& short_token, int seconds = 30) {
  std::string left = ContainersOf(short_token);
  for (int i = 0; !left.empty() && i < seconds * 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = ContainersOf(short_token);
  }
  return left;
}

class RunDockerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_ = std::make_unique<RunnerHarness>("docker", "alpine:latest");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    ASSERT_TRUE(h_->AddDockerSetting("network_mode = \"none\"")) << testutil::ReadFile(h_->config_path());
    auto loaded = config::LoadConfigFile(h_->config_path());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    short_token_ = gitlab::ShortToken(loaded->config.runners.at(0).token);
    h_->StartManager();
  }
  std::unique_ptr<RunnerHarness> h_;
  std::string short_token_;
};

TEST_F(RunDockerTest, JobRunsInTheImageAndLeavesNothing) {
  auto spec = RunnerHarness::Spec({"echo in-container $(cat /etc/os-release | head -1)", "echo pwd=$(pwd)"});
  spec.image = nlohmann::json{{"name", "alpine:latest"}};
  auto job = h_->Wait(h_->Enqueue(spec), 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("in-container NAME="), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("pwd=/builds/"), std::string::npos) << job.trace;
  EXPECT_TRUE(job.checksum_ok.value_or(false));
  EXPECT_EQ(ContainersLeftAfterJob(short_token_), "");
}

TEST_F(RunDockerTest, ExitCodeAndAfterScript) {
  auto spec = RunnerHarness::Spec({"echo failing", "exit 7"});
  spec.after_script = {"echo after=$CI_JOB_STATUS"};
  auto job = h_->Wait(h_->Enqueue(spec), 120);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "script_failure");
  EXPECT_EQ(job.exit_code.value_or(0), 7);
  EXPECT_NE(job.trace.find("after=failed"), std::string::npos) << job.trace;
  EXPECT_EQ(ContainersLeftAfterJob(short_token_), "");
}

// gitlab-runner's docker default, umask 0000 in the helper's stages: a job image running as
// another user than the helper can write the project dir; the job's own files keep its
// umask; FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR turns it off.
TEST_F(RunDockerTest, NonRootJobWritesTheSourcesUnderUmaskZero) {
  auto spec = RunnerHarness::Spec({"ls -ld . && touch by-root && ls -l by-root",
                                   "su -s /bin/sh nobody -c 'touch by-nobody' && echo nobody-wrote"});
  spec.variables.push_back({"GIT_STRATEGY", "empty", true, false, false, false});
  spec.image = nlohmann::json{{"name", "alpine:latest"}};
  auto job = h_->Wait(h_->Enqueue(spec), 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("drwxrwxrwx"), std::string::npos) << job.trace;  // made by get_sources
  EXPECT_NE(job.trace.find("-rw-r--r--"), std::string::npos) << job.trace;  // the job's umask
  EXPECT_NE(job.trace.find("\nnobody-wrote"), std::string::npos) << job.trace;

  spec.variables.push_back({"FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", "true", true, false, false, false});
  auto off = h_->Wait(h_->Enqueue(spec), 120);
  EXPECT_EQ(off.state, JobState::kFailed) << off.trace;
  EXPECT_NE(off.trace.find("drwxr-xr-x"), std::string::npos) << off.trace;
  EXPECT_NE(off.trace.find("Permission denied"), std::string::npos) << off.trace;
  EXPECT_NE(off.trace.find("FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR = true drops umask 0000"), std::string::npos)
      << off.trace;
  EXPECT_EQ(ContainersLeftAfterJob(short_token_), "");
}

TEST_F(RunDockerTest, MissingImageIsASystemFailure) {
  auto spec = RunnerHarness::Spec({"true"});
  spec.image = nlohmann::json{{"name", "spotrunner-no-such-image:never"}};
  auto job = h_->Wait(h_->Enqueue(spec), 120);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  EXPECT_NE(job.trace.find("ERROR: Job failed (system failure)"), std::string::npos) << job.trace;
  EXPECT_EQ(ContainersLeftAfterJob(short_token_), "");
}

}  // namespace
}  // namespace itest

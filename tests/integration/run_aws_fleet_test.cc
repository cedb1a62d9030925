// The AWS provider end to end: `spotrunner run` with a docker+machine entry whose amazonec2
// MachineOptions point at the project's EC2 emulator (in this process, on loopback). Its
// instances are `local` instances (network namespaces with sshd) that open only to the SSH
// key of their cloud-init user data, so a job that runs proves the manager's per-fleet key
// travelled that way. The manager's AWS credentials come from its environment. Needs root,
// iproute2, sshd and Docker Engine (scripts/services.sh) with the local alpine image.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "ec2emulator/stack.h"
#include "gitlab/token.h"
#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;

const char kAccessKey[] = "AKIDE2EAWSFLEET00001";
const char kSecretKey[] = "e2e/aws+fleet/secret/never-in-a-job";

class RunAwsFleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AWS_ACCESS_KEY_ID", kAccessKey, 1);
    setenv("AWS_SECRET_ACCESS_KEY", kSecretKey, 1);
    ec2emulator::StackOptions so;
    so.backend = "local";
    so.local.fleet = "ae" + std::to_string(getpid() % 100000);
    so.local.state_dir = (state_.path() / "emulated").string();
    so.server.credentials = {kAccessKey, kSecretKey};
    so.emulator.time_factor = 0.05;
    // A notice of 15 s (scaled): three of the manager's 5 s notice probes, so a probe that
    // runs late on a busy machine still sees it before the instance goes.
    so.emulator.spot_notice = std::chrono::minutes(5);
    auto stack = ec2emulator::EmulatorStack::Start(so, util::SystemClock::Get());
    ASSERT_TRUE(stack.ok()) << stack.status().ToString();
    emu_ = std::move(*stack);
    ns_prefix_ = "sr-" + so.local.fleet + "-";
  }

  void TearDown() override {
    runner_.reset();  // SIGKILL if still running
    // Containers of jobs whose instance was lost under them (instances share this host's
    // Docker Engine, so the loss of the namespace does not end them as it would on EC2).
    if (!short_token_.empty())
      Sh("docker rm -f $(docker ps -aq --filter label=com.spotrunner.runner.short_token=" + short_token_ +
         ") >/dev/null 2>&1");
    if (emu_) emu_->Stop();
    EXPECT_EQ(Namespaces(), 0) << Sh("ip netns list");
    h_.reset();
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
  }

  // A docker+machine entry on the emulator: spot first over `types`, `limit` machines.
  // `stock`: no amazonec2-ami (the fleet looks up Ubuntu LTS) and engine-* options.
  void Configure(const std::string& types, int limit, int max_builds, bool stock = false) {
    h_ = std::make_unique<RunnerHarness>("shell");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    text = std::regex_replace(text, std::regex("concurrent = \\d+"), "concurrent = " + std::to_string(limit));
    text = std::regex_replace(text, std::regex("executor = \"shell\""), "executor = \"docker+machine\"\n  limit = " +
                                                                        std::to_string(limit));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex("token = \"([^\"]+)\""))) << text;
    short_token_ = gitlab::ShortToken(m[1].str());
    std::FILE* f = std::fopen(h_->config_path().c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(emu_->port());
    h_->AppendConfig("  [runners.docker]\n"
                     "    image = \"alpine:latest\"\n"
                     "    network_mode = \"none\"\n"
                     "    pull_policy = [\"if-not-present\"]\n"
                     "  [runners.machine]\n"
                     "    IdleCount = 0\n"
                     "    IdleTime = 600\n"
                     "    MaxBuilds = " + std::to_string(max_builds) + "\n"
                     "    MachineDriver = \"amazonec2\"\n"
                     "    MachineName = \"ci-%s\"\n"
                     "    MachineOptions = [\"amazonec2-endpoint=" + endpoint + "\", \"amazonec2-region=us-east-1\",\n"
                     "      " + MirrorMachineOptions() + ", " +
                     std::string(stock ? "\"engine-opt=log-driver=json-file\", \"engine-env=NO_PROXY=x\""
                                       : "\"amazonec2-ami=ami-0e2e0000000000001\"") +
                     ", \"amazonec2-instance-type=" + types + "\",\n"
                     "      \"amazonec2-request-spot-instance=true\", \"amazonec2-ssh-user=root\",\n"
                     "      \"amazonec2-use-private-address=true\"]\n");
  }

  void StartRunner(const std::string& log_name) {
    runner_ = std::make_unique<RunnerProcess>(h_->config_path(), h_->dir().string(), (h_->dir() / log_name).string());
  }
  std::string Log() { return testutil::ReadFile(runner_->log_path()); }

  int Namespaces() {
    std::string out = Sh("ip netns list");
    int n = 0;
    for (size_t i = out.find(ns_prefix_); i != std::string::npos; i = out.find(ns_prefix_, i + 1)) ++n;
    return n;
  }
  nlohmann::json Instances() { return emu_->emulator().InstancesJson(); }
  int InState(const std::string& state) {
    int n = 0;
    for (const auto& i : Instances()) n += i["state"] == state;
    return n;
  }
  // Stops the runner with `sig`; then the emulator must have nothing alive and the host no
  // namespace of it.
  void StopAndExpectNothingLeft(int sig) {
    runner_->Signal(sig);
    auto rc = runner_->WaitExit(90s);
    ASSERT_TRUE(rc.has_value()) << Log();
    if (sig == SIGQUIT) {
      EXPECT_EQ(*rc, 0) << Log();
    }
    EXPECT_EQ(InState("pending") + InState("running"), 0) << Instances().dump(1);
    EXPECT_TRUE(WaitUntil([&] { return Namespaces() == 0; }, 20s)) << Sh("ip netns list");
  }
  // The instance the runner's log says job `id` runs on ("" if none yet).
  std::string InstanceOfJob(int64_t id) {
    std::smatch m;
    const std::string log = Log();
    if (!std::regex_search(log, m, std::regex("Job " + std::to_string(id) + " runs on instance (i-[0-9a-f]+)"))) return "";
    return m[1].str();
  }
  bool TraceHas(int64_t id, const std::string& s) {
    auto j = h_->coord().GetJob(id);
    return j.ok() && j->trace.find(s) != std::string::npos;
  }

  testutil::TempDir state_;
  std::unique_ptr<ec2emulator::EmulatorStack> emu_;
  std::unique_ptr<RunnerHarness> h_;
  std::unique_ptr<RunnerProcess> runner_;
  std::string ns_prefix_, short_token_;
};

// (a) A docker job on an emulated spot instance reached with the key of its user data;
// the job sees none of the manager's AWS credentials; SIGTERM leaves nothing behind.
// The configuration names no AMI and has engine-* options, as a docker+machine one for a
// stock image would: the fleet boots Canonical's newest Ubuntu LTS image of the emulator's
// catalogue, and the instance is ready once its Engine answered through the SSH tunnel.
TEST_F(RunAwsFleetTest, DockerJobRunsOnASpotInstanceOpenedByUserData) {
  Configure("c5.large", 1, 0, /*stock=*/true);
  StartRunner("run.log");
  int64_t id = h_->Enqueue(RunnerHarness::Spec(
      {"echo in-container-$(test -f /.dockerenv && echo yes)", "env | grep -c '^AWS_' || true",
       "echo \"secret=${AWS_SECRET_ACCESS_KEY:-none} key=${AWS_ACCESS_KEY_ID:-none}\""}));
  auto job = h_->Wait(id, 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << Log();
  EXPECT_NE(job.trace.find("in-container-yes"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("secret=none key=none"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find(kSecretKey), std::string::npos);
  EXPECT_EQ(job.trace.find(kAccessKey), std::string::npos);
  EXPECT_EQ(Log().find(kSecretKey), std::string::npos);
  auto all = Instances();
  ASSERT_EQ(all.size(), 1u) << all.dump(1);
  EXPECT_EQ(all[0]["spot"], true);
  EXPECT_EQ(all[0]["instance_type"], "c5.large");
  EXPECT_EQ(all[0]["key_name"], "");        // no EC2 key pair: the key came by user data
  EXPECT_EQ(all[0]["user_data_keys"], 1);
  EXPECT_EQ(all[0]["tags"]["spotrunner:fleet"], "spotrunner-itest-runner");
  EXPECT_EQ(all[0]["image_id"], "ami-0a1b2c3d4e5f60004");  // ubuntu-noble-24.04-amd64-server-20241119
  EXPECT_NE(Log().find("no AMI configured; using ami-0a1b2c3d4e5f60004"), std::string::npos) << Log();
  StopAndExpectNothingLeft(SIGTERM);
}

// (b) No spot capacity for the first type: the next type; none for either: on-demand.
TEST_F(RunAwsFleetTest, CapacityErrorFallsBackToTheNextTypeThenOnDemand) {
  Configure("c5.large,m5.large", 1, 1);  // MaxBuilds 1: each job gets a fresh instance
  ASSERT_TRUE(emu_->emulator().AddFault({{"kind", "capacity"}, {"instance_type", "c5.large"}, {"market", "spot"},
                                         {"count", -1}}).ok());
  StartRunner("run.log");
  auto first = h_->Wait(h_->Enqueue(RunnerHarness::Spec({"echo first"})), 120);
  EXPECT_EQ(first.state, JobState::kSuccess) << first.trace << Log();
  ASSERT_TRUE(emu_->emulator().AddFault({{"kind", "capacity"}, {"instance_type", "m5.large"}, {"market", "spot"},
                                         {"count", -1}}).ok());
  auto second = h_->Wait(h_->Enqueue(RunnerHarness::Spec({"echo second"})), 120);
  EXPECT_EQ(second.state, JobState::kSuccess) << second.trace << Log();
  auto all = Instances();
  ASSERT_EQ(all.size(), 2u) << all.dump(1);
  EXPECT_EQ(all[0]["instance_type"], "m5.large");
  EXPECT_EQ(all[0]["spot"], true);
  EXPECT_EQ(all[0]["tags"]["spotrunner:market"], "spot");
  EXPECT_EQ(all[1]["instance_type"], "c5.large");
  EXPECT_EQ(all[1]["spot"], false);
  EXPECT_EQ(all[1]["tags"]["spotrunner:market"], "on-demand");
  EXPECT_NE(Log().find("has no capacity"), std::string::npos);
  StopAndExpectNothingLeft(SIGQUIT);
}

// (c) A spot notice under a running job: the instance takes no more jobs at once, the job
// ends runner_system_failure when the instance goes, and a new instance runs the next job.
TEST_F(RunAwsFleetTest, InterruptionNoticeFailsTheRunningJobAndCapacityIsReplaced) {
  Configure("c5.large", 2, 0);
  StartRunner("run.log");
  int64_t doomed = h_->Enqueue(RunnerHarness::Spec({"echo long-job-started", "sleep 60"}));
  ASSERT_TRUE(WaitUntil([&] { return TraceHas(doomed, "long-job-started"); }, 120s)) << Log();
  const std::string victim = InstanceOfJob(doomed);
  ASSERT_FALSE(victim.empty()) << Log();
  ASSERT_TRUE(emu_->emulator().Interrupt(victim).ok());
  ASSERT_TRUE(WaitUntil([&] { return Log().find("instance " + victim + " has an interruption notice") != std::string::npos; },
                        20s)) << Log();
  int64_t next = h_->Enqueue(RunnerHarness::Spec({"echo after-the-notice"}));
  auto lost = h_->Wait(doomed, 60);
  EXPECT_EQ(lost.state, JobState::kFailed) << lost.trace;
  EXPECT_EQ(lost.failure_reason, "runner_system_failure") << lost.trace << Log();
  auto after = h_->Wait(next, 120);
  EXPECT_EQ(after.state, JobState::kSuccess) << after.trace << Log();
  const std::string replacement = InstanceOfJob(next);
  EXPECT_FALSE(replacement.empty()) << Log();
  EXPECT_NE(replacement, victim);
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& i : Instances())
      if (i["id"] == victim) return i["state"] == "terminated";
    return false;
  }, 20s)) << Instances().dump(1);
  StopAndExpectNothingLeft(SIGTERM);
}

// (d) A manager killed with SIGKILL leaves its instance; the next one finds it by its
// fleet tag and removes it (documented: leftovers are removed, not adopted), then works.
TEST_F(RunAwsFleetTest, RestartedManagerRemovesWhatAKilledOneLeft) {
  Configure("c5.large", 1, 0);
  StartRunner("first.log");
  int64_t first = h_->Enqueue(RunnerHarness::Spec({"echo first-run-started", "sleep 20"}));
  ASSERT_TRUE(WaitUntil([&] { return TraceHas(first, "first-run-started"); }, 120s)) << Log();
  runner_->Signal(SIGKILL);
  ASSERT_TRUE(runner_->WaitExit(10s).has_value());
  ASSERT_EQ(InState("running"), 1) << Instances().dump(1);
  const std::string left = Instances()[0]["id"];
  StartRunner("second.log");
  auto job = h_->Wait(h_->Enqueue(RunnerHarness::Spec({"echo after-restart"})), 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << Log();
  EXPECT_NE(Log().find("removing 1 instance(s) left by an earlier run"), std::string::npos) << Log();
  EXPECT_TRUE(WaitUntil([&] { return Instances()[0]["state"] == "terminated"; }, 20s)) << Instances().dump(1);
  EXPECT_EQ(Instances()[0]["id"], left);
  StopAndExpectNothingLeft(SIGQUIT);
}

}  // namespace
}  // namespace itest

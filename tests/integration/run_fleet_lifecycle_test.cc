// No instance outlives its purpose, whatever happens to the manager: `spotrunner run`
// processes with docker+machine entries on the project's EC2 emulator (instances are
// `local` namespace instances with sshd, opened by their cloud-init user data) and an
// `instance` entry on the local provider.
//  - SIGTERM/SIGQUIT end with zero instances though GitLab holds long polls for 50 s and
//    a job's cleanup never ends (its final update is answered 202 for ever);
//  - two managers of one config.toml (other system_id) keep their own instances, and a
//    restarted one removes only what its killed predecessor left;
//  - a stopped instance is terminated while `run` runs;
//  - SIGKILL, no restart: every instance removes itself within dead_man_switch_timeout.
// Needs root, iproute2, sshd and Docker Engine (scripts/services.sh).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
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

const char kAccessKey[] = "AKIDE2ELIFECYCLE0001";
const char kSecretKey[] = "e2e/lifecycle/secret/never-in-a-job";

std::chrono::milliseconds Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
}

class FleetLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("AWS_ACCESS_KEY_ID", kAccessKey, 1);
    setenv("AWS_SECRET_ACCESS_KEY", kSecretKey, 1);
    ec2emulator::StackOptions so;
    so.backend = "local";
    so.local.fleet = "lc" + std::to_string(getpid() % 100000);
    so.local.state_dir = (state_.path() / "emulated").string();
    so.server.credentials = {kAccessKey, kSecretKey};
    so.emulator.time_factor = 0.05;  // shutting-down lasts 0.5 s
    auto stack = ec2emulator::EmulatorStack::Start(so, util::SystemClock::Get());
    ASSERT_TRUE(stack.ok()) << stack.status().ToString();
    emu_ = std::move(*stack);
    ns_fleet_ = so.local.fleet;
  }

  void TearDown() override {
    runners_.clear();  // SIGKILL if still running
    if (!short_token_.empty())
      Sh("docker rm -f $(docker ps -aq --filter label=com.spotrunner.runner.short_token=" + short_token_ +
         ") >/dev/null 2>&1");
    if (emu_) emu_->Stop();
    EXPECT_EQ(Namespaces(ns_fleet_), 0) << Sh("ip netns list");
    h_.reset();
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
  }

  // A docker+machine entry on the emulator with `idle` idle machines, `limit` jobs, the
  // coordinator tuned by `tune`, and `extra` TOML at the end of the entry.
  void Configure(int idle, int limit, const std::function<void(coordinator::CoordinatorOptions&)>& tune = nullptr,
                 const std::string& extra = "") {
    h_ = std::make_unique<RunnerHarness>("shell", "", tune);
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    text = std::regex_replace(text, std::regex("concurrent = \\d+"), "concurrent = " + std::to_string(limit));
    ASSERT_NE(text.find("shutdown_timeout = "), std::string::npos) << text;
    text = std::regex_replace(text, std::regex("shutdown_timeout = \\d+"), "shutdown_timeout = 5");
    text = std::regex_replace(text, std::regex("executor = \"shell\""),
                              "executor = \"docker+machine\"\n  limit = " + std::to_string(limit));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex("token = \"([^\"]+)\""))) << text;
    short_token_ = gitlab::ShortToken(m[1].str());
    WriteFile(h_->config_path(), text);
    const std::string endpoint = "http://127.0.0.1:" + std::to_string(emu_->port());
    h_->AppendConfig("  [runners.docker]\n"
                     "    image = \"alpine:latest\"\n"
                     "    network_mode = \"none\"\n"
                     "    pull_policy = [\"if-not-present\"]\n"
                     "  [runners.machine]\n"
                     "    IdleCount = " + std::to_string(idle) + "\n"
                     "    IdleTime = 600\n"
                     "    MachineDriver = \"amazonec2\"\n"
                     "    MachineName = \"ci-%s\"\n"
                     "    MachineOptions = [\"amazonec2-endpoint=" + endpoint + "\", \"amazonec2-region=us-east-1\",\n"
                     "      " + MirrorMachineOptions() + ",\n"
                     "      \"amazonec2-ami=ami-0e2e0000000000001\", \"amazonec2-instance-type=c5.large\",\n"
                     "      \"amazonec2-request-spot-instance=true\", \"amazonec2-ssh-user=root\",\n"
                     "      \"amazonec2-use-private-address=true\"]\n" + extra);
    SetSystemId(h_->config_path(), "r_managerAAAAA");
  }

  // The system_id of the manager of `config_path` (GitLab tells managers apart by it).
  static void SetSystemId(const std::string& config_path, const std::string& id) {
    WriteFile(std::filesystem::path(config_path).parent_path() / ".runner_system_id", id + "\n");
  }

  RunnerProcess& Start(const std::string& config_path, const std::string& log) {
    auto dir = std::filesystem::path(config_path).parent_path();
    runners_.push_back(std::make_unique<RunnerProcess>(config_path, dir.string(), (dir / log).string()));
    return *runners_.back();
  }
  static std::string LogOf(const RunnerProcess& p) { return testutil::ReadFile(p.log_path()); }
  // How many times the manager logged an instance as ready.
  static int ReadyLogged(const RunnerProcess& p) {
    const std::string log = LogOf(p);
    int n = 0;
    for (size_t at = log.find("is ready"); at != std::string::npos; at = log.find("is ready", at + 1)) ++n;
    return n;
  }

  nlohmann::json Instances() { return emu_->emulator().InstancesJson(); }
  int InState(const std::string& state) {
    int n = 0;
    for (const auto& i : Instances()) n += i["state"] == state;
    return n;
  }
  int Alive() { return InState("pending") + InState("running") + InState("stopping") + InState("stopped"); }
  // Ids of the instances in `state` carrying manager tag `manager`.
  std::vector<std::string> Of(const std::string& manager, const std::string& state = "running") {
    std::vector<std::string> ids;
    for (const auto& i : Instances())
      if (i["state"] == state && i["tags"].value("spotrunner:manager", "") == manager) ids.push_back(i["id"]);
    return ids;
  }
  bool TraceHas(int64_t id, const std::string& s) {
    auto j = h_->coord().GetJob(id);
    return j.ok() && j->trace.find(s) != std::string::npos;
  }

  testutil::TempDir state_;
  std::unique_ptr<ec2emulator::EmulatorStack> emu_;
  std::unique_ptr<RunnerHarness> h_;
  std::vector<std::unique_ptr<RunnerProcess>> runners_;
  std::string ns_fleet_, short_token_;
};

void LongPollAndEndlessCleanup(coordinator::CoordinatorOptions& o) {
  o.long_poll_duration = 50s;                   // GitLab's Workhorse hold
  o.final_update_accept_after = 1000000;        // every final update: 202, try again later
  o.final_update_retry_interval_seconds = 1;
}

// SIGTERM while a poller sits in a 50 s long poll, one job is running (its cleanup never
// ends: GitLab never takes its final state) and another instance is idle: aborted jobs
// get shutdown_timeout (5 s), the long poll is not waited for, and `run` exits only once
// the provider confirmed every termination.
TEST_F(FleetLifecycleTest, SigtermEndsWithZeroInstancesDespiteLongPollAndEndlessCleanup) {
  Configure(/*idle=*/1, /*limit=*/2, LongPollAndEndlessCleanup);
  RunnerProcess& p = Start(h_->config_path(), "run.log");
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo job-started", "sleep 300"}));
  ASSERT_TRUE(WaitUntil([&] { return TraceHas(id, "job-started"); }, 120s)) << LogOf(p);
  ASSERT_TRUE(WaitUntil([&] { return InState("running") == 2; }, 60s)) << Instances().dump(1) << LogOf(p);
  std::this_thread::sleep_for(3s);  // the next job request is held by the long poll
  const int instances = InState("running");
  auto t0 = std::chrono::steady_clock::now();
  p.Signal(SIGTERM);
  auto rc = p.WaitExit(120s);
  auto took = Since(t0);
  ASSERT_TRUE(rc.has_value()) << LogOf(p);
  std::cout << "[ figure ] SIGTERM to exit with " << instances << " instance(s), a 50 s long poll and a job whose "
            << "cleanup never ends: " << took.count() << " ms\n";
  EXPECT_LT(took, 40s) << LogOf(p);  // not the long poll's 50 s; 5 s for the job, then removal
  EXPECT_GE(took, 4s) << "the aborted job did not get its shutdown_timeout\n" << LogOf(p);
  EXPECT_EQ(Alive(), 0) << Instances().dump(1);
  EXPECT_EQ(InState("terminated"), instances) << Instances().dump(1);
  const std::string log = LogOf(p);
  EXPECT_NE(log.find("did not end within shutdown_timeout"), std::string::npos) << log;
  EXPECT_NE(log.find("the provider lists none"), std::string::npos) << log;
  auto job = h_->coord().GetJob(id);
  ASSERT_TRUE(job.ok());
  EXPECT_NE(job->state, JobState::kSuccess);
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(ns_fleet_) == 0; }, 20s)) << Sh("ip netns list");
}

// SIGQUIT with nothing running but an idle instance and a held long poll: `run` exits at
// once (not after the long poll), with every instance terminated, exit code 0.
TEST_F(FleetLifecycleTest, SigquitDoesNotWaitForTheLongPoll) {
  Configure(/*idle=*/1, /*limit=*/1, LongPollAndEndlessCleanup);
  RunnerProcess& p = Start(h_->config_path(), "run.log");
  ASSERT_TRUE(WaitUntil([&] { return InState("running") == 1; }, 60s)) << LogOf(p);
  ASSERT_TRUE(WaitUntil([&] { return LogOf(p).find("is ready") != std::string::npos; }, 60s)) << LogOf(p);
  std::this_thread::sleep_for(3s);
  auto t0 = std::chrono::steady_clock::now();
  p.Signal(SIGQUIT);
  auto rc = p.WaitExit(120s);
  auto took = Since(t0);
  ASSERT_TRUE(rc.has_value()) << LogOf(p);
  std::cout << "[ figure ] SIGQUIT to exit with 1 idle instance and a 50 s long poll: " << took.count() << " ms\n";
  EXPECT_EQ(*rc, 0) << LogOf(p);
  EXPECT_LT(took, 30s) << LogOf(p);
  EXPECT_EQ(Alive(), 0) << Instances().dump(1);
}

// Two managers run copies of one config.toml (same runner, other system_id) side by side:
// neither removes or adopts the other's instance. Killed and restarted (same system_id),
// the first removes only what it left; the second's instance runs on untouched.
TEST_F(FleetLifecycleTest, TwoManagersOfOneConfigKeepTheirOwnInstances) {
  Configure(/*idle=*/1, /*limit=*/1);
  testutil::TempDir other;
  const std::string second_config = (other.path() / "config.toml").string();
  WriteFile(second_config, testutil::ReadFile(h_->config_path()));
  SetSystemId(second_config, "r_managerBBBBB");
  RunnerProcess& a = Start(h_->config_path(), "a.log");
  ASSERT_TRUE(WaitUntil([&] { return Of("r_managerAAAAA").size() == 1; }, 60s)) << Instances().dump(1) << LogOf(a);
  const std::string first_of_a = Of("r_managerAAAAA")[0];
  RunnerProcess& b = Start(second_config, "b.log");
  ASSERT_TRUE(WaitUntil([&] { return Of("r_managerBBBBB").size() == 1; }, 60s)) << Instances().dump(1) << LogOf(b);
  const std::string of_b = Of("r_managerBBBBB")[0];
  std::this_thread::sleep_for(3s);  // B listed its fleet: nothing of A's was a leftover to it
  EXPECT_EQ(Of("r_managerAAAAA"), std::vector<std::string>{first_of_a}) << Instances().dump(1);
  EXPECT_EQ(LogOf(b).find("left by an earlier run"), std::string::npos) << LogOf(b);
  EXPECT_EQ(InState("running"), 2) << Instances().dump(1);
  for (const auto& i : Instances()) EXPECT_EQ(i["tags"]["spotrunner:fleet"], "spotrunner-itest-runner");

  // A dies; A restarts with the same system_id and removes its own leftover only.
  a.Signal(SIGKILL);
  ASSERT_TRUE(a.WaitExit(10s).has_value());
  RunnerProcess& a2 = Start(h_->config_path(), "a2.log");
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& i : Instances())
      if (i["id"] == first_of_a) return i["state"] == "terminated";
    return false;
  }, 60s)) << Instances().dump(1) << LogOf(a2);
  EXPECT_NE(LogOf(a2).find("removing 1 instance(s) left by an earlier run"), std::string::npos) << LogOf(a2);
  EXPECT_TRUE(WaitUntil([&] { return Of("r_managerAAAAA").size() == 1; }, 60s)) << Instances().dump(1);
  EXPECT_EQ(Of("r_managerBBBBB"), std::vector<std::string>{of_b}) << Instances().dump(1);

  // Both stop; nothing is left.
  a2.Signal(SIGQUIT);
  b.Signal(SIGQUIT);
  EXPECT_TRUE(a2.WaitExit(60s).has_value()) << LogOf(a2);
  EXPECT_TRUE(b.WaitExit(60s).has_value()) << LogOf(b);
  EXPECT_EQ(Alive(), 0) << Instances().dump(1);
}

// A stopped instance is ours and still costs: the running manager terminates it and
// launches a fresh one for its idle capacity.
TEST_F(FleetLifecycleTest, StoppedInstanceIsTerminatedWhileRunning) {
  Configure(/*idle=*/1, /*limit=*/1);
  RunnerProcess& p = Start(h_->config_path(), "run.log");
  ASSERT_TRUE(WaitUntil([&] { return InState("running") == 1; }, 60s)) << LogOf(p);
  const std::string victim = Instances()[0]["id"];
  ASSERT_TRUE(emu_->emulator().Stop(victim).ok());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitUntil([&] { return Instances()[0]["state"] == "terminated"; }, 60s)) << Instances().dump(1)
                                                                                          << LogOf(p);
  std::cout << "[ figure ] stop to terminated: " << Since(t0).count() << " ms\n";
  EXPECT_NE(LogOf(p).find("instance " + victim + " is stopped; removing it"), std::string::npos) << LogOf(p);
  EXPECT_TRUE(WaitUntil([&] { return InState("running") == 1; }, 60s)) << Instances().dump(1);
  p.Signal(SIGQUIT);
  EXPECT_TRUE(p.WaitExit(60s).has_value()) << LogOf(p);
  EXPECT_EQ(Alive(), 0) << Instances().dump(1);
}

// SIGKILL, no restart: the heartbeat stops and every instance (an idle one and one under
// a job) powers itself off within the dead-man switch's timeout; EC2 (here the emulator)
// terminates it because the manager asked for shutdown behaviour `terminate`.
TEST_F(FleetLifecycleTest, InstancesOfAKilledManagerRemoveThemselves) {
  Configure(/*idle=*/1, /*limit=*/2, nullptr, "  [runners.autoscaler]\n    dead_man_switch_timeout = \"10s\"\n");
  RunnerProcess& p = Start(h_->config_path(), "run.log");
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo job-started", "sleep 300"}));
  ASSERT_TRUE(WaitUntil([&] { return TraceHas(id, "job-started"); }, 120s)) << LogOf(p);
  ASSERT_TRUE(WaitUntil([&] { return InState("running") == 2; }, 60s)) << Instances().dump(1) << LogOf(p);
  for (const auto& i : Instances()) {
    EXPECT_EQ(i["dead_man_timeout"], 10) << i.dump();
    EXPECT_EQ(i["shutdown_behavior"], "terminate") << i.dump();
  }
  ASSERT_TRUE(WaitUntil([&] { return ReadyLogged(p) >= 2; }, 60s)) << LogOf(p);
  // Alive manager: heartbeats keep both instances past the timeout.
  std::this_thread::sleep_for(14s);
  ASSERT_EQ(InState("running"), 2) << Instances().dump(1) << LogOf(p);
  p.Signal(SIGKILL);
  ASSERT_TRUE(p.WaitExit(10s).has_value());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitUntil([&] { return Alive() == 0; }, 30s)) << Instances().dump(1);
  std::cout << "[ figure ] SIGKILL to no instance alive (dead_man_switch_timeout 10 s, 2 instances): "
            << Since(t0).count() << " ms\n";
  EXPECT_TRUE(WaitUntil([&] { return InState("terminated") == 2; }, 10s)) << Instances().dump(1);
  for (const auto& i : Instances()) EXPECT_EQ(i["state_reason"], "Client.InstanceInitiatedShutdown") << i.dump();
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(ns_fleet_) == 0; }, 10s)) << Sh("ip netns list");
  // Powered off as a VM: the job's container (under its instance's cgroup) and each
  // instance Engine's data went with it.
  const std::string live_in_fleet_cgroups =
      "for f in /proc/[0-9]*/cgroup; do grep -qs ':/sr-" + ns_fleet_ + "-' $f || continue; p=${f%/cgroup}; "
      "grep -qs ') Z ' $p/stat || cat $p/comm; done";
  EXPECT_TRUE(WaitUntil([&] { return Sh(live_in_fleet_cgroups).empty(); }, 10s)) << Sh(live_in_fleet_cgroups);
  EXPECT_EQ(Sh("ls -d " + (state_.path() / "emulated").string() + "/*.docker 2>/dev/null"), "");
}

// The same on the local provider: its instances start the watcher themselves.
TEST_F(FleetLifecycleTest, LocalInstancesOfAKilledManagerRemoveThemselves) {
  h_ = std::make_unique<RunnerHarness>("shell");
  ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
  std::string text = testutil::ReadFile(h_->config_path());
  text = std::regex_replace(text, std::regex("executor = \"shell\""), "executor = \"instance\"");
  WriteFile(h_->config_path(), text);
  const std::string fleet = "ld" + std::to_string(getpid() % 100000);
  h_->AppendConfig("  [runners.autoscaler]\n"
                   "    plugin = \"local\"\n"
                   "    max_instances = 2\n"
                   "    dead_man_switch_timeout = \"6s\"\n"
                   "    [runners.autoscaler.plugin_config]\n"
                   "      name = \"" + fleet + "\"\n"
                   "      state_dir = \"" + (h_->dir() / "local-state").string() + "\"\n"
                   "    [[runners.autoscaler.policy]]\n"
                   "      idle_count = 2\n"
                   "      idle_time = \"20m\"\n");
  RunnerProcess& p = Start(h_->config_path(), "run.log");
  ASSERT_TRUE(WaitUntil([&] { return Namespaces(fleet) == 2; }, 60s)) << LogOf(p);
  ASSERT_TRUE(WaitUntil([&] { return ReadyLogged(p) >= 2; }, 60s)) << LogOf(p);
  std::this_thread::sleep_for(9s);
  ASSERT_EQ(Namespaces(fleet), 2) << "heartbeats did not keep the instances\n" << LogOf(p);
  p.Signal(SIGKILL);
  ASSERT_TRUE(p.WaitExit(10s).has_value());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(fleet) == 0; }, 30s)) << Sh("ip netns list");
  std::cout << "[ figure ] SIGKILL to no local instance (dead_man_switch_timeout 6 s, 2 instances): "
            << Since(t0).count() << " ms\n";
  for (const auto& ns : FleetNamespaceNames(fleet))  // safety net for a failed test
    Sh("for p in $(ip netns pids " + ns + "); do kill -9 $p; done; ip netns delete " + ns);
}

}  // namespace
}  // namespace itest

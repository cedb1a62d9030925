// Autoscaled runner entries against real instances: the `local` provider makes each
// instance a network namespace with its own sshd, and the manager reaches it only over
// SSH. Executor "instance" runs the job's shell script on the instance; executor
// "docker-autoscaler" runs it in a container through the Docker socket tunnelled over
// SSH (scripts/services.sh starts the daemon). Needs root, iproute2 and sshd.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <thread>

#include "config/parse.h"
#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_host.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/helper_image_source.h"
#include "executor/docker/tar_builder.h"
#include "manager/job_launcher.h"
#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;

// A process that runs (zombies waiting for a reaper do not count).
// The process `pid` as "<pid>@<start time>" while it lives (not a zombie), else "": a pid
// the kernel gave to another process since does not count as the same one.
std::string LiveIdentity(int pid) {
  std::string stat = Sh("cat /proc/" + std::to_string(pid) + "/stat 2>/dev/null");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] == 'Z') return "";
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {  // field 22: start time
  }
  return std::to_string(pid) + "@" + field;
}

// Kills an instance the way a cloud would: every process in it, then the namespace.
void KillInstance(const std::string& ns) {
  Sh("for p in $(ip netns pids " + ns + " 2>/dev/null); do kill -9 $p; done; ip netns delete " + ns + " 2>/dev/null");
}

class RunFleetTest : public ::testing::Test {
 protected:
  // A runner entry of `executor` on a local fleet named after this process (so runs in
  // parallel do not meet).
  void Setup(const std::string& executor, const std::string& extra = "") {
    fleet_ = "it" + std::to_string(getpid() % 100000) + std::to_string(++seq_);
    h_ = std::make_unique<RunnerHarness>("shell");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    auto pos = text.find("executor = \"shell\"");
    ASSERT_NE(pos, std::string::npos) << text;
    text.replace(pos, 18, "executor = \"" + executor + "\"");
    FILE* f = std::fopen(h_->config_path().c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    state_dir_ = (h_->dir() / "local-state").string();
    h_->AppendConfig(extra +
                     "  [runners.autoscaler]\n"
                     "    plugin = \"local\"\n"
                     "    capacity_per_instance = 1\n"
                     "    max_instances = 1\n"
                     "    [runners.autoscaler.plugin_config]\n"
                     "      name = \"" + fleet_ + "\"\n"
                     "      state_dir = \"" + state_dir_ + "\"\n" +
                     // A docker executor's instances run an Engine of their own, as a VM
                     // image with Docker does; the instance executor's have none.
                     (executor.rfind("docker", 0) == 0 ? MirrorEngineTable("runners.autoscaler.plugin_config.docker_engine")
                                                        : "") +
                     "    [[runners.autoscaler.policy]]\n"
                     "      idle_count = 0\n"
                     "      idle_time = \"5m\"\n");
  }

  void TearDown() override {
    h_.reset();  // stops the manager: its fleets remove their instances
    EXPECT_EQ(Namespaces(fleet_), 0) << Sh("ip netns list");
    // Safety net for a failed test: nothing of this fleet may outlive it.
    if (Namespaces(fleet_) > 0) {
      for (const auto& ns : FleetNamespaceNames(fleet_)) KillInstance(ns);
    }
  }

  std::unique_ptr<RunnerHarness> h_;
  std::string fleet_;
  std::string state_dir_;
  static inline int seq_ = 0;
};

TEST_F(RunFleetTest, InstanceExecutorRunsJobOverSshAndMetricsCountIt) {
  Setup("instance");
  h_->StartManager("127.0.0.1:0");
  auto spec = RunnerHarness::Spec({"echo job-on-$(ip -o -4 addr show eth0 | awk '{print $4}')", "test -d \"$CI_PROJECT_DIR\" || pwd"});
  int64_t id = h_->Enqueue(spec);
  auto job = h_->Wait(id, 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  // The script ran inside the instance's namespace, whose eth0 has the fleet's address.
  EXPECT_NE(job.trace.find("job-on-10."), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("executor on the instance"), std::string::npos) << job.trace;
  EXPECT_EQ(Namespaces(fleet_), 1);

  int port = h_->manager().metrics_port();
  ASSERT_GT(port, 0);
  // curl: this file cannot include <httplib.h> (the socket function ::connect clashes
  // with namespace connect, which the manager's headers reach).
  std::string body = Sh("curl -fsS http://127.0.0.1:" + std::to_string(port) + "/metrics");
  EXPECT_NE(body.find("gitlab_runner_jobs_total{runner="), std::string::npos) << body;
  EXPECT_NE(body.find("spotrunner_fleet_creations_total{runner="), std::string::npos) << body;
  EXPECT_NE(body.find("spotrunner_fleet_queue_wait_seconds_count{"), std::string::npos) << body;
  EXPECT_NE(body.find("gitlab_runner_concurrent 1\n"), std::string::npos) << body;

  h_->manager().StopGraceful();
  h_->manager().Wait();
  EXPECT_EQ(Namespaces(fleet_), 0) << Sh("ip netns list");
}

TEST_F(RunFleetTest, DockerAutoscalerRunsJobInContainerThroughTheTunnel) {
  Setup("docker-autoscaler",
        "  [runners.docker]\n"
        "    image = \"alpine:latest\"\n"
        "    network_mode = \"none\"\n"
        "    pull_policy = [\"if-not-present\"]\n");
  h_->StartManager();
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo in-container-$(cat /etc/hostname | head -c 3)", "test -f /.dockerenv && echo dockerenv"}));
  auto job = h_->Wait(id, 180);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("Using Docker executor with image alpine:latest"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("dockerenv"), std::string::npos) << job.trace;
}

// Counts how often the manager asked its helper source which image it holds and how
// often it streamed it: once per instance when the memo works.
class CountingSource final : public executor::docker::HelperImageSource {
 public:
  explicit CountingSource(std::unique_ptr<executor::docker::HelperImageSource> inner) : inner_(std::move(inner)) {}
  util::Result<executor::docker::ImageArchiveInfo> Inspect() override {
    ++inspects;
    return inner_->Inspect();
  }
  util::Status Stream(const executor::docker::ChunkWriter& write, executor::docker::AbortHandle* abort) override {
    ++streams;
    return inner_->Stream(write, abort);
  }
  std::string Describe() const override { return inner_->Describe(); }
  std::atomic<int> inspects{0}, streams{0};

 private:
  std::unique_ptr<executor::docker::HelperImageSource> inner_;
};

TEST_F(RunFleetTest, DockerAutoscalerChecksTheHelperImageOncePerInstance) {
  Setup("docker-autoscaler",
        "  [runners.docker]\n"
        "    image = \"alpine:latest\"\n"
        "    network_mode = \"none\"\n"
        "    pull_policy = [\"if-not-present\"]\n");
  // This host's Engine as the source (not the package's archive, should one be installed);
  // the instance's own Engine starts without it.
  auto local = executor::docker::DialerForHost("");
  ASSERT_TRUE(local.ok());
  auto source = std::make_shared<CountingSource>(
      std::make_unique<executor::docker::EngineExportSource>(std::move(*local), executor::docker::kDefaultHelperImage));
  h_->StartManager("", manager::NewDefaultJobLauncher(source));
  for (const char* word : {"first-job", "second-job"}) {
    int64_t id = h_->Enqueue(RunnerHarness::Spec({std::string("echo ") + word}));
    auto job = h_->Wait(id, 180);
    EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  }
  EXPECT_EQ(FleetNamespaceNames(fleet_).size(), 1u) << "both jobs should have run on one instance";
  EXPECT_EQ(source->inspects.load(), 1);
  EXPECT_EQ(source->streams.load(), 1);  // loaded onto the fresh Engine once, used by both jobs
}

// The helper image must be loaded onto the instance (the archive names an image id the
// Engine lacks), and the load fails half-way: the archive is cut inside its layer. The job
// ends as a system failure whose one line names the instance and the cause, and the
// instance is removed at once (idle_time would keep a healthy one for 5 minutes).
TEST_F(RunFleetTest, DockerAutoscalerHelperLoadCutShortFailsTheJobAndRetiresTheInstance) {
  Setup("docker-autoscaler",
        "  [runners.docker]\n"
        "    image = \"alpine:latest\"\n"
        "    network_mode = \"none\"\n"
        "    pull_policy = [\"if-not-present\"]\n");
  // A load never gets to tag it: the Engine fails on the cut layer before reading the rest.
  auto tar = executor::docker::BuildTar(
      {{"manifest.json", std::string("[{\"Config\":\"") + std::string(64, 'e') +
                             ".json\",\"RepoTags\":[\"spotrunner-helper:local\"],\"Layers\":[\"l/layer.tar\"]}]"},
       {"l", "", 0755, true},
       {"l/layer.tar", std::string(2 << 20, 'x')}});
  ASSERT_TRUE(tar.ok());
  std::string archive = (h_->dir() / "cut-helper.tar").string();
  {
    std::ofstream out(archive, std::ios::binary);
    out << tar->substr(0, 1 << 20);
  }
  h_->StartManager("", manager::NewDefaultJobLauncher(std::make_shared<executor::docker::ArchiveFileSource>(archive)));
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo must-not-run"}));
  auto job = h_->Wait(id, 180);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  const std::string prefix = "ERROR: Job failed (system failure): instance ";
  EXPECT_NE(job.trace.find(prefix), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find(": helper image spotrunner-helper:local: loading " + archive + " failed after "),
            std::string::npos)
      << job.trace;
  EXPECT_NE(job.trace.find("docker image load: "), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("must-not-run"), std::string::npos) << job.trace;
  // The instance named in the line is removed (a replacement may come up under another name).
  size_t at = job.trace.find(prefix);
  ASSERT_NE(at, std::string::npos);
  at += prefix.size();
  const std::string instance = job.trace.substr(at, job.trace.find(':', at) - at);
  EXPECT_EQ(instance.rfind("sr-" + fleet_ + "-", 0), 0u) << instance;
  EXPECT_TRUE(WaitUntil([&] {
    auto names = FleetNamespaceNames(fleet_);
    return std::find(names.begin(), names.end(), instance) == names.end();
  }, 60s)) << instance << " was kept: " << Sh("ip netns list");
}

TEST_F(RunFleetTest, InstanceKilledUnderARunningJobFailsItAsSystemFailure) {
  Setup("instance");
  h_->StartManager();
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo started-long-job", "sleep 120"}));
  ASSERT_TRUE(WaitUntil([&] {
    auto j = h_->coord().GetJob(id);
    return j.ok() && j->trace.find("started-long-job") != std::string::npos;
  }, 120s));
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(FleetNamespaceNames(fleet_).size(), 1u) << Sh("ip netns list");
  KillInstance(FleetNamespaceNames(fleet_)[0]);
  auto job = h_->Wait(id, 60);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  // The fleet replaces the lost capacity: the next job runs on a new instance.
  int64_t next = h_->Enqueue(RunnerHarness::Spec({"echo after-the-loss"}));
  auto after = h_->Wait(next, 120);
  EXPECT_EQ(after.state, JobState::kSuccess) << after.trace;
  EXPECT_NE(after.trace.find("after-the-loss"), std::string::npos);
}

TEST_F(RunFleetTest, RestartedManagerRemovesWhatAKilledOneLeft) {
  Setup("instance");
  auto log = (h_->dir() / "first-run.log").string();
  int64_t first;
  {
    RunnerProcess p(h_->config_path(), h_->dir().string(), log);
    first = h_->Enqueue(RunnerHarness::Spec({"echo first-run-started", "sleep 120"}));
    ASSERT_TRUE(WaitUntil([&] {
      auto j = h_->coord().GetJob(first);
      return j.ok() && j->trace.find("first-run-started") != std::string::npos;
    }, 120s)) << testutil::ReadFile(log);
    p.Signal(SIGKILL);
    ASSERT_TRUE(p.WaitExit(10s).has_value());
  }
  ASSERT_EQ(Namespaces(fleet_), 1) << "the killed runner should have left its instance";
  // The leftover's processes (its sshd, the lost job's sleep) must not survive the restart.
  std::vector<std::pair<int, std::string>> old_processes;  // pid, identity
  {
    std::istringstream in(Sh("ip netns pids " + FleetNamespaceNames(fleet_).at(0)));
    for (int pid; in >> pid;) {
      if (std::string id = LiveIdentity(pid); !id.empty()) old_processes.emplace_back(pid, id);
    }
  }
  ASSERT_FALSE(old_processes.empty());
  h_->StartManager();
  int64_t id = h_->Enqueue(RunnerHarness::Spec({"echo after-restart"}));
  auto job = h_->Wait(id, 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("after-restart"), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] {
    for (const auto& [pid, id] : old_processes) {
      if (LiveIdentity(pid) == id) return false;
    }
    return true;
  }, 30s)) << "a process of the leftover instance survived";
  EXPECT_LE(Namespaces(fleet_), 1);
}

}  // namespace
}  // namespace itest

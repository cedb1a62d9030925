// No trust on first use: the manager accepts only the host key its provider generated for
// an instance. A real sshd with another key on the instance's address (a man in the
// middle) is refused with a log line, the instance is replaced, and the job runs on the
// replacement. Local provider (network namespaces with sshd), `spotrunner run` as a child
// process so its log can be read. Needs root, iproute2, sshd and ssh-keygen.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using namespace std::chrono_literals;

TEST(HostKeyMitmTest, ImpostorSshdIsRefusedAndTheInstanceReplaced) {
  const std::string fleet = "mitm" + std::to_string(getpid() % 100000);
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  std::string text = testutil::ReadFile(h.config_path());
  auto pos = text.find("executor = \"shell\"");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 18, "executor = \"instance\"");
  {
    FILE* f = std::fopen(h.config_path().c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  const std::string state = (h.dir() / "local-state").string();
  // boot_delay: the instance stays "creating" long enough to put the impostor in place
  // before the manager's first handshake.
  h.AppendConfig("  [runners.autoscaler]\n"
                 "    plugin = \"local\"\n"
                 "    capacity_per_instance = 1\n"
                 "    max_instances = 1\n"
                 "    [runners.autoscaler.plugin_config]\n"
                 "      name = \"" + fleet + "\"\n"
                 "      state_dir = \"" + state + "\"\n"
                 "      boot_delay = \"15s\"\n"
                 "    [[runners.autoscaler.policy]]\n"
                 "      idle_count = 0\n"
                 "      idle_time = \"5m\"\n");
  const std::string log = (h.dir() / "run.log").string();
  auto runner = std::make_unique<RunnerProcess>(h.config_path(), h.dir().string(), log);
  int64_t id = h.Enqueue(RunnerHarness::Spec({"echo ran-on-$(ip -o -4 addr show eth0 | awk '{print $4}')"}));

  // The first instance's own sshd is up: replace it by an impostor on the same address.
  // Its name is sr-<fleet>-<manager hash>-1 (the local provider's names are per manager).
  ASSERT_TRUE(WaitUntil([&] { return !FleetNamespaceNames(fleet).empty(); }, 30s)) << testutil::ReadFile(log);
  const std::string first = FleetNamespaceNames(fleet).front();
  ASSERT_EQ(first.substr(first.size() - 2), "-1") << first;
  const std::string second = first.substr(0, first.size() - 1) + "2";
  const std::string pid_file = state + "/" + first + ".pid";
  ASSERT_TRUE(WaitUntil([&] { return !Sh("cat " + pid_file + " 2>/dev/null").empty(); }, 30s))
      << testutil::ReadFile(log);
  const std::string fake = (h.dir() / "impostor").string();
  Sh("mkdir -p " + fake + " && ssh-keygen -q -t ed25519 -N '' -f " + fake + "/host_key");
  Sh("sed 's#^HostKey .*#HostKey " + fake + "/host_key#; s#^PidFile .*#PidFile " + fake + "/sshd.pid#' " + state +
     "/" + first + ".sshd_config > " + fake + "/sshd_config");
  ASSERT_NE(Sh("grep -c 'HostKey " + fake + "' " + fake + "/sshd_config"), "0\n");
  Sh("kill $(cat " + pid_file + ")");
  // (The instance's dead-man watcher stays in the namespace; only its sshd must be gone.)
  ASSERT_TRUE(WaitUntil(
      [&] { return Sh("for p in $(ip netns pids " + first + "); do cat /proc/$p/comm; done | grep -c '^sshd'") == "0\n"; },
      10s));
  ASSERT_EQ(Sh("ip netns exec " + first + " /usr/sbin/sshd -f " + fake + "/sshd_config && echo started"), "started\n");

  // The manager refuses it, says so, removes it and runs the job on a new instance.
  auto job = h.Wait(id, 120);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << testutil::ReadFile(log);
  std::string out = testutil::ReadFile(log);
  EXPECT_NE(out.find("instance " + first + " refused"), std::string::npos) << out;
  EXPECT_NE(out.find("host key mismatch: the server presented SHA256:"), std::string::npos) << out;
  EXPECT_EQ(out.find("Job " + std::to_string(id) + " runs on instance " + first + " "), std::string::npos) << out;
  EXPECT_NE(out.find("runs on instance " + second), std::string::npos) << out;

  runner->Signal(SIGQUIT);
  EXPECT_TRUE(runner->WaitExit(60s).has_value()) << testutil::ReadFile(log);
  Sh("kill $(cat " + fake + "/sshd.pid 2>/dev/null) 2>/dev/null");
  EXPECT_TRUE(WaitUntil([&] { return Namespaces(fleet) == 0; }, 30s)) << Sh("ip netns list");
  for (const std::string& ns : FleetNamespaceNames(fleet)) {
    Sh("for p in $(ip netns pids " + ns + " 2>/dev/null); do kill -9 $p; done; ip netns delete " + ns + " 2>/dev/null");
  }
}

}  // namespace
}  // namespace itest

// A container that a killed runner left behind (it carries the runner's labels and its
// manager's system_id) is removed when `spotrunner run` starts again, before any job runs;
// other runners' containers, and those of another manager of the same runner (a copy of
// config.toml elsewhere, another system_id) on the same Engine, are kept.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "config/parse.h"
#include "config/system_id.h"
#include "gitlab/token.h"
#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// Creates (does not start) a container with these labels; returns the daemon's answer.
std::string CreateContainer(const std::string& name, const std::string& labels_json) {
  return Sh("curl -sS --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' "
            "-d '{\"Image\":\"alpine:latest\",\"Cmd\":[\"true\"],\"Labels\":" + labels_json + "}' "
            "'http://localhost/containers/create?name=" + name + "'");
}

bool ContainerExists(const std::string& name) {
  return Sh("curl -s -o /dev/null -w '%{http_code}' --unix-socket /var/run/docker.sock "
            "http://localhost/containers/" + name + "/json") == "200";
}

TEST(RunDockerLeftoversTest, RunRemovesWhatAKilledRunnerLeft) {
  RunnerHarness h("docker", "alpine:latest");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  auto loaded = config::LoadConfigFile(h.config_path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::string short_token = gitlab::ShortToken(loaded->config.runners.at(0).token);
  auto system_id = config::LoadOrCreateSystemId(h.config_path());  // what `run` will use
  ASSERT_TRUE(system_id.ok()) << system_id.status().ToString();

  std::string ours = "sr-itest-leftover-" + std::to_string(getpid());
  std::string other = "sr-itest-other-runner-" + std::to_string(getpid());
  std::string other_manager = "sr-itest-other-manager-" + std::to_string(getpid());
  // Removed however the test ends: a container left with our labels would be a leftover
  // for every later test on this Engine.
  struct RemoveAtEnd {
    std::vector<std::string> names;
    ~RemoveAtEnd() {
      for (const auto& n : names)
        Sh("curl -s -X DELETE --unix-socket /var/run/docker.sock 'http://localhost/containers/" + n + "?force=1'");
    }
  } remove_at_end{{ours, other, other_manager}};
  std::string answer = CreateContainer(ours, "{\"com.spotrunner.managed\":\"true\","
                                             "\"com.spotrunner.runner.system_id\":\"" + *system_id + "\","
                                             "\"com.spotrunner.runner.short_token\":\"" + short_token + "\"}");
  ASSERT_NE(answer.find("\"Id\""), std::string::npos) << answer;
  answer = CreateContainer(other_manager, "{\"com.spotrunner.managed\":\"true\","
                                          "\"com.spotrunner.runner.system_id\":\"r_otherManager\","
                                          "\"com.spotrunner.runner.short_token\":\"" + short_token + "\"}");
  ASSERT_NE(answer.find("\"Id\""), std::string::npos) << answer;
  answer = CreateContainer(other, "{\"com.spotrunner.managed\":\"true\","
                                  "\"com.spotrunner.runner.short_token\":\"not-ours-1\"}");
  ASSERT_NE(answer.find("\"Id\""), std::string::npos) << answer;
  ASSERT_TRUE(ContainerExists(ours));

  RunnerProcess p(h.config_path(), h.dir().string(), (h.dir() / "run.log").string());
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (ContainerExists(ours) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(ContainerExists(ours)) << testutil::ReadFile(h.dir() / "run.log");
  EXPECT_TRUE(ContainerExists(other)) << "a container of another runner was removed";
  EXPECT_TRUE(ContainerExists(other_manager)) << "a container of another manager of this runner was removed";
  p.Signal(SIGQUIT);
  EXPECT_TRUE(p.WaitExit(15s).has_value());
}

}  // namespace
}  // namespace itest

// [runners.docker] settings against the real Docker daemon of scripts/services.sh: a job
// with many of them set is observed from inside its container (limits, hostname, hosts,
// tmpfs, sysctl, MTU, MAC) and through the daemon's own view of it (HostConfig), and so is a
// service. The job gets a network of its own (needed for the MTU, MAC and sysctl checks);
// nothing on it reaches outside.
#include "executor/docker/container_settings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <fstream>
#include <random>

#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_testing.h"
#include "executor/docker/http_over_stream.h"
#include "executor/docker/labels.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

using nlohmann::json;

class StringSink final : public OutputSink {
 public:
  void Write(std::string_view bytes) override { text.append(bytes); }
  std::string text;
};

class ContainerSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dialer_ = testing::LocalDaemon();
    ASSERT_TRUE(dialer_);
    engine_ = std::make_unique<EngineClient>(*dialer_);
    ASSERT_TRUE(engine_->Ping().ok()) << testing::kNoDaemon;
    cfg_.executor = "docker";
    cfg_.docker.pull_policy = {"if-not-present"};
    std::mt19937 rng(std::random_device{}());
    req_.job_id = 100000 + static_cast<int64_t>(rng() % 900000);
    req_.project_id = 42;
    req_.concurrent_id = 3;
    req_.runner_short_token = "cs" + std::to_string(getpid()) + "x" + std::to_string(rng() % 100000);
    req_.image.name = "alpine:latest";
    req_.network_per_build = true;
  }

  // The daemon's inspect document of this runner's container with role `role`.
  json Inspect(const std::string& role) {
    auto list = engine_->ListContainers({std::string(labels::kShortToken) + "=" + req_.runner_short_token,
                                         std::string(labels::kRole) + "=" + role});
    if (!list.ok() || list->size() != 1) return json();
    auto r = RoundTrip(*dialer_, HttpRequest{"GET", "/containers/" + (*list)[0].id + "/json", {}, ""});
    if (!r.ok() || r->head.status != 200) return json();
    return json::parse(r->body, nullptr, false);
  }

  std::string Run(DockerExecutor& ex, const std::string& script) {
    StringSink out;
    auto code = ex.Run(RunRequest{"step_script", true, script}, out, cancel_);
    EXPECT_TRUE(code.ok() && *code == 0) << out.text;
    return out.text;
  }

  std::unique_ptr<util::StreamDialer> dialer_;
  std::unique_ptr<EngineClient> engine_;
  config::RunnerConfig cfg_;
  PrepareRequest req_;
  util::CancelToken cancel_;
};

TEST_F(ContainerSettingsTest, JobContainerGetsTheBuildSettings) {
  config::DockerConfig& d = cfg_.docker;
  d.hostname = "ci-box";
  d.ulimit = {{"nofile", "1111:2222"}};
  d.tmpfs = {{"/scratch", "rw,size=16m,mode=1777"}};
  d.sysctls = {{"net.ipv4.ip_unprivileged_port_start", "99"}};
  d.extra_hosts = {"db.example:10.1.2.3"};
  d.dns_search = {"corp.example"};
  d.group_add = {"1234"};
  d.oom_score_adjust = 123;
  d.security_opt = {"no-new-privileges"};
  d.network_mtu = 1400;
  d.mac_address = "02:42:ac:11:00:99";
  d.memory = "64m";
  d.memory_swap = "128m";
  d.memory_reservation = "32m";
  d.cpus = "0.5";
  d.cpu_shares = 512;
  d.cpuset_cpus = "0";
  d.cpuset_mems = "0";
  d.shm_size = 8 << 20;
  d.oom_kill_disable = true;
  d.device_cgroup_rules = {"c 1:3 mr"};
  d.ipcmode = "private";
  d.runtime = "runc";
  d.log_options = {{"labels", "com.example.team"}};
  DockerExecutor ex(cfg_, testing::LocalDaemon());
  StringSink prep;
  ASSERT_OK(ex.Prepare(req_, prep, cancel_));

  EXPECT_EQ(Run(ex, "ulimit -n; ulimit -Hn\n"), "1111\n2222\n");
  EXPECT_EQ(Run(ex, "hostname\n"), "ci-box\n");
  EXPECT_NE(Run(ex, "cat /etc/hosts\n").find("10.1.2.3\tdb.example"), std::string::npos);
  EXPECT_NE(Run(ex, "grep '^search' /etc/resolv.conf\n").find("corp.example"), std::string::npos);
  EXPECT_NE(Run(ex, "grep ' /scratch ' /proc/mounts\n").find("tmpfs /scratch tmpfs rw"), std::string::npos);
  EXPECT_EQ(Run(ex, "cat /proc/sys/net/ipv4/ip_unprivileged_port_start\n"), "99\n");
  EXPECT_NE(Run(ex, "id -G\n").find("1234"), std::string::npos);
  EXPECT_EQ(Run(ex, "cat /proc/self/oom_score_adj\n"), "123\n");
  EXPECT_EQ(Run(ex, "grep NoNewPrivs /proc/self/status\n"), "NoNewPrivs:\t1\n");
  EXPECT_EQ(Run(ex, "cat /sys/class/net/eth0/mtu /sys/class/net/eth0/address\n"), "1400\n02:42:ac:11:00:99\n");

  json c = Inspect("build");
  ASSERT_TRUE(c.is_object());
  const json& h = c["HostConfig"];
  EXPECT_EQ(h["Memory"], 64 << 20);
  EXPECT_EQ(h["MemorySwap"], 128 << 20);
  EXPECT_EQ(h["MemoryReservation"], 32 << 20);
  EXPECT_EQ(h["NanoCpus"], 500000000);
  EXPECT_EQ(h["CpuShares"], 512);
  EXPECT_EQ(h["CpusetCpus"], "0");
  EXPECT_EQ(h["CpusetMems"], "0");
  EXPECT_EQ(h["ShmSize"], 8 << 20);
  EXPECT_EQ(h["OomKillDisable"], true);
  EXPECT_EQ(h["OomScoreAdj"], 123);
  EXPECT_EQ(h["DeviceCgroupRules"], json({"c 1:3 mr"}));
  EXPECT_EQ(h["IpcMode"], "private");
  EXPECT_EQ(h["Runtime"], "runc");
  EXPECT_EQ(h["LogConfig"]["Config"], json({{"labels", "com.example.team"}}));
  EXPECT_EQ(h["Tmpfs"], json({{"/scratch", "rw,size=16m,mode=1777"}}));

  // The helper's container gets the build settings too (not the job's MAC address).
  StringSink helper_out;
  auto helper = ex.Run(RunRequest{"get_sources", false, "hostname; ulimit -n\n"}, helper_out, cancel_);
  ASSERT_OK(helper);
  EXPECT_EQ(helper_out.text, "ci-box\n1111\n");
  ex.Cleanup();
}

TEST_F(ContainerSettingsTest, DefaultHostnameIsGitlabRunnersProjectName) {
  req_.network_per_build = false;
  cfg_.docker.network_mode = "none";
  DockerExecutor ex(cfg_, testing::LocalDaemon());
  StringSink prep;
  ASSERT_OK(ex.Prepare(req_, prep, cancel_));
  EXPECT_EQ(Run(ex, "hostname\n"), "runner-" + req_.runner_short_token + "-project-42-concurrent-3\n");
}

TEST_F(ContainerSettingsTest, ServiceGetsTheServiceSettings) {
  config::DockerConfig& d = cfg_.docker;
  d.services_tmpfs = {{"/data", "rw,size=8m"}};
  d.tmpfs = {{"/scratch", ""}};  // the job's only
  d.service_memory = "48m";
  d.service_cpus = "0.25";
  d.services_security_opt = {"no-new-privileges"};
  d.wait_for_services_timeout = -1;
  ServiceSpec svc;
  svc.name = "alpine:latest";
  svc.alias = "svc";
  svc.command = {"sleep", "300"};
  req_.services = {svc};
  DockerExecutor ex(cfg_, testing::LocalDaemon());
  StringSink prep;
  ASSERT_OK(ex.Prepare(req_, prep, cancel_));
  json s = Inspect("service");
  ASSERT_TRUE(s.is_object()) << prep.text;
  const json& h = s["HostConfig"];
  EXPECT_EQ(h["Tmpfs"], json({{"/data", "rw,size=8m"}}));
  EXPECT_EQ(h["Memory"], 48 << 20);
  EXPECT_EQ(h["NanoCpus"], 250000000);
  EXPECT_EQ(h["SecurityOpt"], json({"no-new-privileges"}));
}

TEST_F(ContainerSettingsTest, ServicesLimitRefusesTheJobBeforeAnythingIsMade) {
  cfg_.docker.services_limit = 1;
  ServiceSpec a, b;
  a.name = "alpine:latest";
  b.name = "busybox:latest";
  req_.services = {a, b};
  DockerExecutor ex(cfg_, testing::LocalDaemon());
  StringSink prep;
  util::Status s = ex.Prepare(req_, prep, cancel_);
  EXPECT_EQ(s.message(), "too many services requested: 2, only 1 allowed");
  auto left = engine_->ListContainers({std::string(labels::kShortToken) + "=" + req_.runner_short_token});
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

// A GPU request reaches the daemon: this host has no GPU driver, so the daemon refuses it.
TEST_F(ContainerSettingsTest, GpusBecomeADeviceRequest) {
  req_.network_per_build = false;
  cfg_.docker.network_mode = "none";
  cfg_.docker.gpus = "all";
  DockerExecutor ex(cfg_, testing::LocalDaemon());
  StringSink prep;
  util::Status s = ex.Prepare(req_, prep, cancel_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("could not select device driver \"\" with capabilities: [[gpu]]"), std::string::npos)
      << s.message();
}

TEST(ContainerSettingsSpecTest, BadValuesNameTheirKey) {
  config::DockerConfig d;
  PrepareRequest req;
  ContainerSpec s;
  d.ulimit = {{"nofile", "abc"}};
  EXPECT_EQ(ApplyBuildSettings(d, req, true, &s).message(),
            "[runners.docker] ulimit: invalid soft limit \"abc\" (want \"<soft>[:<hard>]\" integers)");
  d.ulimit.clear();
  d.gpus = "x";
  EXPECT_EQ(ApplyBuildSettings(d, req, true, &s).message(),
            "[runners.docker] gpus: invalid count (x): value must be either \"all\" or an integer");
  d.service_memory = "lots";
  EXPECT_EQ(ApplyServiceSettings(d, "redis", &s).message(),
            "[runners.docker] service_memory: invalid memory size \"lots\" (want e.g. 512m or 2g)");
}

TEST(ContainerSettingsSpecTest, SeccompProfileFilesAreInlined) {
  testutil::TempDir tmp;
  std::string profile = (tmp.path() / "profile.json").string();
  std::ofstream(profile) << "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}";
  std::string broken = (tmp.path() / "broken.json").string();
  std::ofstream(broken) << "{not json";
  auto inlined = InlineSeccompProfiles({"seccomp=" + profile, "seccomp=unconfined", "no-new-privileges"});
  ASSERT_OK(inlined);
  EXPECT_EQ(*inlined, (std::vector<std::string>{"seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "seccomp=unconfined",
                                                "no-new-privileges"}));
  EXPECT_EQ(InlineSeccompProfiles({"seccomp=" + broken}).status().message(),
            "seccomp profile " + broken + " is not valid JSON");
  EXPECT_EQ(InlineSeccompProfiles({"seccomp=/nonexistent/p.json"}).status().message(),
            "failed to read seccomp profile from /nonexistent/p.json");
}

TEST(ContainerSettingsSpecTest, DefaultHostnameIsRfc1123) {
  PrepareRequest req;
  req.runner_short_token = "Ab_C.d9";
  req.project_id = 12;
  req.concurrent_id = 0;
  EXPECT_EQ(DefaultHostname(req), "runner-abcd9-project-12-concurrent-0");
  req.runner_short_token = std::string(80, 'x');
  EXPECT_EQ(DefaultHostname(req).size(), 63u);
}

TEST(ContainerSettingsSpecTest, ServicesDevicesFollowTheImageGlob) {
  config::DockerConfig d;
  d.services_devices = {{"nvidia/*", {"/dev/nvidia0"}}, {"redis:*", {"/dev/null:/dev/x"}}};
  ContainerSpec s;
  ASSERT_OK(ApplyServiceSettings(d, "nvidia/cuda", &s));
  EXPECT_EQ(s.devices, std::vector<std::string>{"/dev/nvidia0"});
  ContainerSpec none;
  ASSERT_OK(ApplyServiceSettings(d, "postgres:16", &none));
  EXPECT_TRUE(none.devices.empty());
}

}  // namespace
}  // namespace executor::docker

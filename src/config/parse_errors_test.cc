// Warnings and errors of ParseConfig/LoadConfigFile, checked word for word.
#include <gtest/gtest.h>

#include "config/parse.h"
#include "util/testing/test_util.h"

namespace config {
namespace {

util::Result<LoadedConfig> Parse(std::string_view text) {
  return ParseConfig(text, "config.toml", [](const std::string&) { return std::nullopt; });
}

std::string ErrorOf(std::string_view text) {
  util::Result<LoadedConfig> r = Parse(text);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), util::Status::Code::kInvalidArgument);
  return r.status().message();
}

TEST(ParseWarningsTest, UnknownKeysWarnWithPositionAndContinue) {
  util::Result<LoadedConfig> r = Parse(R"(concurrent = 2
bogus = 1
[[runners]]
  name = "a"
  executor = "docker"
  [runners.docker]
    image = "alpine"
    foo = true
  [runners.autoscaler.policy_x]
    a = 1
)");
  ASSERT_OK(r);
  EXPECT_EQ(r->config.concurrent, 2);
  EXPECT_EQ(r->config.runners.at(0).docker.image, "alpine");
  ASSERT_EQ(r->warnings.size(), 3u);
  EXPECT_EQ(r->warnings[0], "config.toml:2:1: unknown key \"bogus\"");
  EXPECT_EQ(r->warnings[1], "config.toml:8:5: unknown key \"runners.docker.foo\"");
  EXPECT_EQ(r->warnings[2], "config.toml:9:23: unknown key \"runners.autoscaler.policy_x\"");
}

TEST(ParseWarningsTest, FileNameIsUsedAsGiven) {
  util::Result<LoadedConfig> r = ParseConfig("[[runners]]\nexecutor = \"shell\"\nfoo = 1\n", "etc/x/config.toml");
  ASSERT_OK(r);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0], "etc/x/config.toml:3:1: unknown key \"runners.foo\"");
}

TEST(ParseErrorsTest, SyntaxErrorHasFileLineColumn) {
  std::string msg = ErrorOf("concurrent = 1\n[[runners]]\nname = \"x\nexecutor = \"shell\"\n");
  EXPECT_EQ(msg.rfind("config.toml:3:", 0), 0u) << msg;
  EXPECT_EQ(ErrorOf("concurrent = = 1\n"),
            "config.toml:1:14: Error while parsing value: could not determine value type");
}

TEST(ParseErrorsTest, TypeErrorsNameKeyAndExpectedType) {
  EXPECT_EQ(ErrorOf("concurrent = \"x\"\n"), "config.toml:1:14: key \"concurrent\": expected integer, got string");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\nprivileged = \"yes\"\n"),
            "config.toml:4:14: key \"runners.docker.privileged\": expected boolean, got string");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\nvolumes = [\"/a\", 3]\n"),
            "config.toml:4:18: key \"runners.docker.volumes\": expected array of strings, found an element of type "
            "integer");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\nlimit = 1.5\n"),
            "config.toml:3:9: key \"runners.limit\": expected integer, got float");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\nlimit = 99999999999\n"),
            "config.toml:3:9: key \"runners.limit\": value 99999999999 is out of range");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\npull_policy = 1\n"),
            "config.toml:4:15: key \"runners.docker.pull_policy\": expected string or array of strings, got integer");
  EXPECT_EQ(ErrorOf("runners = 3\n"), "config.toml:1:11: key \"runners\": expected array of tables, got integer");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\ndocker = \"x\"\n"),
            "config.toml:3:10: key \"runners.docker\": expected table, got string");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker\"\ntoken_expires_at = 5\n"),
            "config.toml:3:20: key \"runners.token_expires_at\": expected date-time, got integer");
}

TEST(ParseErrorsTest, BadDurations) {
  EXPECT_EQ(ErrorOf("connection_max_age = \"15 minutes\"\n"),
            "config.toml:1:22: key \"connection_max_age\": time: unknown unit \" minutes\" in duration \"15 minutes\"");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker-autoscaler\"\n[[runners.autoscaler.policy]]\nidle_count = 1\n"
                    "idle_time = \"20x\"\n"),
            "config.toml:5:13: key \"runners.autoscaler.policy.idle_time\": time: unknown unit \"x\" in duration "
            "\"20x\"");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"shell\"\nidle = 1\nidle = 2\n"),
            "config.toml:4:8: Error while parsing key-value pair: cannot redefine existing integer 'idle'");
  EXPECT_EQ(ErrorOf("[[runners]]\nexecutor = \"docker-autoscaler\"\n[[runners.autoscaler.policy]]\nidle_time = true\n"),
            "config.toml:4:13: key \"runners.autoscaler.policy.idle_time\": expected duration (string like \"15m0s\" "
            "or integer nanoseconds), got boolean");
}

TEST(ParseErrorsTest, ConcurrentMustBePositive) {
  EXPECT_EQ(ErrorOf("concurrent = 0\n"), "config.toml:1:14: concurrent must be greater than 0, got 0");
  EXPECT_EQ(ErrorOf("check_interval = 3\nconcurrent = -2\n"),
            "config.toml:2:14: concurrent must be greater than 0, got -2");
}

TEST(ParseErrorsTest, Executors) {
  EXPECT_EQ(ErrorOf("[[runners]]\nname = \"a\"\nexecutor = \"dockr\"\n"),
            "config.toml:3:12: runner \"a\": unknown executor \"dockr\" (allowed: shell, docker, docker+machine, "
            "docker-autoscaler, instance)");
  EXPECT_EQ(ErrorOf("[[runners]]\nname = \"a\"\nexecutor = \"shell\"\n\n[[runners]]\nname = \"b\"\n"),
            "config.toml:5:1: runner \"b\": executor is not set (allowed: shell, docker, docker+machine, "
            "docker-autoscaler, instance)");
  util::Result<LoadedConfig> k = Parse("[[runners]]\nname = \"k8s\"\nexecutor = \"kubernetes\"\n");
  ASSERT_OK(k);
  ASSERT_EQ(k->warnings.size(), 1u);
  EXPECT_EQ(k->warnings[0],
            "config.toml:3:12: runner \"k8s\": executor \"kubernetes\" is not supported by spotrunner (supported: "
            "shell, docker, docker+machine, docker-autoscaler, instance); this runner will not take jobs");
}

TEST(ParseErrorsTest, ImpossibleAutoscalerLimits) {
  EXPECT_EQ(ErrorOf(R"([[runners]]
name = "fleet"
executor = "docker-autoscaler"
[runners.autoscaler]
capacity_per_instance = 2
max_instances = 3
[[runners.autoscaler.policy]]
idle_count = 6
[[runners.autoscaler.policy]]
idle_count = 7
)"),
            "config.toml:10:14: runner \"fleet\": policy #2 idle_count 7 can never be reached: max_instances (3) * "
            "capacity_per_instance (2) = 6");
  EXPECT_EQ(ErrorOf("[[runners]]\nname = \"f\"\nexecutor = \"instance\"\n[runners.autoscaler]\ncapacity_per_instance = 0\n"),
            "config.toml:5:25: runner \"f\": capacity_per_instance must be at least 1, got 0");
  // max_instances = 0 means unlimited: any idle_count is possible.
  EXPECT_OK(Parse("[[runners]]\nexecutor = \"docker-autoscaler\"\n[[runners.autoscaler.policy]]\nidle_count = 99\n"));
}

TEST(ParseErrorsTest, FleetPolicyIsOneOfThreeNames) {
  EXPECT_EQ(ErrorOf("[[runners]]\nname = \"f\"\nexecutor = \"docker+machine\"\nfleet_policy = \"docker_machine\"\n"),
            "config.toml:4:16: runner \"f\": unknown fleet_policy \"docker_machine\" (want default, docker-machine or "
            "taskscaler)");
  for (const char* p : {"default", "docker-machine", "taskscaler"}) {
    auto r = Parse(std::string("[[runners]]\nexecutor = \"docker-autoscaler\"\nfleet_policy = \"") + p + "\"\n");
    ASSERT_OK(r);
    EXPECT_TRUE(r->warnings.empty()) << r->warnings[0];  // spotrunner's own key: no "unknown key"
    EXPECT_EQ(r->config.runners.at(0).fleet_policy, p);
  }
}

TEST(ParseErrorsTest, MissingFileIsNotFound) {
  testutil::TempDir dir;
  std::string path = (dir.path() / "nope.toml").string();
  util::Result<LoadedConfig> r = LoadConfigFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(r.status().message(), "cannot read config file \"" + path + "\": No such file or directory");
}

TEST(ParseErrorsTest, DirectoryIsAnIOError) {
  testutil::TempDir dir;
  util::Result<LoadedConfig> r = LoadConfigFile(dir.path().string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), util::Status::Code::kIOError);
  EXPECT_EQ(r.status().message(), "cannot read config file \"" + dir.path().string() + "\": Is a directory");
}

// Values Docker would refuse are errors at load, naming the file position and the key.
TEST(ParseErrorsTest, BadDockerValuesNameTheirKey) {
  const std::string head = "[[runners]]\nname = \"d\"\nexecutor = \"docker\"\n[runners.docker]\n";
  EXPECT_EQ(ErrorOf(head + "image = \"alpine\"\n[runners.docker.ulimit]\nnofile = \"abc\"\n"),
            "config.toml:7:10: runner \"d\": key \"runners.docker.ulimit.nofile\": invalid soft limit \"abc\" (want "
            "\"<soft>[:<hard>]\" integers)");
  EXPECT_EQ(ErrorOf(head + "gpus = \"x\"\n"),
            "config.toml:5:8: runner \"d\": key \"runners.docker.gpus\": invalid count (x): value must be either "
            "\"all\" or an integer");
  EXPECT_EQ(ErrorOf(head + "[runners.docker.tmpfs]\n\"/scratch\" = \"rw,sise=1m\"\n"),
            "config.toml:6:14: runner \"d\": key \"runners.docker.tmpfs.\"/scratch\"\": invalid tmpfs option "
            "\"sise=1m\"");
  EXPECT_EQ(ErrorOf(head + "memory_swap = \"lots\"\n"),
            "config.toml:5:15: runner \"d\": key \"runners.docker.memory_swap\": invalid memory size \"lots\" (want "
            "e.g. 512m or 2g)");
  EXPECT_EQ(ErrorOf(head + "mac_address = \"02:42\"\n"),
            "config.toml:5:15: runner \"d\": key \"runners.docker.mac_address\": invalid MAC address \"02:42\" "
            "(want e.g. 92:d0:c6:0a:29:33)");
  EXPECT_EQ(ErrorOf(head + "isolation = \"vm\"\n"),
            "config.toml:5:13: runner \"d\": key \"runners.docker.isolation\": the isolation value \"vm\" is not "
            "valid. the valid values are: 'process', 'hyperv', 'default' and an empty string");
  EXPECT_EQ(ErrorOf(head + "dns = [\"8.8.8.8\", \"dns.example\"]\n"),
            "config.toml:5:7: runner \"d\": key \"runners.docker.dns\": invalid DNS server address \"dns.example\"");
  EXPECT_EQ(ErrorOf(head + "ulimit = \"nofile=1\"\n"),
            "config.toml:5:10: key \"runners.docker.ulimit\": expected table of strings, got string");
}

}  // namespace
}  // namespace config

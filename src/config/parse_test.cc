// Loading real gitlab-runner config files (tests/fixtures/gitlab/*.toml) and the key forms.
#include "config/parse.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/testing/test_util.h"

namespace config {
namespace {

using std::chrono::minutes;

LoadedConfig MustParse(std::string_view text) {
  util::Result<LoadedConfig> r = ParseConfig(text, "config.toml", [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : LoadedConfig{};
}

LoadedConfig MustLoadFixture(const std::string& name) {
  util::Result<LoadedConfig> r = LoadConfigFile(testutil::FixturePath("gitlab/" + name).string());
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : LoadedConfig{};
}

TEST(ParseFixturesTest, EveryFixtureLoadsWithoutErrorOrWarning) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testutil::FixturePath("gitlab"))) {
    if (entry.path().extension() != ".toml") continue;
    ++count;
    util::Result<LoadedConfig> r = LoadConfigFile(entry.path().string());
    ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.status().ToString();
    EXPECT_FALSE(r->config.runners.empty()) << entry.path();
    for (const std::string& w : r->warnings) {
      // Only the ssh runner of config.toml.example (and its [runners.ssh]) is worth a warning.
      EXPECT_NE(w.find("ssh\" is not supported by spotrunner"), std::string::npos) << w;
    }
  }
  EXPECT_GE(count, 5);
}

TEST(ParseFixturesTest, DockerMachineAmazonEc2) {
  LoadedConfig l = MustLoadFixture("config_docker_machine_amazonec2.toml");
  const Config& c = l.config;
  EXPECT_TRUE(l.warnings.empty());
  EXPECT_EQ(c.concurrent, 10);
  EXPECT_EQ(c.check_interval, 0);
  ASSERT_EQ(c.runners.size(), 1u);
  const RunnerConfig& r = c.runners[0];
  EXPECT_EQ(r.name, "gitlab-aws-autoscaler");
  EXPECT_EQ(r.url, "<URL of your GitLab instance>");
  EXPECT_EQ(r.token, "<runner's token>");
  EXPECT_EQ(r.executor, "docker+machine");
  EXPECT_EQ(r.limit, 20);
  EXPECT_TRUE(r.has_docker);
  EXPECT_EQ(r.docker.image, "alpine");
  EXPECT_TRUE(r.docker.privileged);
  EXPECT_TRUE(r.docker.disable_cache);
  EXPECT_TRUE(r.has_cache);
  EXPECT_EQ(r.cache.type, "s3");
  EXPECT_TRUE(r.cache.shared);
  EXPECT_EQ(r.cache.s3.server_address, "s3.amazonaws.com");
  EXPECT_EQ(r.cache.s3.access_key, "<your AWS Access Key ID>");
  EXPECT_EQ(r.cache.s3.secret_key, "<your AWS Secret Access Key>");
  EXPECT_EQ(r.cache.s3.bucket_name, "<the bucket where your cache should be kept>");
  EXPECT_EQ(r.cache.s3.bucket_location, "us-west-2");
  EXPECT_TRUE(r.has_machine);
  EXPECT_EQ(r.machine.idle_count, 1);
  EXPECT_EQ(r.machine.idle_count_min, 1);  // default
  EXPECT_EQ(r.machine.idle_time, 1800);
  EXPECT_EQ(r.machine.max_builds, 100);
  EXPECT_EQ(r.machine.machine_driver, "amazonec2");
  EXPECT_EQ(r.machine.machine_name, "gitlab-docker-machine-%s");
  ASSERT_EQ(r.machine.machine_options.size(), 9u);
  EXPECT_EQ(r.machine.machine_options[0], "amazonec2-access-key=XXXX");
  EXPECT_EQ(r.machine.machine_options[2], "amazonec2-region=eu-central-1");
  EXPECT_EQ(r.machine.machine_options[8], "amazonec2-instance-type=m4.2xlarge");
  ASSERT_EQ(r.machine.autoscaling.size(), 2u);
  EXPECT_EQ(r.machine.autoscaling[0].periods, std::vector<std::string>{"* * 9-17 * * mon-fri *"});
  EXPECT_EQ(r.machine.autoscaling[0].idle_count, 50);
  EXPECT_EQ(r.machine.autoscaling[0].idle_time, 3600);
  EXPECT_EQ(r.machine.autoscaling[0].timezone, "UTC");
  EXPECT_EQ(r.machine.autoscaling[1].periods, std::vector<std::string>{"* * * * * sat,sun *"});
  EXPECT_EQ(r.machine.autoscaling[1].idle_count, 5);
  EXPECT_EQ(r.machine.autoscaling[1].idle_time, 60);
  EXPECT_FALSE(r.has_autoscaler);
}

TEST(ParseFixturesTest, DockerMachineSpotOptions) {
  LoadedConfig l = MustLoadFixture("config_docker_machine_amazonec2_spot.toml");
  const MachineConfig& m = l.config.runners.at(0).machine;
  ASSERT_EQ(m.machine_options.size(), 12u);
  EXPECT_EQ(m.machine_options[9], "amazonec2-request-spot-instance=true");
  EXPECT_EQ(m.machine_options[10], "amazonec2-spot-price=0.03");
  EXPECT_EQ(m.machine_options[11], "amazonec2-block-duration-minutes=60");
}

TEST(ParseFixturesTest, DockerAutoscalerAws) {
  LoadedConfig l = MustLoadFixture("config_docker_autoscaler_aws.toml");
  EXPECT_TRUE(l.warnings.empty());
  const RunnerConfig& r = l.config.runners.at(0);
  EXPECT_EQ(r.executor, "docker-autoscaler");
  EXPECT_EQ(r.shell, "sh");
  EXPECT_EQ(r.docker.image, "busybox:latest");
  ASSERT_TRUE(r.has_autoscaler);
  const AutoscalerConfig& a = r.autoscaler;
  EXPECT_EQ(a.plugin, "aws");
  EXPECT_EQ(a.capacity_per_instance, 1);
  EXPECT_EQ(a.max_use_count, 1);
  EXPECT_EQ(a.max_instances, 10);
  EXPECT_EQ(a.instance_acquire_timeout, minutes(15));  // default
  nlohmann::json plugin = nlohmann::json::parse(a.plugin_config_json);
  EXPECT_EQ(plugin, nlohmann::json({{"name", "my-docker-asg"},
                                    {"profile", "default"},
                                    {"config_file", "/home/user/.aws/config"},
                                    {"credentials_file", "/home/user/.aws/credentials"}}));
  EXPECT_EQ(a.plugin_config_json,
            R"({"config_file":"/home/user/.aws/config","credentials_file":"/home/user/.aws/credentials",)"
            R"("name":"my-docker-asg","profile":"default"})");
  EXPECT_EQ(a.connector.username, "ec2-user");
  EXPECT_TRUE(a.connector.use_external_addr);
  EXPECT_EQ(a.connector.protocol, "ssh");  // default
  ASSERT_EQ(a.policies.size(), 1u);
  EXPECT_EQ(a.policies[0].idle_count, 5);
  EXPECT_EQ(a.policies[0].idle_time, minutes(20));
  EXPECT_EQ(a.policies[0].periods, std::vector<std::string>{"* * * * *"});
  EXPECT_FALSE(a.policies[0].preemptive_mode.has_value());
}

TEST(ParseFixturesTest, DockerAutoscalerAzure) {
  LoadedConfig l = MustLoadFixture("config_docker_autoscaler_azure.toml");
  const AutoscalerConfig& a = l.config.runners.at(0).autoscaler;
  EXPECT_EQ(a.plugin, "azure");
  EXPECT_EQ(nlohmann::json::parse(a.plugin_config_json)["subscription_id"], "9b3c4602-cde2-4089-bed8-889e5a3e7102");
  EXPECT_EQ(a.connector.username, "azureuser");
  EXPECT_EQ(a.connector.password, "my-scale-set-static-password");
  EXPECT_TRUE(a.connector.use_static_credentials);
  EXPECT_EQ(a.connector.timeout, minutes(10));
}

TEST(ParseFixturesTest, ExampleWithShellDockerAndSsh) {
  LoadedConfig l = MustLoadFixture("config_example_shell_docker_ssh.toml");
  const Config& c = l.config;
  EXPECT_EQ(c.concurrent, 4);
  ASSERT_EQ(c.runners.size(), 3u);
  EXPECT_EQ(c.runners[0].executor, "shell");
  EXPECT_EQ(c.runners[0].limit, 2);
  EXPECT_EQ(c.runners[0].shell, "bash");
  EXPECT_EQ(c.runners[1].docker.image, "ruby:3.1");
  EXPECT_FALSE(c.runners[1].docker.privileged);
  EXPECT_EQ(c.runners[2].executor, "ssh");
  // The ssh executor and its [runners.ssh] are flagged.
  ASSERT_EQ(l.warnings.size(), 2u);
  EXPECT_EQ(l.warnings[0], testutil::FixturePath("gitlab/config_example_shell_docker_ssh.toml").string() +
                               ":32:14: runner \"production-server\": executor \"ssh\" is not supported by spotrunner "
                               "(supported: shell, docker, docker+machine, docker-autoscaler, instance); this runner "
                               "will not take jobs");
  EXPECT_EQ(l.warnings[1], testutil::FixturePath("gitlab/config_example_shell_docker_ssh.toml").string() +
                               ":34:3: key \"runners.ssh\" is not supported by spotrunner; ignored");
}

TEST(ParseTest, DefaultsWhenEmpty) {
  LoadedConfig l = MustParse("");
  EXPECT_EQ(l.config, Config{});
  EXPECT_TRUE(l.warnings.empty());
}

TEST(ParseTest, KeysMatchCaseInsensitivelyAfterExactSpelling) {
  LoadedConfig l = MustParse(R"(CONCURRENT = 3
[[runners]]
name = "r"
executor = "docker"
Limit = 4
[runners.cache]
type = "s3"
SHARED = true
[runners.machine]
idlecount = 7
)");
  EXPECT_TRUE(l.warnings.empty()) << l.warnings[0];
  EXPECT_EQ(l.config.concurrent, 3);
  const RunnerConfig& r = l.config.runners.at(0);
  EXPECT_EQ(r.limit, 4);
  EXPECT_EQ(r.cache.type, "s3");
  EXPECT_TRUE(r.cache.shared);
  EXPECT_EQ(r.machine.idle_count, 7);
}

TEST(ParseTest, ExactSpellingWinsOverCaseInsensitive) {
  LoadedConfig l = MustParse("[[runners]]\nexecutor = \"shell\"\n[runners.cache]\ntype = \"gcs\"\nType = \"s3\"\n");
  EXPECT_EQ(l.config.runners.at(0).cache.type, "s3");
  ASSERT_EQ(l.warnings.size(), 1u);
  EXPECT_EQ(l.warnings[0], "config.toml:4:1: unknown key \"runners.cache.type\"");
}

TEST(ParseTest, DurationsStringsOrNanoseconds) {
  LoadedConfig l = MustParse(R"(connection_max_age = "1h30m"
[[runners]]
executor = "shell"
unhealthy_interval = 10000000000
prepare_timeout = "500ms"
[runners.artifact]
upload_timeout = "2h"
)");
  EXPECT_EQ(l.config.connection_max_age, std::chrono::minutes(90));
  const RunnerConfig& r = l.config.runners.at(0);
  EXPECT_EQ(r.unhealthy_interval, std::chrono::seconds(10));
  EXPECT_EQ(r.prepare_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(r.artifact_upload_timeout, std::chrono::hours(2));
}

TEST(ParseTest, PullPolicyStringOrArray) {
  LoadedConfig one = MustParse("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\npull_policy = \"if-not-present\"\n");
  EXPECT_EQ(one.config.runners.at(0).docker.pull_policy, std::vector<std::string>{"if-not-present"});
  LoadedConfig many =
      MustParse("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\npull_policy = [\"always\", \"if-not-present\"]\n");
  EXPECT_EQ(many.config.runners.at(0).docker.pull_policy, (std::vector<std::string>{"always", "if-not-present"}));
}

TEST(ParseTest, TokenTimesFromDateTimesOrStrings) {
  LoadedConfig l = MustParse(R"([[runners]]
executor = "shell"
token_obtained_at = 2024-05-01T12:00:00Z
token_expires_at = 0001-01-01T00:00:00Z
[[runners]]
executor = "shell"
token_obtained_at = 2024-05-01T12:00:00.250+02:00
token_expires_at = "2025-01-02T03:04:05Z"
)");
  EXPECT_EQ(l.config.runners[0].token_obtained_at, "2024-05-01T12:00:00Z");
  EXPECT_EQ(l.config.runners[0].token_expires_at, "0001-01-01T00:00:00Z");
  EXPECT_EQ(l.config.runners[1].token_obtained_at, "2024-05-01T12:00:00.25+02:00");
  EXPECT_EQ(l.config.runners[1].token_expires_at, "2025-01-02T03:04:05Z");
}

TEST(ParseTest, UrlAndTokenAreEnvExpanded) {
  std::string text = "[[runners]]\nexecutor = \"shell\"\nurl = \"https://${GL_HOST}/\"\ntoken = \"$GL_TOKEN\"\n"
                     "name = \"$GL_HOST\"\n";
  auto env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "GL_HOST") return "gitlab.example.com";
    return std::nullopt;
  };
  util::Result<LoadedConfig> r = ParseConfig(text, "config.toml", env);
  ASSERT_OK(r);
  EXPECT_EQ(r->config.runners[0].url, "https://gitlab.example.com/");
  EXPECT_EQ(r->config.runners[0].token, "");             // unset → empty, like Go's os.ExpandEnv
  EXPECT_EQ(r->config.runners[0].name, "$GL_HOST");      // only url and token expand

  ::setenv("SR_PARSE_TEST_TOKEN", "glrt-xyz", 1);
  util::Result<LoadedConfig> p = ParseConfig("[[runners]]\nexecutor = \"shell\"\ntoken = \"${SR_PARSE_TEST_TOKEN}\"\n",
                                             "config.toml");
  ::unsetenv("SR_PARSE_TEST_TOKEN");
  ASSERT_OK(p);
  EXPECT_EQ(p->config.runners[0].token, "glrt-xyz");
}

TEST(ParseTest, DockerServicesLabelsAndFeatureFlags) {
  LoadedConfig l = MustParse(R"(
[labels]
team = "ci"
[[runners]]
executor = "docker"
[runners.labels]
arch = "amd64"
[runners.feature_flags]
FF_TIMESTAMPS = false
FF_NETWORK_PER_BUILD = true
[runners.custom_build_dir]
enabled = true
[runners.docker]
image = "alpine:latest"
volumes = ["/cache", "/var/run/docker.sock:/var/run/docker.sock"]
shm_size = 268435456
wait_for_services_timeout = -1
services_privileged = false
[runners.docker.container_labels]
"com.example.owner" = "ci"
[[runners.docker.services]]
name = "postgres:16"
alias = "db"
environment = ["POSTGRES_PASSWORD=x"]
[[runners.docker.services]]
name = "redis"
command = ["redis-server", "--save", ""]
)");
  EXPECT_TRUE(l.warnings.empty()) << l.warnings[0];
  EXPECT_EQ(l.config.labels, (std::map<std::string, std::string>{{"team", "ci"}}));
  const RunnerConfig& r = l.config.runners.at(0);
  EXPECT_EQ(r.labels, (std::map<std::string, std::string>{{"arch", "amd64"}}));
  EXPECT_EQ(r.feature_flags, (std::map<std::string, bool>{{"FF_NETWORK_PER_BUILD", true}, {"FF_TIMESTAMPS", false}}));
  EXPECT_EQ(r.custom_build_dir_enabled, std::optional<bool>(true));
  EXPECT_EQ(r.docker.volumes.size(), 2u);
  EXPECT_EQ(r.docker.shm_size, 268435456);
  EXPECT_EQ(r.docker.wait_for_services_timeout, -1);
  EXPECT_EQ(r.docker.services_privileged, std::optional<bool>(false));
  EXPECT_EQ(r.docker.container_labels.at("com.example.owner"), "ci");
  ASSERT_EQ(r.docker.services.size(), 2u);
  EXPECT_EQ(r.docker.services[0].name, "postgres:16");
  EXPECT_EQ(r.docker.services[0].alias, "db");
  EXPECT_EQ(r.docker.services[0].environment, std::vector<std::string>{"POSTGRES_PASSWORD=x"});
  EXPECT_EQ(r.docker.services[1].command, (std::vector<std::string>{"redis-server", "--save", ""}));
}

TEST(ParseTest, LegacyFlatCacheS3KeysAndSubtablePrecedence) {
  LoadedConfig l = MustParse(R"([[runners]]
executor = "docker"
[runners.cache]
Type = "s3"
ServerAddress = "minio:9000"
AccessKey = "old"
BucketName = "b"
Insecure = true
[runners.cache.s3]
AccessKey = "new"
PathStyle = true
)");
  EXPECT_TRUE(l.warnings.empty());
  const CacheS3Config& s3 = l.config.runners.at(0).cache.s3;
  EXPECT_EQ(s3.server_address, "minio:9000");
  EXPECT_EQ(s3.access_key, "new");
  EXPECT_EQ(s3.bucket_name, "b");
  EXPECT_TRUE(s3.insecure);
  EXPECT_EQ(s3.path_style, std::optional<bool>(true));
}

TEST(ParseTest, UnhonouredKeysAreReportedWhereTheyAre) {
  LoadedConfig l = MustParse(R"(concurrent = 2
sentry_dsn = "x"
[session_server]
session_timeout = 1800
[machine.shutdown_drain]
enabled = true
[experimental.usage_logger]
enabled = false
[[runners]]
executor = "docker"
proxy_exec = true
[runners.kubernetes]
namespace = "ci"
[runners.kubernetes.node_selector]
"kubernetes.io/os" = "linux"
[runners.custom]
run_exec = "x"
[runners.parallels]
base_name = "y"
[runners.virtualbox]
base_name = "z"
[runners.ssh]
host = "h"
[runners.referees]
[runners.monitoring]
[runners.instance]
allowed_images = ["*"]
[runners.docker]
ulimit = { nofile = "1024:2048" }
[runners.cache.gcs]
BucketName = "g"
[runners.autoscaler]
plugin = "aws"
[runners.autoscaler.state_storage]
enabled = true
[runners.autoscaler.scale_throttle]
limit = 5
)");
  // Reported, not fatal: the config loads and the rest of it is used.
  // Empty tables ([runners.referees], [runners.monitoring]) ask for nothing: no warning.
  auto w = [](const std::string& pos, const std::string& key) {
    return "config.toml:" + pos + ": key \"" + key + "\" is not supported by spotrunner; ignored";
  };
  EXPECT_EQ(l.warnings, (std::vector<std::string>{
                            w("2:14", "sentry_dsn"), w("5:1", "machine"), w("7:1", "experimental"),
                            w("11:14", "runners.proxy_exec"), w("12:1", "runners.kubernetes"),
                            w("16:1", "runners.custom"), w("18:1", "runners.parallels"),
                            w("20:1", "runners.virtualbox"), w("22:1", "runners.ssh"), w("30:1", "runners.cache.gcs"),
                            w("34:1", "runners.autoscaler.state_storage"),
                            w("36:1", "runners.autoscaler.scale_throttle")}));
  EXPECT_EQ(l.config.runners.at(0).docker.ulimit, (std::map<std::string, std::string>{{"nofile", "1024:2048"}}));
  EXPECT_EQ(l.config.runners.at(0).instance.allowed_images, std::vector<std::string>{"*"});
}

}  // namespace
}  // namespace config

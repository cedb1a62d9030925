#include "config/write.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "config/parse.h"
#include "util/testing/test_util.h"

namespace config {
namespace {

Config Reparse(const std::string& text) {
  util::Result<LoadedConfig> r = ParseConfig(text, "config.toml", [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << text;
  if (!r.ok()) return {};
  EXPECT_TRUE(r->warnings.empty()) << r->warnings[0] << "\n" << text;
  return r->config;
}

Config RoundTrip(const Config& c) {
  util::Result<std::string> text = FormatConfig(c);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  return text.ok() ? Reparse(*text) : Config{};
}

mode_t ModeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(FormatConfigTest, RegisteredShellRunnerLooksLikeGitlabRunners) {
  Config c;
  RunnerConfig r;
  r.name = "my-runner";
  r.url = "http://gitlab.example.com/";
  r.token = "glrt-abc";
  r.token_obtained_at = "2024-05-01T12:00:00Z";
  r.token_expires_at = "0001-01-01T00:00:00Z";
  r.executor = "shell";
  c.runners.push_back(r);
  util::Result<std::string> text = FormatConfig(c);
  ASSERT_OK(text);
  EXPECT_EQ(*text, R"(concurrent = 1
check_interval = 3
connection_max_age = "15m0s"
shutdown_timeout = 30

[[runners]]
  name = "my-runner"
  url = "http://gitlab.example.com/"
  id = 0
  token = "glrt-abc"
  token_obtained_at = 2024-05-01T12:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "shell"
)");
  EXPECT_EQ(Reparse(*text), c);
}

TEST(FormatConfigTest, CanonicalSpellingOfSections) {
  Config c;
  RunnerConfig r;
  r.executor = "docker+machine";
  r.has_cache = true;
  r.cache.type = "s3";
  r.cache.s3.bucket_name = "b";
  r.has_machine = true;
  r.machine.idle_count = 2;
  r.machine.machine_options = {"amazonec2-region=eu-central-1"};
  r.has_docker = true;
  r.docker.image = "alpine";
  c.runners.push_back(r);
  util::Result<std::string> text = FormatConfig(c);
  ASSERT_OK(text);
  EXPECT_NE(text->find("  [runners.docker]\n    image = \"alpine\"\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("  [runners.cache]\n    Type = \"s3\"\n    MaxUploadedArchiveSize = 0\n"
                       "    [runners.cache.s3]\n      BucketName = \"b\"\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("  [runners.machine]\n    IdleCount = 2\n    IdleTime = 0\n"
                       "    MachineOptions = [\"amazonec2-region=eu-central-1\"]\n"),
            std::string::npos)
      << *text;
}

TEST(FormatConfigTest, RoundTripsEveryFixture) {
  for (const auto& entry : std::filesystem::directory_iterator(testutil::FixturePath("gitlab"))) {
    if (entry.path().extension() != ".toml") continue;
    util::Result<LoadedConfig> loaded = LoadConfigFile(entry.path().string());
    ASSERT_OK(loaded);
    util::Result<std::string> text = FormatConfig(loaded->config);
    ASSERT_OK(text);
    util::Result<LoadedConfig> again = ParseConfig(*text, "config.toml", [](const std::string&) { return std::nullopt; });
    ASSERT_OK(again);
    EXPECT_EQ(again->config, loaded->config) << entry.path() << "\n" << *text;
  }
}

// Every honoured key survives a rewrite (register, token reset): the documented-keys fixture
// sets them all to non-default values.
TEST(FormatConfigTest, RoundTripsEveryHonouredKey) {
  util::Result<LoadedConfig> loaded =
      LoadConfigFile(testutil::FixturePath("gitlab/documented_keys/advanced_configuration.toml").string());
  ASSERT_OK(loaded);
  util::Result<std::string> text = FormatConfig(loaded->config);
  ASSERT_OK(text);
  util::Result<LoadedConfig> again = ParseConfig(*text, "config.toml", [](const std::string&) { return std::nullopt; });
  ASSERT_OK(again);
  EXPECT_EQ(again->config, loaded->config) << *text;
}

TEST(FormatConfigTest, RoundTripsARichConfig) {
  Config c;
  c.concurrent = 12;
  c.check_interval = 0;
  c.log_level = "debug";
  c.log_format = "json";
  c.listen_address = ":9252";
  c.user = "gitlab-runner";
  c.shutdown_timeout = 0;
  c.connection_max_age = std::chrono::minutes(90);
  c.labels = {{"team", "ci"}, {"odd key", "x\"y"}};

  RunnerConfig r;
  r.name = "fleet \"one\"";
  r.url = "https://gitlab.example.com/";
  r.id = 42;
  r.token = "glrt-t1_abc";
  r.token_obtained_at = "2024-05-01T12:00:00.5+02:00";
  r.token_expires_at = "not a date";
  r.tls_ca_file = "/etc/ca.pem";
  r.executor = "docker-autoscaler";
  r.shell = "sh";
  r.limit = 8;
  r.fleet_policy = "taskscaler";
  r.request_concurrency = 2;
  r.strict_check_interval = true;
  r.output_limit = 8192;
  r.builds_dir = "/builds";
  r.environment = {"A=1", "B=two words"};
  r.pre_get_sources_script = "echo one\necho 'two'\n";
  r.post_build_script = "tab\there";
  r.prepare_timeout = std::chrono::minutes(5);
  r.debug_trace_disabled = true;
  r.safe_directory_checkout = true;
  r.clean_git_config = false;
  r.unhealthy_requests_limit = 5;
  r.unhealthy_interval = std::chrono::minutes(30);
  r.job_status_final_update_retry_limit = 3;
  r.labels = {{"arch", "arm64"}};
  r.feature_flags = {{"FF_TIMESTAMPS", false}};
  r.custom_build_dir_enabled = true;
  r.artifact_upload_timeout = std::chrono::hours(2);
  r.has_docker = true;
  r.docker.image = "alpine:3";
  r.docker.pull_policy = {"if-not-present", "always"};
  r.docker.privileged = true;
  r.docker.services_privileged = false;
  r.docker.volumes = {"/cache"};
  r.docker.shm_size = 1 << 28;
  r.docker.wait_for_services_timeout = -1;
  r.docker.container_labels = {{"com.example/a", "b"}};
  r.docker.sysctls = {{"net.ipv4.ip_forward", "1"}};
  r.docker.services.push_back({"postgres:16", "db", {"docker-entrypoint.sh"}, {"postgres"}, {"POSTGRES_PASSWORD=x"}});
  r.has_cache = true;
  r.cache.type = "s3";
  r.cache.path = "prefix";
  r.cache.shared = true;
  r.cache.max_uploaded_archive_size = 1 << 30;
  r.cache.s3.server_address = "127.0.0.1:4568";
  r.cache.s3.access_key = "AK";
  r.cache.s3.secret_key = "SK";
  r.cache.s3.bucket_name = "cache";
  r.cache.s3.insecure = true;
  r.cache.s3.authentication_type = "access-key";
  r.cache.s3.path_style = true;
  r.has_autoscaler = true;
  r.autoscaler.plugin = "aws";
  r.autoscaler.capacity_per_instance = 2;
  r.autoscaler.max_instances = 10;
  r.autoscaler.max_use_count = 5;
  r.autoscaler.instance_ready_command = "cloud-init status --wait";
  r.autoscaler.update_interval = std::chrono::seconds(30);
  r.autoscaler.delete_instances_on_shutdown = true;
  r.autoscaler.failure_threshold = 4;
  r.autoscaler.plugin_config_json =
      R"({"name":"asg","nested":{"deep":{"k":"v"},"list":[1,2.5,"x",true]},"region":"eu-central-1"})";
  r.autoscaler.connector.username = "ec2-user";
  r.autoscaler.connector.protocol_port = 2222;
  r.autoscaler.connector.timeout = std::chrono::minutes(10);
  r.autoscaler.connector.use_external_addr = true;
  AutoscalerPolicy p1;
  p1.idle_count = 4;
  p1.idle_time = std::chrono::minutes(20);
  AutoscalerPolicy p2;
  p2.periods = {"* 9-17 * * mon-fri"};
  p2.timezone = "Europe/Berlin";
  p2.idle_count = 10;
  p2.scale_factor = 0.5;
  p2.scale_factor_limit = 6;
  p2.preemptive_mode = false;
  r.autoscaler.policies = {p1, p2};
  c.runners.push_back(r);

  RunnerConfig m;
  m.name = "machines";
  m.executor = "docker+machine";
  m.has_machine = true;
  m.machine.idle_count = 3;
  m.machine.idle_count_min = 0;
  m.machine.idle_scale_factor = 1.5;
  m.machine.idle_time = 600;
  m.machine.max_growth_rate = 2;
  m.machine.max_builds = 10;
  m.machine.machine_driver = "amazonec2";
  m.machine.machine_name = "ci-%s";
  m.machine.machine_options = {"amazonec2-request-spot-instance=true"};
  m.machine.autoscaling.push_back({{"* * 9-17 * * mon-fri *"}, "UTC", 5, 1, 0.25, 3600});
  c.runners.push_back(m);

  RunnerConfig s;
  s.name = "plain";
  s.executor = "instance";
  s.instance.allowed_images = {"*"};
  s.has_docker = true;  // an empty [runners.docker] survives
  c.runners.push_back(s);

  EXPECT_EQ(RoundTrip(c), c) << *FormatConfig(c);
}

TEST(FormatConfigTest, RejectsPluginConfigThatIsNotAnObject) {
  Config c;
  RunnerConfig r;
  r.name = "x";
  r.executor = "docker-autoscaler";
  r.autoscaler.plugin_config_json = "[1]";
  c.runners.push_back(r);
  util::Result<std::string> text = FormatConfig(c);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "runner \"x\": autoscaler plugin_config_json is not a JSON object: [1]");
}

TEST(WriteConfigFileTest, WritesMode0600AtomicallyOverAnyOldMode) {
  testutil::TempDir dir;
  std::filesystem::path path = dir.path() / "config.toml";
  {
    std::ofstream old(path);
    old << "old contents";
  }
  ::chmod(path.c_str(), 0644);
  Config c;
  c.concurrent = 7;
  ASSERT_TRUE(WriteConfigFile(path.string(), c).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  util::Result<LoadedConfig> back = LoadConfigFile(path.string());
  ASSERT_OK(back);
  EXPECT_EQ(back->config.concurrent, 7);
  // Nothing but the config is left in the directory (no temporary file).
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"config.toml"});
}

TEST(WriteConfigFileTest, FailureLeavesNoFile) {
  testutil::TempDir dir;
  std::filesystem::path path = dir.path() / "missing-dir" / "config.toml";
  util::Status s = WriteConfigFile(path.string(), Config{});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), util::Status::Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace config

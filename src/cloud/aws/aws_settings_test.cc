#include "cloud/aws/aws_settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cloud/aws/iam_policy.h"
#include "config/parse.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

TEST(AwsSettingsTest, DockerMachineSpotFixtureLoads) {
  auto loaded = config::LoadConfigFile(testutil::FixturePath("gitlab/config_docker_machine_amazonec2_spot.toml").string());
  ASSERT_OK(loaded);
  ASSERT_FALSE(loaded->config.runners.empty());
  auto s = SettingsForRunner(loaded->config.runners[0]);
  ASSERT_OK(s);
  EXPECT_EQ(s->region, "eu-central-1");
  EXPECT_EQ(s->zones, std::vector<std::string>{"eu-central-1a"});
  EXPECT_EQ(s->vpc_id, "vpc-xxxxx");
  EXPECT_EQ(s->subnet_ids, std::vector<std::string>{"subnet-xxxxx"});
  EXPECT_EQ(s->instance_types, std::vector<std::string>{"m4.2xlarge"});
  EXPECT_TRUE(s->spot);
  EXPECT_EQ(s->max_price, "0.03");
  EXPECT_TRUE(s->use_private_address);
  EXPECT_EQ(s->security_group_names, std::vector<std::string>{"XXXX"});
  EXPECT_EQ(s->tags.at("runner-manager-name"), "gitlab-aws-autoscaler");
  EXPECT_EQ(s->tags.at("gitlab-runner-autoscale"), "true");
  EXPECT_EQ(s->access_key, "XXXX");
  EXPECT_FALSE(s->fleet_name.empty());
  EXPECT_FALSE(s->asg_mode());
}

TEST(AwsSettingsTest, FleetingPluginFixtureIsAsgMode) {
  auto loaded = config::LoadConfigFile(testutil::FixturePath("gitlab/config_docker_autoscaler_aws.toml").string());
  ASSERT_OK(loaded);
  auto s = SettingsForRunner(loaded->config.runners[0]);
  ASSERT_OK(s);
  EXPECT_TRUE(s->asg_mode());
  EXPECT_EQ(s->asg_name, "my-docker-asg");
  EXPECT_EQ(s->profile, "default");
  EXPECT_EQ(s->credentials_file, "/home/user/.aws/credentials");
  EXPECT_EQ(s->ssh_user, "ec2-user");
  EXPECT_FALSE(s->use_private_address);  // use_external_addr = true
}

TEST(AwsSettingsTest, RicherPluginSettings) {
  auto s = SettingsFromPluginConfig(R"({"region":"eu-west-1","instance_types":["c6i.large","c5.large"],
      "subnet_ids":["subnet-a","subnet-b"],"spot":true,"on_demand_fallback":false,"max_price":"0.05",
      "ami":"ami-1","tags":{"team":"ci"}})");
  ASSERT_OK(s);
  EXPECT_EQ(s->instance_types.size(), 2u);
  EXPECT_EQ(s->subnet_ids[1], "subnet-b");
  EXPECT_FALSE(s->on_demand_fallback);
  EXPECT_EQ(s->tags.at("team"), "ci");
  EXPECT_TRUE(IsAwsPluginName("aws"));
  EXPECT_TRUE(IsAwsPluginName("gitlab/fleeting-plugin-aws:latest"));
  EXPECT_TRUE(IsAwsPluginName("aws:0.4.0"));
  EXPECT_FALSE(IsAwsPluginName("googlecloud"));
}

TEST(AwsSettingsTest, BadInputNamesTheOption) {
  auto typo = SettingsFromMachineOptions({"amazonec2-regoin=us-east-1"});
  EXPECT_EQ(typo.status().message(), "MachineOptions \"amazonec2-regoin=us-east-1\": unknown amazonec2 option amazonec2-regoin");
  auto region = SettingsFromMachineOptions({"amazonec2-region=us-est1"});
  EXPECT_EQ(region.status().message(), "aws region \"us-est1\" does not look like a region (e.g. us-east-1)");
  EXPECT_FALSE(SettingsFromMachineOptions({"amazonec2-region=us-est-1"}).ok());
  EXPECT_FALSE(SettingsFromMachineOptions({"amazonec2-region=eu-west1"}).ok());
  for (const char* ok : {"us-gov-west-1", "cn-northwest-1", "ap-southeast-4", "il-central-1"})
    EXPECT_OK(SettingsFromMachineOptions({std::string("amazonec2-region=") + ok}));
  auto spot = SettingsFromMachineOptions({"amazonec2-request-spot-instance=maybe"});
  EXPECT_EQ(spot.status().message(), "MachineOptions amazonec2-request-spot-instance=maybe: expected true or false");
  auto plugin = SettingsFromPluginConfig(R"({"instance_type":"c5.large"})");
  EXPECT_EQ(plugin.status().message(), "[runners.autoscaler.plugin_config] instance_type: unknown setting for the aws plugin");
  EXPECT_FALSE(SettingsFromPluginConfig(R"({"max_price":"cheap"})").ok());
  EXPECT_FALSE(SettingsFromMachineOptions({"amazonec2-tags=a,b,c"}).ok());
  config::RunnerConfig shell;
  shell.executor = "shell";
  EXPECT_EQ(SettingsForRunner(shell).status().code(), util::Status::Code::kFailedPrecondition);
}

// docker+machine's engine-* options are taken (they describe the instance's Engine) and
// a docker executor's instances install the Engine when their image has none.
TEST(AwsSettingsTest, EngineOptionsOfDockerMachine) {
  config::RunnerConfig r;
  r.name = "dm";
  r.executor = "docker+machine";
  r.machine.machine_driver = "amazonec2";
  r.machine.machine_options = {"amazonec2-region=eu-west-1", "engine-registry-mirror=https://mirror.example",
                               "engine-install-url=https://get.docker.com", "engine-opt=log-driver=none",
                               "engine-storage-driver=overlay2", "engine-env=HTTP_PROXY=http://p:3128",
                               "engine-label=team=ci", "engine-insecure-registry=10.0.0.5:5000"};
  auto s = SettingsForRunner(r);
  ASSERT_OK(s);
  EXPECT_TRUE(s->install_engine);
  EXPECT_TRUE(s->ami.empty());  // looked up at the first launch
  EXPECT_EQ(s->engine.registry_mirrors, std::vector<std::string>{"https://mirror.example"});
  EXPECT_EQ(s->engine.install_url, "https://get.docker.com");
  EXPECT_EQ(s->engine.storage_driver, "overlay2");
  EXPECT_EQ(s->engine.env, std::vector<std::string>{"HTTP_PROXY=http://p:3128"});
  EXPECT_EQ(s->engine.labels, std::vector<std::string>{"team=ci"});
  EXPECT_EQ(s->engine.insecure_registries, std::vector<std::string>{"10.0.0.5:5000"});
  ASSERT_EQ(s->engine.opts.size(), 1u);
  EXPECT_EQ(s->engine.opts[0], (std::pair<std::string, std::string>{"log-driver", "none"}));

  EXPECT_EQ(SettingsFromMachineOptions({"engine-opt=mtu=big"}).status().message(),
            "MachineOptions \"engine-opt=mtu=big\": expected a whole number");
  EXPECT_EQ(SettingsFromMachineOptions({"engine-env=1X=y"}).status().message(),
            "MachineOptions \"engine-env=1X=y\": expected NAME=value with NAME made of letters, digits and _");
  EXPECT_EQ(SettingsFromMachineOptions({"swarm-master"}).status().message(),
            "MachineOptions \"swarm-master\": only amazonec2-* and engine-* options are understood (MachineDriver "
            "amazonec2)");
  r.executor = "instance";  // not a docker executor: no Engine is installed
  r.autoscaler.plugin = "aws";
  r.autoscaler.plugin_config_json = R"({"region":"eu-west-1","instance_types":["c5.large"]})";
  auto instance = SettingsForRunner(r);
  ASSERT_OK(instance);
  EXPECT_FALSE(instance->install_engine);
}

config::RunnerConfig AutoscalerRunner() {
  config::RunnerConfig r;
  r.name = "da";
  r.executor = "docker-autoscaler";
  r.autoscaler.plugin = "aws";
  r.autoscaler.plugin_config_json = R"({"region":"eu-west-1","instance_types":["c5.large"]})";
  return r;
}

// [runners.autoscaler.connector_config] of the fleeting AWS plugin.
TEST(AwsSettingsTest, ConnectorConfigIsHonoured) {
  config::RunnerConfig r = AutoscalerRunner();
  r.autoscaler.connector.username = "admin";
  r.autoscaler.connector.key_path = "/etc/spotrunner/id_ed25519";
  r.autoscaler.connector.use_static_credentials = true;
  r.autoscaler.connector.os = "linux";
  r.autoscaler.connector.arch = "arm64";
  auto s = SettingsForRunner(r);
  ASSERT_OK(s);
  EXPECT_TRUE(s->install_engine);
  EXPECT_EQ(s->ssh_user, "admin");
  EXPECT_EQ(s->ssh_key_path, "/etc/spotrunner/id_ed25519");
  EXPECT_TRUE(s->use_static_credentials);
  EXPECT_EQ(s->arch, "arm64");
  r.autoscaler.connector.arch = "amd64";
  EXPECT_EQ(SettingsForRunner(r)->arch, "x86_64");

  r.autoscaler.connector.os = "windows";
  EXPECT_EQ(SettingsForRunner(r).status().message(),
            "runner \"da\": [runners.autoscaler.connector_config] os = \"windows\": only linux instances are supported");
  r.autoscaler.connector.os = "linux";
  r.autoscaler.connector.arch = "sparc";
  EXPECT_EQ(SettingsForRunner(r).status().message(),
            "runner \"da\": [runners.autoscaler.connector_config] arch = \"sparc\": expected amd64 or arm64");
  r.autoscaler.connector.arch = "";
  r.autoscaler.connector.key_path = "";
  EXPECT_EQ(SettingsForRunner(r).status().message(),
            "runner \"da\": [runners.autoscaler.connector_config] use_static_credentials = true needs key_path (the "
            "private key the image already trusts) or password");
  r.autoscaler.connector.key_path = "/a";
  r.autoscaler.plugin_config_json = R"({"region":"eu-west-1","ssh_key_path":"/b"})";
  EXPECT_EQ(SettingsForRunner(r).status().message(),
            "runner \"da\": [runners.autoscaler.connector_config] key_path = \"/a\" and "
            "[runners.autoscaler.plugin_config] ssh_key_path = \"/b\" name different keys; keep one");
}

TEST(AwsSettingsTest, RegionFromEnvironmentOrProfileWhenNotWritten) {
  testutil::TempDir dir;
  std::ofstream(dir.path() / "config") << "[default]\nregion = us-west-2\n[profile ci]\nregion = eu-north-1\n";
  auto env = [&](std::map<std::string, std::string> vars) {
    return [vars](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  };
  auto s = SettingsFromPluginConfig(R"({"name":"g","profile":"ci","config_file":")" + (dir.path() / "config").string() + R"("})");
  ASSERT_OK(s);
  EXPECT_FALSE(s->region_given);
  AwsSettings from_profile = *s;
  ResolveRegion(from_profile, env({}));
  EXPECT_EQ(from_profile.region, "eu-north-1");
  AwsSettings from_env = *s;
  ResolveRegion(from_env, env({{"AWS_REGION", "ap-south-1"}}));
  EXPECT_EQ(from_env.region, "ap-south-1");
  auto written = SettingsFromPluginConfig(R"({"region":"eu-west-3"})");
  ASSERT_OK(written);
  ResolveRegion(*written, env({{"AWS_REGION", "ap-south-1"}}));
  EXPECT_EQ(written->region, "eu-west-3");
}

TEST(IamPolicyTest, Ec2ModeLimitsTerminateToOwnTag) {
  AwsSettings s;
  s.region = "eu-west-1";
  s.iam_instance_profile = "runner-vm";
  auto policy = nlohmann::json::parse(IamPolicyJson(s, "spotrunner-a"));
  EXPECT_EQ(policy["Version"], "2012-10-17");
  bool terminate_scoped = false, has_asg = false, pass_role = false;
  for (const auto& st : policy["Statement"]) {
    std::string actions = st["Action"].dump();
    if (actions.find("ec2:TerminateInstances") != std::string::npos) {
      terminate_scoped = st["Condition"]["StringEquals"]["aws:ResourceTag/spotrunner:fleet"] == "spotrunner-a";
      EXPECT_EQ(st["Resource"], "arn:aws:ec2:eu-west-1:*:instance/*");
    }
    has_asg |= actions.find("autoscaling:") != std::string::npos;
    pass_role |= actions.find("iam:PassRole") != std::string::npos;
  }
  EXPECT_TRUE(terminate_scoped);
  EXPECT_FALSE(has_asg);
  EXPECT_TRUE(pass_role);
  // No AMI: the fleet looks it up, so it may describe images; with one it need not.
  EXPECT_NE(IamPolicyJson(s, "spotrunner-a").find("ec2:DescribeImages"), std::string::npos);
  s.ami = "ami-1";
  EXPECT_EQ(IamPolicyJson(s, "spotrunner-a").find("ec2:DescribeImages"), std::string::npos);
}

TEST(IamPolicyTest, AsgModeOnlyTouchesTheGroup) {
  AwsSettings s;
  s.region = "cn-north-1";
  s.asg_name = "ci-group";
  std::string text = IamPolicyJson(s, "x");
  EXPECT_NE(text.find("arn:aws-cn:autoscaling:cn-north-1:*:autoScalingGroup:*:autoScalingGroupName/ci-group"),
            std::string::npos);
  EXPECT_EQ(text.find("ec2:RunInstances"), std::string::npos);
  EXPECT_EQ(text.find("ec2:TerminateInstances"), std::string::npos);
}

}  // namespace
}  // namespace cloud::aws

#pragma once
// cloud::aws::AwsSettings: everything the AWS provider needs, read from either of the two
// places a gitlab-runner config.toml keeps it:
//  * [runners.machine] MachineOptions of docker+machine's amazonec2 driver
//    ("amazonec2-region=eu-west-1", "amazonec2-request-spot-instance=true", ...), and
//  * [runners.autoscaler.plugin_config] of GitLab's AWS fleeting plugin (name = the Auto
//    Scaling group, profile, config_file, credentials_file), plus spotrunner's own richer
//    keys in the same table (instance_types, subnet_ids, on_demand_fallback, max_price...;
//    see the README's AWS section).
// Unknown amazonec2-* options are refused with their name; options that only matter to
// docker-machine's own provisioning (amazonec2-monitoring, -retries...) are accepted and
// ignored; docker+machine's engine-* options describe the instance's Docker Engine
// (cloud/engine_options.h). Plain copyable data.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cloud/engine_options.h"
#include "config/config.h"
#include "util/status.h"

namespace cloud::aws {

struct AwsSettings {
  std::string region = "us-east-1";           // amazonec2-region; plugin: region
  bool region_given = false;                  // false: the AWS way decides (ResolveRegion)
  std::string endpoint;                       // EC2 endpoint URL override ("" = AWS)
  std::string autoscaling_endpoint;           // Auto Scaling endpoint override ("" = AWS)
  std::string fleet_name;                     // value of the ownership tag (defaults per runner)
  // The manager's system_id (the kManagerTag value); "" = no manager tag (fleet tag only).
  std::string manager_id;
  // Dead-man switch: an instance that has not heard from its manager this long shuts
  // itself down (user data installs the watcher). Zero = none.
  std::chrono::seconds dead_man_timeout{0};
  std::vector<std::string> instance_types = {"t3.medium"};  // tried in order
  std::vector<std::string> subnet_ids;        // one per zone; empty = the default VPC's
  std::vector<std::string> zones;             // "eu-west-1a"; used when no subnet is given
  std::string vpc_id;
  std::vector<std::string> security_group_ids;  // ids (sg-...)
  std::vector<std::string> security_group_names;  // docker-machine's names (default VPC only)
  std::string ami;                            // amazonec2-ami; "" = the region's current Ubuntu LTS (ami_lookup.h)
  // The instances' CPU architecture for that lookup: "x86_64" | "arm64"; "" = from the
  // instance types (connector_config arch sets it).
  std::string arch;
  int root_size_gb = 16;                      // amazonec2-root-size
  std::string volume_type = "gp3";            // amazonec2-volume-type
  bool spot = false;                          // amazonec2-request-spot-instance / plugin spot
  bool on_demand_fallback = true;             // when every spot pool failed
  std::string max_price;                      // "" = pay the current spot price
  std::string iam_instance_profile;           // name or ARN
  std::map<std::string, std::string> tags;    // extra tags on every instance
  bool use_private_address = false;           // connect to the private address
  bool private_address_only = false;          // no public address at all
  std::string ssh_user = "ubuntu";            // amazonec2-ssh-user
  int ssh_port = 22;
  std::string keypair_name;                   // existing key pair ("" = per-fleet key)
  std::string ssh_key_path;                   // private key of that key pair (connector_config key_path)
  // connector_config use_static_credentials: the image already trusts ssh_key_path's key,
  // so its public half is not put in the user data.
  bool use_static_credentials = false;
  std::string userdata_file;                  // extra cloud-init user data
  // The Docker Engine: installed when the image has none and configured by engine-*
  // (docker executors only: docker+machine, docker-autoscaler).
  bool install_engine = false;
  cloud::EngineOptions engine;
  std::string metadata_token = "required";    // IMDSv2 on the instance: required | optional
  std::string launch_template;                // name: launches go through CreateFleet instant
  std::string asg_name;                       // Auto Scaling group mode when set (plugin: name)
  // Credentials given in the config (amazonec2-access-key...); empty = the default chain.
  std::string access_key;
  std::string secret_key;  // never logged
  std::string session_token;
  std::string profile;           // plugin: profile
  std::string config_file;       // plugin: config_file
  std::string credentials_file;  // plugin: credentials_file

  bool asg_mode() const { return !asg_name.empty(); }
};

// Reads docker-machine amazonec2 options ("name=value" or "name" for a flag).
// kInvalidArgument naming the option for unknown names and bad values.
util::Result<AwsSettings> SettingsFromMachineOptions(const std::vector<std::string>& options);

// Reads [runners.autoscaler.plugin_config] re-encoded as JSON ("" = empty table).
util::Result<AwsSettings> SettingsFromPluginConfig(const std::string& json);

// True for a plugin name that means AWS ("aws", "fleeting-plugin-aws",
// "gitlab/fleeting-plugin-aws:latest", "aws:0.4"...).
bool IsAwsPluginName(const std::string& plugin);

// The settings of one [[runners]] entry: docker+machine with MachineDriver amazonec2, or
// docker-autoscaler/instance with an AWS plugin. fleet_name defaults to "spotrunner-<name>"
// (the runner's name, or its id). kFailedPrecondition when the entry does not use AWS.
util::Result<AwsSettings> SettingsForRunner(const config::RunnerConfig& runner);

// When no region was written in config.toml (the fleeting plugin leaves it to the AWS SDK),
// takes it as the SDKs do: AWS_REGION, AWS_DEFAULT_REGION, then `region` of the profile in
// the shared config file (plugin config_file/profile, AWS_CONFIG_FILE, ~/.aws/config);
// otherwise keeps us-east-1. `env` looks up environment variables.
void ResolveRegion(AwsSettings& s, const std::function<std::optional<std::string>(const std::string&)>& env);

// Checks the values: a region that looks like one, instance types outside ASG mode, the
// metadata token mode and the max price. (The AMI is checked when a launch needs it.)
util::Status Validate(const AwsSettings& s);

}  // namespace cloud::aws

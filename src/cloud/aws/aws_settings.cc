#include "cloud/aws/aws_settings.h"

#include "cloud/aws/credential_chain.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace cloud::aws {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
    if (a != std::string::npos) out.push_back(item.substr(a, b - a + 1));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

util::Result<bool> ParseBool(const std::string& name, const std::string& v) {
  if (v.empty() || v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return util::Status::InvalidArgument("MachineOptions " + name + "=" + v + ": expected true or false");
}

util::Result<int> ParseInt(const std::string& name, const std::string& v, int lo, int hi) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi)
    return util::Status::InvalidArgument(name + "=" + v + ": expected a whole number in " + std::to_string(lo) +
                                         ".." + std::to_string(hi));
  return static_cast<int>(n);
}

// "k1,v1,k2,v2" (docker-machine's amazonec2-tags).
util::Status ParseTags(const std::string& v, std::map<std::string, std::string>* tags) {
  auto parts = SplitList(v);
  if (parts.size() % 2 != 0)
    return util::Status::InvalidArgument("amazonec2-tags=" + v + ": expected key,value pairs");
  for (size_t i = 0; i + 1 < parts.size(); i += 2) (*tags)[parts[i]] = parts[i + 1];
  return util::Status::Ok();
}

// docker-machine options that only steer docker-machine's own provisioning.
const std::set<std::string>& IgnoredMachineOptions() {
  static const std::set<std::string> k = {
      "amazonec2-monitoring",          "amazonec2-retries",           "amazonec2-use-ebs-optimized-instance",
      "amazonec2-insecure-transport",  "amazonec2-device-name",       "amazonec2-block-duration-minutes",
      "amazonec2-security-group-readonly", "amazonec2-open-port",     "amazonec2-metadata-token-response-hop-limit",
      "amazonec2-http-tokens",         "amazonec2-http-endpoint",     "amazonec2-ssh-keypath-public"};
  return k;
}

// [runners.autoscaler.connector_config] of a fleeting AWS entry: how the manager logs in.
util::Result<AwsSettings> WithConnector(AwsSettings s, const config::ConnectorConfig& c) {
  const std::string where = "[runners.autoscaler.connector_config] ";
  if (!c.os.empty() && c.os != "linux")
    return util::Status::InvalidArgument(where + "os = \"" + c.os + "\": only linux instances are supported");
  if (c.arch == "amd64" || c.arch == "x86_64") s.arch = "x86_64";
  else if (c.arch == "arm64" || c.arch == "aarch64") s.arch = "arm64";
  else if (!c.arch.empty())
    return util::Status::InvalidArgument(where + "arch = \"" + c.arch + "\": expected amd64 or arm64");
  if (!c.username.empty()) s.ssh_user = c.username;
  if (!c.key_path.empty()) {
    if (!s.ssh_key_path.empty() && s.ssh_key_path != c.key_path)
      return util::Status::InvalidArgument(where + "key_path = \"" + c.key_path +
                                           "\" and [runners.autoscaler.plugin_config] ssh_key_path = \"" +
                                           s.ssh_key_path + "\" name different keys; keep one");
    s.ssh_key_path = c.key_path;
  }
  s.use_static_credentials = c.use_static_credentials;
  if (c.use_static_credentials && s.ssh_key_path.empty() && s.keypair_name.empty() && c.password.empty())
    return util::Status::InvalidArgument(where + "use_static_credentials = true needs key_path (the private key "
                                         "the image already trusts) or password");
  // fleeting connects to the internal address unless use_external_addr is set.
  s.use_private_address = s.private_address_only || !c.use_external_addr;
  return s;
}

}  // namespace

util::Result<AwsSettings> SettingsFromMachineOptions(const std::vector<std::string>& options) {
  AwsSettings s;
  std::string zone_letter;
  bool types_set = false;
  for (const auto& opt : options) {
    size_t eq = opt.find('=');
    std::string name = opt.substr(0, eq);
    std::string v = eq == std::string::npos ? "" : opt.substr(eq + 1);
    if (IsEngineOption(name)) {
      SR_RETURN_IF_ERROR(AddEngineOption(&s.engine, name, v));
      continue;
    }
    if (name.rfind("amazonec2-", 0) != 0)
      return util::Status::InvalidArgument("MachineOptions \"" + opt +
                                           "\": only amazonec2-* and engine-* options are understood (MachineDriver amazonec2)");
    auto flag = [&](bool* out) -> util::Status {
      auto b = ParseBool(name, v);
      if (!b.ok()) return b.status();
      *out = *b;
      return util::Status::Ok();
    };
    if (name == "amazonec2-access-key") s.access_key = v;
    else if (name == "amazonec2-secret-key") s.secret_key = v;
    else if (name == "amazonec2-session-token") s.session_token = v;
    else if (name == "amazonec2-region") { s.region = v; s.region_given = true; }
    else if (name == "amazonec2-zone") zone_letter = v;
    else if (name == "amazonec2-vpc-id") s.vpc_id = v;
    else if (name == "amazonec2-subnet-id") { for (auto& x : SplitList(v)) s.subnet_ids.push_back(x); }
    else if (name == "amazonec2-security-group") {
      for (auto& x : SplitList(v)) (x.rfind("sg-", 0) == 0 ? s.security_group_ids : s.security_group_names).push_back(x);
    }
    else if (name == "amazonec2-instance-type") {
      if (!types_set) s.instance_types.clear();
      types_set = true;
      for (auto& x : SplitList(v)) s.instance_types.push_back(x);
    }
    else if (name == "amazonec2-ami") s.ami = v;
    else if (name == "amazonec2-root-size") {
      auto n = ParseInt(name, v, 1, 65536);
      if (!n.ok()) return n.status().WithContext("MachineOptions");
      s.root_size_gb = *n;
    }
    else if (name == "amazonec2-volume-type") s.volume_type = v;
    else if (name == "amazonec2-request-spot-instance") SR_RETURN_IF_ERROR(flag(&s.spot));
    else if (name == "amazonec2-spot-price") s.max_price = v;
    else if (name == "amazonec2-iam-instance-profile") s.iam_instance_profile = v;
    else if (name == "amazonec2-tags") SR_RETURN_IF_ERROR(ParseTags(v, &s.tags).WithContext("MachineOptions"));
    else if (name == "amazonec2-use-private-address") SR_RETURN_IF_ERROR(flag(&s.use_private_address));
    else if (name == "amazonec2-private-address-only") SR_RETURN_IF_ERROR(flag(&s.private_address_only));
    else if (name == "amazonec2-ssh-user") s.ssh_user = v;
    else if (name == "amazonec2-ssh-port") {
      auto n = ParseInt(name, v, 1, 65535);
      if (!n.ok()) return n.status().WithContext("MachineOptions");
      s.ssh_port = *n;
    }
    else if (name == "amazonec2-keypair-name") s.keypair_name = v;
    else if (name == "amazonec2-ssh-keypath") s.ssh_key_path = v;
    else if (name == "amazonec2-userdata") s.userdata_file = v;
    else if (name == "amazonec2-endpoint") s.endpoint = v;
    else if (name == "amazonec2-metadata-token") s.metadata_token = v;
    else if (IgnoredMachineOptions().count(name)) continue;
    else return util::Status::InvalidArgument("MachineOptions \"" + opt + "\": unknown amazonec2 option " + name);
  }
  if (s.private_address_only) s.use_private_address = true;
  SR_RETURN_IF_ERROR(DaemonJson(s.engine).status());  // a bad engine-opt fails at load, not on the instance
  // docker-machine's zone is a letter appended to the region ("a" by default).
  s.zones = {s.region + (zone_letter.empty() ? "a" : zone_letter)};
  SR_RETURN_IF_ERROR(Validate(s));
  return s;
}

util::Result<AwsSettings> SettingsFromPluginConfig(const std::string& json) {
  AwsSettings s;
  if (json.empty()) return s;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return util::Status::InvalidArgument("[runners.autoscaler.plugin_config]: not a table");
  auto where = [](const std::string& key) { return "[runners.autoscaler.plugin_config] " + key; };
  auto str = [&](const char* key, std::string* out) -> util::Status {
    if (!j.contains(key)) return util::Status::Ok();
    if (!j[key].is_string()) return util::Status::InvalidArgument(where(key) + ": expected a string");
    *out = j[key].get<std::string>();
    return util::Status::Ok();
  };
  auto list = [&](const char* key, std::vector<std::string>* out) -> util::Status {
    if (!j.contains(key)) return util::Status::Ok();
    const auto& v = j[key];
    out->clear();
    if (v.is_string()) { *out = SplitList(v.get<std::string>()); return util::Status::Ok(); }
    if (!v.is_array()) return util::Status::InvalidArgument(where(key) + ": expected a list of strings");
    for (const auto& x : v) {
      if (!x.is_string()) return util::Status::InvalidArgument(where(key) + ": expected a list of strings");
      out->push_back(x.get<std::string>());
    }
    return util::Status::Ok();
  };
  auto boolean = [&](const char* key, bool* out) -> util::Status {
    if (!j.contains(key)) return util::Status::Ok();
    if (!j[key].is_boolean()) return util::Status::InvalidArgument(where(key) + ": expected true or false");
    *out = j[key].get<bool>();
    return util::Status::Ok();
  };
  static const std::set<std::string> kKnown = {
      "name", "profile", "config_file", "credentials_file", "region", "endpoint", "autoscaling_endpoint",
      "fleet_name", "instance_types", "subnet_ids", "zones", "vpc_id", "security_group_ids", "ami",
      "root_size", "spot", "on_demand_fallback", "max_price", "iam_instance_profile", "tags",
      "use_private_address", "private_address_only", "ssh_user", "keypair_name", "ssh_key_path",
      "userdata_file", "launch_template", "metadata_token"};
  for (const auto& [key, value] : j.items())
    if (!kKnown.count(key)) return util::Status::InvalidArgument(where(key) + ": unknown setting for the aws plugin");
  SR_RETURN_IF_ERROR(str("name", &s.asg_name));
  SR_RETURN_IF_ERROR(str("profile", &s.profile));
  SR_RETURN_IF_ERROR(str("config_file", &s.config_file));
  SR_RETURN_IF_ERROR(str("credentials_file", &s.credentials_file));
  SR_RETURN_IF_ERROR(str("region", &s.region));
  s.region_given = j.contains("region");
  SR_RETURN_IF_ERROR(str("endpoint", &s.endpoint));
  SR_RETURN_IF_ERROR(str("autoscaling_endpoint", &s.autoscaling_endpoint));
  SR_RETURN_IF_ERROR(str("fleet_name", &s.fleet_name));
  SR_RETURN_IF_ERROR(list("instance_types", &s.instance_types));
  SR_RETURN_IF_ERROR(list("subnet_ids", &s.subnet_ids));
  SR_RETURN_IF_ERROR(list("zones", &s.zones));
  SR_RETURN_IF_ERROR(str("vpc_id", &s.vpc_id));
  SR_RETURN_IF_ERROR(list("security_group_ids", &s.security_group_ids));
  SR_RETURN_IF_ERROR(str("ami", &s.ami));
  if (j.contains("root_size")) {
    if (!j["root_size"].is_number_integer() || j["root_size"].get<int64_t>() < 1)
      return util::Status::InvalidArgument(where("root_size") + ": expected a size in GiB");
    s.root_size_gb = j["root_size"].get<int>();
  }
  SR_RETURN_IF_ERROR(boolean("spot", &s.spot));
  SR_RETURN_IF_ERROR(boolean("on_demand_fallback", &s.on_demand_fallback));
  SR_RETURN_IF_ERROR(str("max_price", &s.max_price));
  SR_RETURN_IF_ERROR(str("iam_instance_profile", &s.iam_instance_profile));
  if (j.contains("tags")) {
    if (!j["tags"].is_object()) return util::Status::InvalidArgument(where("tags") + ": expected a table");
    for (const auto& [k, v] : j["tags"].items()) {
      if (!v.is_string()) return util::Status::InvalidArgument(where("tags." + k) + ": expected a string");
      s.tags[k] = v.get<std::string>();
    }
  }
  SR_RETURN_IF_ERROR(boolean("use_private_address", &s.use_private_address));
  SR_RETURN_IF_ERROR(boolean("private_address_only", &s.private_address_only));
  SR_RETURN_IF_ERROR(str("ssh_user", &s.ssh_user));
  SR_RETURN_IF_ERROR(str("keypair_name", &s.keypair_name));
  SR_RETURN_IF_ERROR(str("ssh_key_path", &s.ssh_key_path));
  SR_RETURN_IF_ERROR(str("userdata_file", &s.userdata_file));
  SR_RETURN_IF_ERROR(str("launch_template", &s.launch_template));
  SR_RETURN_IF_ERROR(str("metadata_token", &s.metadata_token));
  if (!j.contains("ssh_user") && s.asg_mode()) s.ssh_user = "ec2-user";  // the plugin's default
  if (s.private_address_only) s.use_private_address = true;
  SR_RETURN_IF_ERROR(Validate(s));
  return s;
}

bool IsAwsPluginName(const std::string& plugin) {
  std::string p = plugin;
  if (size_t slash = p.rfind('/'); slash != std::string::npos) p = p.substr(slash + 1);
  if (size_t colon = p.find(':'); colon != std::string::npos) p = p.substr(0, colon);
  return p == "aws" || p == "fleeting-plugin-aws";
}

util::Result<AwsSettings> SettingsForRunner(const config::RunnerConfig& runner) {
  std::string who = "runner \"" + runner.name + "\"";
  util::Result<AwsSettings> s = util::Status::FailedPrecondition(
      who + " does not use AWS (executor " + runner.executor + "; expected docker+machine with MachineDriver "
      "amazonec2, or docker-autoscaler/instance with plugin aws)");
  if (runner.executor == "docker+machine" && runner.machine.machine_driver == "amazonec2") {
    s = SettingsFromMachineOptions(runner.machine.machine_options);
  } else if ((runner.executor == "docker-autoscaler" || runner.executor == "instance") &&
             IsAwsPluginName(runner.autoscaler.plugin)) {
    s = SettingsFromPluginConfig(runner.autoscaler.plugin_config_json);
    if (s.ok()) {
      ResolveRegion(*s, [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
      });
    }
    if (s.ok()) s = WithConnector(std::move(*s), runner.autoscaler.connector);
  }
  if (s.ok()) s->install_engine = runner.executor == "docker+machine" || runner.executor == "docker-autoscaler";
  if (!s.ok()) return s.status().code() == util::Status::Code::kFailedPrecondition ? s.status() : s.status().WithContext(who);
  if (s->fleet_name.empty()) {
    std::string base = runner.name.empty() ? std::to_string(runner.id) : runner.name;
    for (char& c : base)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
    s->fleet_name = "spotrunner-" + base;
  }
  return s;
}

void ResolveRegion(AwsSettings& s, const std::function<std::optional<std::string>(const std::string&)>& env) {
  if (s.region_given) return;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env(name); v && !v->empty()) {
      s.region = *v;
      return;
    }
  }
  std::string profile = s.profile.empty() ? env("AWS_PROFILE").value_or("default") : s.profile;
  std::string file = s.config_file;
  if (file.empty()) file = env("AWS_CONFIG_FILE").value_or(env("HOME").value_or("") + "/.aws/config");
  auto keys = ReadAwsIniSection(file, profile == "default" ? "default" : "profile " + profile);
  if (keys.ok() && !(*keys)["region"].empty()) s.region = (*keys)["region"];
}

util::Status Validate(const AwsSettings& s) {
  // Regions look like "us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-4".
  static const std::regex kRegion(
      "(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso|-isob)?-(east|west|north|south|central|northeast|southeast|"
      "northwest|southwest)-[0-9]{1,2}");
  if (!std::regex_match(s.region, kRegion))
    return util::Status::InvalidArgument("aws region \"" + s.region + "\" does not look like a region (e.g. us-east-1)");
  if (s.instance_types.empty() && !s.asg_mode())
    return util::Status::InvalidArgument("aws: no instance type configured");
  if (s.metadata_token != "required" && s.metadata_token != "optional")
    return util::Status::InvalidArgument("aws metadata_token \"" + s.metadata_token + "\": expected required or optional");
  if (!s.max_price.empty()) {
    char* end = nullptr;
    double p = std::strtod(s.max_price.c_str(), &end);
    if (*end != '\0' || p <= 0) return util::Status::InvalidArgument("aws max price \"" + s.max_price + "\" is not a positive number");
  }
  return util::Status::Ok();
}

}  // namespace cloud::aws

#include "cloud/aws/aws_provider.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "cloud/aws/ami_lookup.h"
#include "cloud/aws/dead_man_user_data.h"
#include "cloud/aws/engine_user_data.h"
#include "cloud/aws/interruption_probe.h"
#include "cloud/aws/tags.h"
#include "cloud/aws/user_data.h"
#include "connect/ssh/ssh_keys.h"

namespace cloud::aws {
namespace {

// Capacity answers after which the next pool is tried.
bool IsPoolCapacityError(const std::string& code) {
  return code == "InsufficientInstanceCapacity" || code == "InsufficientCapacity" || code == "SpotMaxPriceTooLow" ||
         code == "UnfulfillableCapacity" || code == "Unsupported" || code == "InsufficientFreeAddressesInSubnet" ||
         code == "InsufficientAddressCapacity" || code == "MaxSpotInstanceCountExceeded";
}

}  // namespace

std::string AwsProvider::Pool::Name() const {
  return instance_type + "/" + (subnet_id.empty() ? (zone.empty() ? "default" : zone) : subnet_id);
}

InstanceState StateFromEc2(const std::string& state) {
  if (state == "pending") return InstanceState::kCreating;
  if (state == "running") return InstanceState::kRunning;
  if (state == "terminated") return InstanceState::kDeleted;
  if (state == "stopping" || state == "stopped") return InstanceState::kStopped;  // terminated by the manager
  return InstanceState::kDeleting;  // shutting-down
}

util::Result<ConnectInfo> ConnectInfoFor(const Ec2Instance& i, const AwsSettings& s, const std::string& key_pem) {
  if (i.state != "running")
    return util::Status::FailedPrecondition("instance " + i.id + " is " + (i.state.empty() ? "unknown" : i.state) +
                                            ", not running");
  ConnectInfo c;
  c.id = i.id;
  c.username = s.ssh_user;
  c.port = s.ssh_port;
  c.key_pem = key_pem;
  c.internal_addr = i.private_ip;
  c.external_addr = s.use_private_address ? i.private_ip : i.public_ip;
  if (c.external_addr.empty())
    return util::Status::FailedPrecondition(
        "instance " + i.id + " has no " + (s.use_private_address ? "private" : "public") +
        " address yet (set use_private_address / amazonec2-use-private-address to reach it privately)");
  return c;
}

AwsProvider::AwsProvider(AwsProviderOptions options, Ec2Client& ec2, const util::Clock& clock)
    : options_(std::move(options)), ec2_(ec2), clock_(clock), rng_(options_.seed) {
  const AwsSettings& s = options_.settings;
  ami_ = s.ami;
  auto user_data = UserData(HostKey{});
  if (user_data.ok()) user_data_base64_ = user_data->empty() ? "" : Base64(*user_data);
  else user_data_error_ = user_data.status();
  for (const auto& type : s.instance_types) {
    if (!s.subnet_ids.empty()) {
      for (const auto& subnet : s.subnet_ids) pools_.push_back({type, subnet, ""});
    } else if (!s.zones.empty()) {
      for (const auto& zone : s.zones) pools_.push_back({type, "", zone});
    } else {
      pools_.push_back({type, "", ""});
    }
  }
}

std::map<std::string, std::string> AwsProvider::LaunchTags(const std::string& market) const {
  std::map<std::string, std::string> tags = options_.settings.tags;
  tags["Name"] = options_.settings.fleet_name;
  tags[kFleetTag] = options_.settings.fleet_name;
  if (!options_.settings.manager_id.empty()) tags[kManagerTag] = options_.settings.manager_id;
  tags[kMarketTag] = market;
  return tags;
}

std::string AwsProvider::NextClientToken() {
  char buf[64];
  std::snprintf(buf, sizeof buf, "sr-%016llx-%llu", static_cast<unsigned long long>(rng_()),
                static_cast<unsigned long long>(++token_counter_));
  return buf;
}

void AwsProvider::Remember(const std::vector<Ec2Instance>& launched) {
  for (const auto& i : launched) {
    Ec2Instance copy = i;
    if (copy.state.empty()) copy.state = "pending";
    if (copy.launch_time == util::Time{}) copy.launch_time = clock_.Now();
    instances_[i.id] = copy;
  }
}

util::Result<int> AwsProvider::LaunchRound(int n, bool spot) {
  const AwsSettings& s = options_.settings;
  util::Time now = clock_.Now();
  int granted = 0;
  util::Status last_error = util::Status::ResourceExhausted(std::string("no ") + (spot ? "spot" : "on-demand") +
                                                            " pool is available (all cooling down after capacity errors)");
  // Cooling pools are tried only when every pool is cooling (better a likely failure than none).
  std::vector<const Pool*> order;
  for (const auto& p : pools_)
    if (pool_cooling_until_[p.Name() + (spot ? "/spot" : "/od")] <= now) order.push_back(&p);
  if (order.empty())
    for (const auto& p : pools_) order.push_back(&p);
  for (const Pool* pool : order) {
    if (granted >= n) break;
    RunInstancesRequest r;
    r.image_id = ami_;
    r.instance_type = pool->instance_type;
    r.max_count = n - granted;
    r.subnet_id = pool->subnet_id;
    r.availability_zone = pool->zone;
    r.security_group_ids = s.security_group_ids;
    r.security_group_names = s.security_group_ids.empty() ? s.security_group_names : std::vector<std::string>{};
    r.key_name = s.keypair_name;
    std::string host_public;
    auto user_data = LaunchUserData(&host_public);
    if (!user_data.ok()) return user_data.status();
    r.user_data_base64 = std::move(*user_data);
    r.iam_instance_profile = s.iam_instance_profile;
    r.spot = spot;
    r.max_price = s.max_price;
    r.root_size_gb = s.root_size_gb;
    r.volume_type = s.volume_type;
    r.metadata_http_tokens = s.metadata_token;
    r.tags = LaunchTags(spot ? "spot" : "on-demand");
    r.client_token = NextClientToken();
    // The dead-man switch powers the instance off; that must end it, not keep it stopped.
    r.shutdown_behavior = "terminate";
    auto launched = ec2_.RunInstances(r);
    if (launched.ok()) {
      Remember(*launched);
      for (const auto& i : *launched) host_keys_[i.id] = host_public;
      granted += static_cast<int>(launched->size());
      for (const auto& i : *launched) {
        spdlog::info("aws: launched {} instance {} ({}, {})", spot ? "spot" : "on-demand", i.id,
                     i.instance_type.empty() ? pool->instance_type : i.instance_type,
                     i.availability_zone.empty() ? pool->Name() : i.availability_zone);
      }
      continue;
    }
    const std::string code = ec2_.query().last_error().code;
    last_error = launched.status();
    if (!IsPoolCapacityError(code)) break;  // credentials, parameters, throttling: stop here
    spdlog::warn("aws: pool {} ({}) has no capacity: {}", pool->Name(), spot ? "spot" : "on-demand",
                 launched.status().message());
    pool_cooling_until_[pool->Name() + (spot ? "/spot" : "/od")] = now + options_.pool_cooldown;
    if (code == "MaxSpotInstanceCountExceeded") break;  // account-wide: no spot pool will do
  }
  if (granted == 0) return last_error;
  return granted;
}

util::Result<std::string> AwsProvider::UserData(const HostKey& host_key) const {
  const AwsSettings& s = options_.settings;
  // The user's part first, then ours: keys, the Docker Engine, the dead-man switch.
  auto user_data = BuildUserData(s.ssh_user, options_.ssh_public_key, options_.user_data_part, host_key);
  if (user_data.ok() && s.install_engine) {
    auto engine = EngineCloudConfig(s.engine, s.ssh_user);
    if (!engine.ok()) return engine.status();
    user_data = WithCloudConfigPart(*user_data, *engine, "the Docker Engine");
  }
  if (user_data.ok() && s.dead_man_timeout.count() > 0)
    user_data = WithDeadManSwitch(*user_data, s.ssh_user, s.dead_man_timeout);
  return user_data;
}

util::Result<std::string> AwsProvider::LaunchUserData(std::string* host_public) const {
  auto kp = connect::GenerateKeyPair("");
  if (!kp.ok()) return kp.status().WithContext("aws: instance host key");
  auto user_data = UserData(HostKey{kp->private_pem, kp->public_line});
  if (!user_data.ok()) return user_data.status();
  *host_public = kp->public_line;
  return Base64(*user_data);
}

util::Status AwsProvider::ResolveAmi() {
  const AwsSettings& s = options_.settings;
  auto arch = LookupArchitecture(s.arch, s.instance_types);
  if (!arch.ok()) return arch.status();
  auto image = FindUbuntuLts(ec2_, *arch);
  if (!image.ok()) return image.status();
  ami_ = image->id;  // kept for the provider's life: every instance of the fleet boots the same image
  spdlog::info("aws: fleet {}: no AMI configured; using {} ({}, {}, created {})", s.fleet_name, image->id, image->name,
               image->architecture.empty() ? *arch : image->architecture, image->creation_date);
  return util::Status::Ok();
}

util::Result<int> AwsProvider::FleetRound(int n, bool spot) {
  CreateFleetRequest r;
  r.launch_template_name = options_.settings.launch_template;
  for (const auto& p : pools_) r.overrides.push_back({p.instance_type, p.subnet_id, spot ? options_.settings.max_price : ""});
  r.total_capacity = n;
  r.spot = spot;
  r.tags = LaunchTags(spot ? "spot" : "on-demand");
  r.client_token = NextClientToken();
  auto out = ec2_.CreateFleet(r);
  if (!out.ok()) return out.status();
  std::vector<Ec2Instance> launched;
  for (const auto& id : out->instance_ids) launched.push_back(Ec2Instance{.id = id, .state = "pending"});
  Remember(launched);
  for (const auto& i : launched)
    spdlog::info("aws: launched {} instance {} (CreateFleet)", spot ? "spot" : "on-demand", i.id);
  for (const auto& e : out->errors)
    spdlog::warn("aws: CreateFleet pool {}/{} ({}): {}: {}", e.instance_type, e.subnet_id, e.lifecycle, e.code, e.message);
  if (launched.empty()) {
    std::string why = out->errors.empty() ? "no instance and no error" : out->errors[0].code + ": " + out->errors[0].message;
    return util::Status::ResourceExhausted("EC2 CreateFleet (" + std::string(spot ? "spot" : "on-demand") +
                                           ") launched nothing: " + why);
  }
  return static_cast<int>(launched.size());
}

util::Result<int> AwsProvider::Increase(int n) {
  if (n <= 0) return util::Status::InvalidArgument("aws: Increase needs n > 0");
  const AwsSettings& s = options_.settings;
  if (pools_.empty()) return util::Status::InvalidArgument("aws: no instance type configured");
  if (!user_data_error_.ok()) return user_data_error_;
  if (ami_.empty() && s.launch_template.empty()) SR_RETURN_IF_ERROR(ResolveAmi());
  bool fleet = !s.launch_template.empty();
  int granted = 0;
  util::Status error = util::Status::Ok();
  if (s.spot) {
    auto r = fleet ? FleetRound(n, true) : LaunchRound(n, true);
    if (r.ok()) granted += *r;
    else error = r.status();
  }
  bool retryable_error = error.ok() || error.code() == util::Status::Code::kResourceExhausted;
  if (granted < n && (!s.spot || (s.on_demand_fallback && retryable_error))) {
    auto r = fleet ? FleetRound(n - granted, false) : LaunchRound(n - granted, false);
    if (r.ok()) granted += *r;
    else if (granted == 0) error = r.status();
  }
  if (granted == 0) return error.ok() ? util::Status::ResourceExhausted("aws: nothing launched") : error;
  return granted;
}

util::Status AwsProvider::Refresh(bool force) {
  util::Time now = clock_.Now();
  // Forced refreshes (Connect to an instance not seen running yet) are limited too, so the
  // calls per minute stay bounded however many instances boot at once.
  bool expecting = !noticed_.empty();
  for (const auto& [id, i] : instances_) expecting = expecting || i.state != "running";
  util::Duration interval = expecting || force
                                ? std::min(options_.min_list_interval, options_.list_interval_when_expecting)
                                : options_.min_list_interval;
  if (listed_once_ && now - last_list_ < interval) return util::Status::Ok();
  const std::string& manager = options_.settings.manager_id;
  std::vector<Filter> filters = {
      {"tag:" + std::string(kFleetTag), {options_.settings.fleet_name}},
      {"instance-state-name", {"pending", "running", "shutting-down", "stopping", "stopped", "terminated"}}};
  if (!manager.empty()) filters.push_back({"tag:" + std::string(kManagerTag), {manager}});
  auto found = ec2_.DescribeInstances(filters);
  if (!found.ok()) return found.status();
  std::map<std::string, Ec2Instance> fresh;
  for (auto& i : *found) {
    auto it = i.tags.find(kFleetTag);
    if (it == i.tags.end() || it->second != options_.settings.fleet_name) continue;  // never touch others'
    auto m = i.tags.find(kManagerTag);
    if (!manager.empty() && (m == i.tags.end() || m->second != manager)) continue;  // another manager's
    fresh[i.id] = i;
  }
  for (const auto& [id, old] : instances_) {
    auto it = fresh.find(id);
    bool launched_recently = now - old.launch_time < std::chrono::minutes(2);  // eventual consistency
    if (it == fresh.end() && launched_recently) {
      fresh[id] = old;
      continue;
    }
    if ((it == fresh.end() || it->second.state == "terminated") && old.state != "terminated") {
      if (it != fresh.end() && it->second.state_reason.find("Spot") != std::string::npos)
        spdlog::warn("aws: spot instance {} was reclaimed ({})", id, it->second.state_reason);
      events_.push_back(ProviderEvent{ProviderEvent::Kind::kGone, id, now, now});
    }
  }
  std::erase_if(fresh, [](const auto& kv) { return kv.second.state == "terminated"; });
  std::erase_if(host_keys_, [&](const auto& kv) { return !fresh.count(kv.first); });
  std::erase_if(noticed_, [&](const std::string& id) { return !fresh.count(id); });
  instances_ = std::move(fresh);
  last_list_ = now;
  listed_once_ = true;
  return util::Status::Ok();
}

util::Result<std::vector<InstanceInfo>> AwsProvider::List() {
  SR_RETURN_IF_ERROR(Refresh(false));
  std::vector<InstanceInfo> out;
  for (const auto& [id, i] : instances_) out.push_back({id, StateFromEc2(i.state), i.launch_time});
  return out;  // std::map keeps ids sorted
}

util::Result<std::vector<std::string>> AwsProvider::Decrease(const std::vector<std::string>& ids) {
  std::vector<std::string> ours, done;
  for (const auto& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) done.push_back(id);  // unknown or gone: nothing of ours to delete
    else if (it->second.state == "shutting-down") done.push_back(id);
    else ours.push_back(id);
  }
  if (ours.empty()) return done;
  auto accepted = ec2_.TerminateInstances(ours);
  if (!accepted.ok()) return accepted.status();
  for (const auto& id : *accepted) {
    if (auto it = instances_.find(id); it != instances_.end()) it->second.state = "shutting-down";
    done.push_back(id);
  }
  return done;
}

util::Result<ConnectInfo> AwsProvider::Connect(const std::string& id) {
  auto it = instances_.find(id);
  if (it == instances_.end() || it->second.state != "running") {
    SR_RETURN_IF_ERROR(Refresh(true));
    it = instances_.find(id);
  }
  if (it == instances_.end()) return util::Status::NotFound("aws: instance " + id + " is not in fleet " + options_.settings.fleet_name);
  auto info = ConnectInfoFor(it->second, options_.settings, options_.ssh_private_key_pem);
  // Instances of a launch template (CreateFleet) boot with its user data: their host key
  // is not ours to know, and the connection pins the first one it sees.
  if (info.ok()) {
    if (auto hk = host_keys_.find(id); hk != host_keys_.end()) info->host_key = hk->second;
  }
  return info;
}

std::vector<ProviderEvent> AwsProvider::TakeEvents() { return std::exchange(events_, {}); }

std::string AwsProvider::InstanceProbeCommand() const { return InterruptionProbeCommand(); }

bool AwsProvider::OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) {
  std::optional<ProviderEvent> notice = ParseProbeOutput(id, output, now);
  return notice && ReportNotice(*notice);
}

bool AwsProvider::ReportNotice(const ProviderEvent& notice) {
  if (!noticed_.insert(notice.id).second) return false;
  spdlog::warn("aws: instance {} has a spot interruption notice; it takes no more jobs", notice.id);
  events_.push_back(notice);
  return true;
}

}  // namespace cloud::aws

#include "ec2emulator/emulator.h"

#include <cstdio>

#include "ec2emulator/user_data.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

// AWS services also name the request id in a header, which the SDKs read.
HttpReply WithRequestId(HttpReply r, const std::string& id) {
  r.headers.emplace_back("x-amzn-RequestId", id);
  return r;
}

struct ActionEntry {
  const char* name;
  std::optional<ApiError> (Emulator::*handler)(const QueryParams&, pugi::xml_node);
};

}  // namespace

Emulator::Emulator(util::Clock& clock, EmulatorOptions options)
    : clock_(clock), opt_(std::move(options)), rng_(opt_.seed) {
  // The history starts with today's price, set an hour before the emulator started.
  const util::Time t = clock_.Now() - std::chrono::hours(1);
  const auto zones = opt_.Zones();
  for (const auto& type : opt_.instance_types) {
    for (size_t z = 0; z < zones.size(); ++z) {
      spot_history_.push_back({type.name, zones[z], type.spot_price + 0.0001 * static_cast<double>(z), t});
    }
  }
}

std::string Emulator::NewId(const char* prefix, int hex_digits) {
  static const char* kHex = "0123456789abcdef";
  std::string id = prefix;
  for (int i = 0; i < hex_digits; ++i) id.push_back(kHex[rng_() & 15]);
  return id;
}

std::string Emulator::NewRequestId() {
  std::string s = NewId("", 32);
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) + "-" + s.substr(20);
}

HttpReply Emulator::Ec2Error(const ApiError& e) {
  std::lock_guard<std::mutex> l(mu_);
  const std::string id = NewRequestId();
  return WithRequestId(HttpReply{e.http_status, Ec2ErrorXml(e, id)}, id);
}

HttpReply Emulator::AutoScalingError(const ApiError& e) {
  std::lock_guard<std::mutex> l(mu_);
  const std::string id = NewRequestId();
  return WithRequestId(HttpReply{e.http_status, AutoScalingErrorXml(e, id)}, id);
}

HttpReply Emulator::Ec2(const QueryParams& p) {
  static const ActionEntry kActions[] = {
      {"RunInstances", &Emulator::RunInstances},
      {"DescribeInstances", &Emulator::DescribeInstances},
      {"TerminateInstances", &Emulator::TerminateInstances},
      {"CreateTags", &Emulator::CreateTags},
      {"CreateFleet", &Emulator::CreateFleet},
      {"DescribeSpotPriceHistory", &Emulator::DescribeSpotPriceHistory},
      {"DescribeImages", &Emulator::DescribeImages},
  };
  std::lock_guard<std::mutex> l(mu_);
  AdvanceLocked(clock_.Now());
  request_id_ = NewRequestId();
  auto fail = [&](const ApiError& e) {
    return WithRequestId(HttpReply{e.http_status, Ec2ErrorXml(e, request_id_)}, request_id_);
  };
  const std::string action = p.Get("Action");
  if (action.empty()) return fail({400, "MissingAction", "The request must contain the parameter Action"});
  const std::string* version = p.Find("Version");
  if (!version) return fail(MissingParameter("Version"));
  if (*version != kEc2Version) {
    return fail({400, "NoSuchVersion", "The requested version (" + *version + ") of service AmazonEC2 does not exist"});
  }
  Handler handler = nullptr;
  for (const auto& a : kActions) {
    if (action == a.name) handler = a.handler;
  }
  if (!handler) return fail({400, "InvalidAction", "The action " + action + " is not valid for this web service."});
  ++stats_[action];
  if (faults_.TakeThrottle(action)) return fail({503, "RequestLimitExceeded", "Request limit exceeded."});
  auto dry = p.GetBool("DryRun", false);
  if (IsError(dry)) return fail(std::get<ApiError>(dry));
  if (std::get<bool>(dry)) {
    return fail({412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set."});
  }
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child((action + "Response").c_str());
  root.append_attribute("xmlns") = kEc2Namespace;
  AddText(root, "requestId", request_id_);
  if (auto err = (this->*handler)(p, root)) return fail(*err);
  return WithRequestId(HttpReply{200, Serialize(doc)}, request_id_);
}

HttpReply Emulator::AutoScaling(const QueryParams& p) {
  static const ActionEntry kActions[] = {
      {"CreateAutoScalingGroup", &Emulator::CreateAutoScalingGroup},
      {"DescribeAutoScalingGroups", &Emulator::DescribeAutoScalingGroups},
      {"SetDesiredCapacity", &Emulator::SetDesiredCapacity},
      {"TerminateInstanceInAutoScalingGroup", &Emulator::TerminateInstanceInAutoScalingGroup},
  };
  std::lock_guard<std::mutex> l(mu_);
  AdvanceLocked(clock_.Now());
  request_id_ = NewRequestId();
  auto fail = [&](const ApiError& e) {
    return WithRequestId(HttpReply{e.http_status, AutoScalingErrorXml(e, request_id_)}, request_id_);
  };
  const std::string action = p.Get("Action");
  if (action.empty()) return fail({400, "MissingAction", "The request must contain the parameter Action"});
  const std::string* version = p.Find("Version");
  if (!version) return fail(MissingParameter("Version"));
  if (*version != kAutoScalingVersion) {
    return fail(
        {400, "NoSuchVersion", "The requested version (" + *version + ") of service AutoScaling does not exist"});
  }
  Handler handler = nullptr;
  for (const auto& a : kActions) {
    if (action == a.name) handler = a.handler;
  }
  if (!handler) return fail({400, "InvalidAction", "The action " + action + " is not valid for this web service."});
  ++stats_[action];
  if (faults_.TakeThrottle(action)) return fail({400, "Throttling", "Rate exceeded"});
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child((action + "Response").c_str());
  root.append_attribute("xmlns") = kAutoScalingNamespace;
  if (auto err = (this->*handler)(p, root)) return fail(*err);
  AddText(AddChild(root, "ResponseMetadata"), "RequestId", request_id_);
  return WithRequestId(HttpReply{200, Serialize(doc)}, request_id_);
}

Instance& Emulator::LaunchLocked(const LaunchPlan& plan, int launch_index) {
  const util::Time now = clock_.Now();
  Instance i;
  i.id = NewId("i-0", 16);
  i.reservation_id = plan.reservation_id;
  const Subnet* subnet = opt_.FindSubnet(plan.subnet_id);
  i.subnet_id = plan.subnet_id;
  if (subnet) {
    i.zone = subnet->zone;
    i.vpc_id = subnet->vpc_id;
    int& next = next_address_[subnet->id];
    if (next == 0) next = 10;
    i.private_ip = subnet->cidr_prefix + std::to_string(next);
    next = next >= 250 ? 10 : next + 1;
  }
  i.image_id = plan.image_id.empty() ? opt_.default_image_id : plan.image_id;
  i.instance_type = plan.instance_type;
  i.key_name = plan.key_name;
  i.user_data = plan.user_data;
  i.shutdown_behavior = plan.shutdown_behavior;
  i.client_token = plan.client_token;
  i.spot = plan.spot;
  if (plan.spot) i.spot_request_id = NewId("sir-", 8);
  i.asg_name = plan.asg_name;
  i.launch_index = launch_index;
  i.tags = plan.tags;
  i.state = InstanceState::kPending;
  i.state_reason_code = "pending";
  i.state_reason_message = "pending";
  i.launch_time = now;
  i.seq = next_seq_++;
  i.ready_at = now + faults_.BootTime(plan.instance_type, opt_.boot_time);
  const InstanceTypeInfo* type = opt_.FindType(plan.instance_type);
  i.hourly_price = plan.spot ? SpotPriceLocked(i.instance_type, i.zone) : (type ? type->on_demand_price : 0);
  std::string id = i.id;
  return instances_.emplace(id, std::move(i)).first->second;
}

void Emulator::BeginTerminateLocked(Instance& i, const std::string& reason_code, const std::string& reason_message,
                                    const std::string& reason) {
  if (i.state != InstanceState::kPending && i.state != InstanceState::kRunning && i.state != InstanceState::kStopping &&
      i.state != InstanceState::kStopped)
    return;
  i.state = InstanceState::kShuttingDown;
  i.state_reason_code = reason_code;
  i.state_reason_message = reason_message;
  i.reason = reason;
  i.terminated_at = clock_.Now() + opt_.Scaled(opt_.shutdown_time);
  i.ended_at = clock_.Now();
}

void Emulator::AdvanceLocked(util::Time now) {
  for (auto it = instances_.begin(); it != instances_.end();) {
    Instance& i = it->second;
    if (i.state == InstanceState::kPending && i.backend_failed) {
      BeginTerminateLocked(i, "Server.InternalError", "Server.InternalError: Internal error on launch", "");
    }
    if (i.state == InstanceState::kPending && i.backend_ready && now >= i.ready_at) {
      i.state = InstanceState::kRunning;
      i.state_reason_code.clear();
      i.state_reason_message.clear();
    }
    if (i.interruption_time && now >= *i.interruption_time) {
      BeginTerminateLocked(i, "Server.SpotInstanceTermination",
                           "Server.SpotInstanceTermination: Spot instance termination", "");
    }
    if (i.state == InstanceState::kStopping && now >= i.terminated_at && (i.backend_gone || !i.launch_dispatched)) {
      i.state = InstanceState::kStopped;
    }
    if (i.state == InstanceState::kShuttingDown && now >= i.terminated_at && (i.backend_gone || !i.launch_dispatched)) {
      i.state = InstanceState::kTerminated;
      i.forget_at = now + opt_.Scaled(opt_.terminated_visible);
    }
    if (i.state == InstanceState::kTerminated && now >= i.forget_at) {
      it = instances_.erase(it);
      continue;
    }
    ++it;
  }
  for (auto it = imds_tokens_.begin(); it != imds_tokens_.end();) {
    it = now >= it->second.expires ? imds_tokens_.erase(it) : std::next(it);
  }
  ReconcileGroupsLocked();
}

std::vector<BackendWork> Emulator::Tick() {
  std::lock_guard<std::mutex> l(mu_);
  AdvanceLocked(clock_.Now());
  std::vector<const Instance*> order;
  for (const auto& [id, i] : instances_) order.push_back(&i);
  std::sort(order.begin(), order.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
  std::vector<BackendWork> work;
  for (const Instance* ci : order) {
    Instance& i = instances_.at(ci->id);
    if (i.state == InstanceState::kPending && !i.launch_dispatched) {
      i.launch_dispatched = true;
      BackendWork w;
      w.kind = BackendWork::Kind::kLaunch;
      w.instance_id = i.id;
      w.launch = LaunchRequest{i.id, i.instance_type, i.zone, i.subnet_id, i.private_ip, i.spot, AuthorizedKeysOf(i.user_data)};
      if (auto hk = HostKeyOf(i.user_data); hk.ok()) w.launch.host_key_pem = hk->private_pem;
      w.launch.dead_man_timeout = DeadManTimeoutOf(i.user_data);
      w.launch.engine = EngineOf(i.user_data);
      work.push_back(std::move(w));
    } else if ((i.state == InstanceState::kShuttingDown || i.state == InstanceState::kStopping) && i.launch_dispatched &&
               !i.backend_handle.empty() && !i.terminate_dispatched && !i.backend_gone) {
      i.terminate_dispatched = true;
      BackendWork w;
      w.kind = BackendWork::Kind::kTerminate;
      w.instance_id = i.id;
      w.handle = i.backend_handle;
      work.push_back(std::move(w));
    }
  }
  return work;
}

void Emulator::OnLaunched(const std::string& instance_id, const util::Result<LaunchedInstance>& result) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return;
  Instance& i = it->second;
  if (result.ok()) {
    i.backend_ready = true;
    i.backend_handle = result->handle;
    if (!result->private_ip.empty()) i.private_ip = result->private_ip;
  } else {
    i.backend_failed = true;
    i.backend_gone = true;
  }
  AdvanceLocked(clock_.Now());
}

void Emulator::OnTerminated(const std::string& instance_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return;
  it->second.backend_gone = true;
  AdvanceLocked(clock_.Now());
}

void Emulator::OnInstanceShutdown(const std::string& handle) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [id, i] : instances_) {
    if (i.backend_handle != handle || i.backend_gone) continue;
    i.backend_gone = true;  // powered off: nothing left to remove
    const std::string code = "Client.InstanceInitiatedShutdown";
    const std::string message = code + ": Instance initiated shutdown";
    if (i.shutdown_behavior == "terminate") {
      BeginTerminateLocked(i, code, message, "User initiated shutdown");
    } else if (i.state == InstanceState::kPending || i.state == InstanceState::kRunning) {
      i.state = InstanceState::kStopping;
      i.state_reason_code = code;
      i.state_reason_message = message;
      i.reason = "User initiated shutdown";
      i.terminated_at = clock_.Now() + opt_.Scaled(opt_.shutdown_time);
    }
  }
  AdvanceLocked(clock_.Now());
}

util::Status Emulator::Stop(const std::string& instance_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return util::Status::NotFound("instance " + instance_id + " does not exist");
  Instance& i = it->second;
  if (i.state != InstanceState::kPending && i.state != InstanceState::kRunning)
    return util::Status::FailedPrecondition("instance " + instance_id + " is " + StateName(i.state));
  i.state = InstanceState::kStopping;
  i.state_reason_code = "Client.UserInitiatedShutdown";
  i.state_reason_message = "Client.UserInitiatedShutdown: User initiated shutdown";
  i.terminated_at = clock_.Now() + opt_.Scaled(opt_.shutdown_time);
  return util::Status::Ok();
}

std::vector<std::pair<std::string, std::string>> Emulator::LiveBackends() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, i] : instances_) {
    if (i.launch_dispatched && !i.backend_gone) out.emplace_back(id, i.backend_handle);
  }
  return out;
}

std::string Emulator::InsufficientCapacityMessage(const std::string& type, const std::string& zone) const {
  std::string others;
  for (const auto& z : opt_.Zones()) {
    if (z != zone) others += (others.empty() ? "" : ", ") + z;
  }
  return "We currently do not have sufficient " + type + " capacity in the Availability Zone you requested (" + zone +
         "). Our system will be working on provisioning additional capacity. You can currently get " + type +
         " capacity by not specifying an Availability Zone in your request or choosing " + others + ".";
}

util::Status Emulator::Interrupt(const std::string& instance_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return util::Status::NotFound("instance " + instance_id + " does not exist");
  Instance& i = it->second;
  if (!i.spot) return util::Status::FailedPrecondition("instance " + instance_id + " is not a spot instance");
  if (i.state != InstanceState::kPending && i.state != InstanceState::kRunning) {
    return util::Status::FailedPrecondition("instance " + instance_id + " is " + StateName(i.state));
  }
  if (!i.interruption_time) i.interruption_time = clock_.Now() + opt_.Scaled(opt_.spot_notice);
  return util::Status::Ok();
}

util::Status Emulator::Rebalance(const std::string& instance_id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return util::Status::NotFound("instance " + instance_id + " does not exist");
  if (!it->second.spot) return util::Status::FailedPrecondition("instance " + instance_id + " is not a spot instance");
  if (!it->second.rebalance_time) it->second.rebalance_time = clock_.Now();
  return util::Status::Ok();
}

util::Status Emulator::AddFault(const nlohmann::json& fault) {
  std::lock_guard<std::mutex> l(mu_);
  return faults_.AddJson(fault);
}

void Emulator::ClearFaults() {
  std::lock_guard<std::mutex> l(mu_);
  faults_.Clear();
}

nlohmann::json Emulator::FaultsJson() const {
  std::lock_guard<std::mutex> l(mu_);
  return faults_.ToJson();
}

nlohmann::json Emulator::InstancesJson() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<const Instance*> order;
  for (const auto& [id, i] : instances_) order.push_back(&i);
  std::sort(order.begin(), order.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
  nlohmann::json out = nlohmann::json::array();
  const util::Time now = clock_.Now();
  for (const Instance* i : order) {
    const InstanceTypeInfo* type = opt_.FindType(i->instance_type);
    nlohmann::json tags = nlohmann::json::object();
    for (const auto& [k, v] : i->tags) tags[k] = v;
    out.push_back({{"id", i->id},
                   {"state", StateName(i->state)},
                   {"instance_type", i->instance_type},
                   {"image_id", i->image_id},
                   {"zone", i->zone},
                   {"spot", i->spot},
                   {"private_ip", i->private_ip},
                   {"tags", tags},
                   {"asg", i->asg_name},
                   {"backend_handle", i->backend_handle},
                   {"key_name", i->key_name},
                   {"user_data_keys", AuthorizedKeysOf(i->user_data).size()},
                   {"dead_man_timeout", DeadManTimeoutOf(i->user_data).count()},
                   {"shutdown_behavior", i->shutdown_behavior},
                   {"state_reason", i->state_reason_code},
                   {"interruption_time", i->interruption_time ? IsoSeconds(*i->interruption_time) : ""},
                   {"launch_time", IsoSeconds(i->launch_time)},
                   {"end_time", i->ended_at ? IsoSeconds(*i->ended_at) : ""},
                   {"billed_seconds", util::ToSeconds((i->ended_at ? *i->ended_at : now) - i->launch_time)},
                   {"hourly_price", i->hourly_price},
                   {"on_demand_price", type ? type->on_demand_price : 0.0}});
  }
  return out;
}

util::Status Emulator::SetSpotPrice(const std::string& instance_type, double price) {
  std::lock_guard<std::mutex> l(mu_);
  if (!opt_.FindType(instance_type)) return util::Status::NotFound("unknown instance type " + instance_type);
  if (price <= 0) return util::Status::InvalidArgument("spot price must be positive");
  for (const auto& z : opt_.Zones()) spot_history_.push_back({instance_type, z, price, clock_.Now()});
  return util::Status::Ok();
}

nlohmann::json Emulator::StatsJson() const {
  std::lock_guard<std::mutex> l(mu_);
  return nlohmann::json(stats_);
}

}  // namespace ec2emulator

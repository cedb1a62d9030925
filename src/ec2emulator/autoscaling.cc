// Auto Scaling: CreateAutoScalingGroup (test set-up), DescribeAutoScalingGroups,
// SetDesiredCapacity, TerminateInstanceInAutoScalingGroup, and the reconciliation that
// keeps each group at its desired capacity (launching through the same books as EC2).
// Scale-in removes the most recently launched instance first.
#include <algorithm>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t c = s.find(',', pos);
    if (c == std::string::npos) c = s.size();
    std::string item = s.substr(pos, c - pos);
    item.erase(0, item.find_first_not_of(' '));
    if (!item.empty()) item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    pos = c + 1;
  }
  return out;
}

std::string LifecycleState(InstanceState s) {
  switch (s) {
    case InstanceState::kPending:
      return "Pending";
    case InstanceState::kRunning:
      return "InService";
    case InstanceState::kShuttingDown:
    case InstanceState::kStopping:  // a group replaces a stopped instance (it fails its health check)
    case InstanceState::kStopped:
      return "Terminating";
    case InstanceState::kTerminated:
      return "Terminated";
  }
  return "Pending";
}

// Whether the index-th instance of a group (0-based) is spot: the first `base` are
// on-demand; above them `percent`% are on-demand, spread evenly.
bool SpotSlot(int index, int base, int percent) {
  if (index < base) return false;
  const int k = index - base;
  auto on_demand_among = [&](int n) { return (n * percent + 99) / 100; };  // ceil
  return on_demand_among(k + 1) == on_demand_among(k);
}

bool Active(const Instance& i) { return i.state == InstanceState::kPending || i.state == InstanceState::kRunning; }

ApiError NotNull(const std::string& field) {
  return ValidationError("1 validation error detected: Value null at '" + field +
                         "' failed to satisfy constraint: Member must not be null");
}

}  // namespace

std::optional<ApiError> Emulator::CreateAutoScalingGroup(const QueryParams& p, pugi::xml_node) {
  AutoScalingGroup g;
  g.name = p.Get("AutoScalingGroupName");
  if (g.name.empty()) return NotNull("autoScalingGroupName");
  if (groups_.count(g.name)) {
    return ApiError{
        400, "AlreadyExists",
        "AutoScalingGroup by this name already exists - A group with the name " + g.name + " already exists"};
  }
  for (const char* k : {"MinSize", "MaxSize"}) {
    if (!p.Has(k)) return NotNull(std::string(1, static_cast<char>(std::tolower(k[0]))) + (k + 1));
  }
  auto min_r = p.GetInt("MinSize");
  auto max_r = p.GetInt("MaxSize");
  auto des_r = p.GetInt("DesiredCapacity");
  for (const auto* r : {&min_r, &max_r, &des_r}) {
    if (IsError(*r)) return ValidationError(std::get<ApiError>(*r).message);
  }
  g.min_size = static_cast<int>(*std::get<std::optional<int64_t>>(min_r));
  g.max_size = static_cast<int>(*std::get<std::optional<int64_t>>(max_r));
  g.desired = static_cast<int>(std::get<std::optional<int64_t>>(des_r).value_or(g.min_size));
  if (g.min_size < 0 || g.max_size < g.min_size) {
    return ValidationError("Max bound, " + std::to_string(g.max_size) +
                           ", must be greater than or equal to min bound, " + std::to_string(g.min_size));
  }
  if (g.desired < g.min_size || g.desired > g.max_size) {
    return ValidationError("Desired capacity:" + std::to_string(g.desired) +
                           " must be between the specified min size:" + std::to_string(g.min_size) +
                           " and max size:" + std::to_string(g.max_size));
  }
  QueryParams lt = p.Sub("LaunchTemplate");
  if (lt.empty()) {
    lt = p.Sub("MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification");
    g.mixed_policy = !lt.empty();
  }
  g.launch_template_id = lt.Get("LaunchTemplateId");
  g.launch_template_name = lt.Get("LaunchTemplateName");
  g.launch_template_version = lt.Get("Version", "$Default");
  if (g.launch_template_id.empty() && g.launch_template_name.empty()) {
    return ValidationError(
        "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, "
        "InstanceId or MixedInstancesPolicy parameter.");
  }
  for (const QueryParams& o : p.Structs("MixedInstancesPolicy.LaunchTemplate.Overrides.member")) {
    const std::string t = o.Get("InstanceType");
    if (!opt_.FindType(t)) return ValidationError("Invalid instance type '" + t + "' in the overrides.");
    g.instance_types.push_back(t);
  }
  const QueryParams dist = p.Sub("MixedInstancesPolicy.InstancesDistribution");
  g.on_demand_base = std::atoi(dist.Get("OnDemandBaseCapacity", "0").c_str());
  g.on_demand_percent = std::atoi(dist.Get("OnDemandPercentageAboveBaseCapacity", "100").c_str());
  g.spot_allocation_strategy = dist.Get("SpotAllocationStrategy");
  g.subnet_ids = SplitComma(p.Get("VPCZoneIdentifier"));
  for (const auto& s : g.subnet_ids) {
    if (!opt_.FindSubnet(s)) return ValidationError("The subnet ID '" + s + "' does not exist");
  }
  if (g.subnet_ids.empty()) {
    for (const auto& z : p.List("AvailabilityZones.member")) {
      bool found = false;
      for (const auto& s : opt_.subnets) {
        if (s.zone == z) {
          g.subnet_ids.push_back(s.id);
          found = true;
          break;
        }
      }
      if (!found) return ValidationError("Invalid Availability Zone: " + z);
    }
  }
  if (g.subnet_ids.empty()) return ValidationError("At least one Availability Zone or VPC Subnet is required.");
  for (const QueryParams& t : p.Structs("Tags.member")) {
    GroupTag tag{t.Get("Key"), t.Get("Value"), t.Get("PropagateAtLaunch") == "true"};
    if (tag.key.empty()) return ValidationError("Tag key must not be empty");
    g.tags.push_back(std::move(tag));
  }
  g.created = clock_.Now();
  g.arn = "arn:aws:autoscaling:" + opt_.region + ":" + opt_.account_id + ":autoScalingGroup:" + NewRequestId() +
          ":autoScalingGroupName/" + g.name;
  groups_[g.name] = std::move(g);
  ReconcileGroupsLocked();
  return std::nullopt;
}

void Emulator::ReconcileGroupsLocked() {
  for (auto& [name, g] : groups_) {
    std::vector<Instance*> active;
    for (auto& [id, i] : instances_) {
      if (i.asg_name == name && Active(i)) active.push_back(&i);
    }
    std::sort(active.begin(), active.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
    while (static_cast<int>(active.size()) > g.desired) {
      BeginTerminateLocked(*active.back(), "Client.UserInitiatedShutdown",
                           "Client.UserInitiatedShutdown: User initiated shutdown", "");
      active.pop_back();
    }
    int missing = g.desired - static_cast<int>(active.size());
    const std::vector<std::string> types =
        g.instance_types.empty() ? std::vector<std::string>{"t3.micro"} : g.instance_types;
    for (int n = 0; n < missing; ++n) {
      // Zone balance: the subnet with the fewest active instances of the group.
      std::string subnet = g.subnet_ids.front();
      size_t best = SIZE_MAX;
      for (const auto& s : g.subnet_ids) {
        size_t c = std::count_if(active.begin(), active.end(), [&](const Instance* i) { return i->subnet_id == s; });
        if (c < best) {
          best = c;
          subnet = s;
        }
      }
      const int index = static_cast<int>(active.size());
      const bool spot = g.mixed_policy && SpotSlot(index, g.on_demand_base, g.on_demand_percent);
      const std::string& zone = opt_.FindSubnet(subnet)->zone;
      std::string type;
      for (const auto& t : types) {
        if (!faults_.TakeCapacity(t, zone, spot)) {
          type = t;
          break;
        }
      }
      if (type.empty()) return;  // no capacity now; the next reconciliation tries again
      LaunchPlan plan;
      plan.instance_type = type;
      plan.subnet_id = subnet;
      plan.spot = spot;
      plan.asg_name = name;
      plan.reservation_id = NewId("r-0", 16);
      for (const auto& t : g.tags) {
        if (t.propagate_at_launch) SetTag(plan.tags, t.key, t.value);
      }
      SetTag(plan.tags, "aws:autoscaling:groupName", name);
      active.push_back(&LaunchLocked(plan, 0));
    }
  }
}

std::optional<ApiError> Emulator::DescribeAutoScalingGroups(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> names = p.List("AutoScalingGroupNames.member");
  auto max_r = p.GetInt("MaxRecords");
  if (IsError(max_r)) return ValidationError(std::get<ApiError>(max_r).message);
  const int64_t max_records = std::get<std::optional<int64_t>>(max_r).value_or(50);
  if (max_records < 1 || max_records > 100) {
    return ValidationError(
        "1 validation error detected: Value '" + std::to_string(max_records) +
        "' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to 100");
  }
  std::vector<const AutoScalingGroup*> found;
  for (const auto& [n, g] : groups_) {
    if (names.empty() || std::find(names.begin(), names.end(), n) != names.end()) found.push_back(&g);
  }
  size_t offset = 0;
  if (const std::string* t = p.Find("NextToken"); t && !t->empty()) {
    auto it = std::find_if(found.begin(), found.end(), [&](const AutoScalingGroup* g) { return g->name == *t; });
    if (it == found.end()) return ApiError{400, "InvalidNextToken", "The token '" + *t + "' is invalid."};
    offset = static_cast<size_t>(it - found.begin());
  }
  pugi::xml_node result = AddChild(root, "DescribeAutoScalingGroupsResult");
  pugi::xml_node groups = AddChild(result, "AutoScalingGroups");
  size_t i = offset;
  for (; i < found.size() && i < offset + static_cast<size_t>(max_records); ++i) {
    const AutoScalingGroup& g = *found[i];
    pugi::xml_node m = AddChild(groups, "member");
    AddText(m, "AutoScalingGroupName", g.name);
    AddText(m, "AutoScalingGroupARN", g.arn);
    auto write_lt = [&](pugi::xml_node parent) {
      if (!g.launch_template_id.empty()) AddText(parent, "LaunchTemplateId", g.launch_template_id);
      if (!g.launch_template_name.empty()) AddText(parent, "LaunchTemplateName", g.launch_template_name);
      AddText(parent, "Version", g.launch_template_version);
    };
    if (g.mixed_policy) {
      pugi::xml_node lt = AddChild(AddChild(m, "MixedInstancesPolicy"), "LaunchTemplate");
      write_lt(AddChild(lt, "LaunchTemplateSpecification"));
      pugi::xml_node ov = AddChild(lt, "Overrides");
      for (const auto& t : g.instance_types) AddText(AddChild(ov, "member"), "InstanceType", t);
      pugi::xml_node d = AddChild(m.child("MixedInstancesPolicy"), "InstancesDistribution");
      AddText(d, "OnDemandBaseCapacity", std::to_string(g.on_demand_base));
      AddText(d, "OnDemandPercentageAboveBaseCapacity", std::to_string(g.on_demand_percent));
      if (!g.spot_allocation_strategy.empty()) AddText(d, "SpotAllocationStrategy", g.spot_allocation_strategy);
    } else {
      write_lt(AddChild(m, "LaunchTemplate"));
    }
    AddText(m, "MinSize", std::to_string(g.min_size));
    AddText(m, "MaxSize", std::to_string(g.max_size));
    AddText(m, "DesiredCapacity", std::to_string(g.desired));
    AddText(m, "DefaultCooldown", "300");
    pugi::xml_node zones = AddChild(m, "AvailabilityZones");
    std::vector<std::string> zl;
    for (const auto& s : g.subnet_ids) {
      const std::string& z = opt_.FindSubnet(s)->zone;
      if (std::find(zl.begin(), zl.end(), z) == zl.end()) zl.push_back(z);
    }
    for (const auto& z : zl) AddText(zones, "member", z);
    AddChild(m, "LoadBalancerNames");
    AddChild(m, "TargetGroupARNs");
    AddText(m, "HealthCheckType", "EC2");
    AddText(m, "HealthCheckGracePeriod", "300");
    pugi::xml_node insts = AddChild(m, "Instances");
    std::vector<const Instance*> mine;
    for (const auto& [id, inst] : instances_) {
      if (inst.asg_name == g.name && inst.state != InstanceState::kTerminated) mine.push_back(&inst);
    }
    std::sort(mine.begin(), mine.end(), [](const Instance* a, const Instance* b) { return a->id < b->id; });
    for (const Instance* inst : mine) {
      pugi::xml_node im = AddChild(insts, "member");
      AddText(im, "InstanceId", inst->id);
      AddText(im, "InstanceType", inst->instance_type);
      AddText(im, "AvailabilityZone", inst->zone);
      AddText(im, "LifecycleState", LifecycleState(inst->state));
      AddText(im, "HealthStatus", "Healthy");
      if (!g.mixed_policy) write_lt(AddChild(im, "LaunchTemplate"));
      AddText(im, "ProtectedFromScaleIn", "false");
    }
    AddText(m, "CreatedTime", IsoMillis(g.created));
    AddChild(m, "SuspendedProcesses");
    std::string vpc;
    for (const auto& s : g.subnet_ids) vpc += (vpc.empty() ? "" : ",") + s;
    AddText(m, "VPCZoneIdentifier", vpc);
    AddChild(m, "EnabledMetrics");
    pugi::xml_node tags = AddChild(m, "Tags");
    for (const auto& t : g.tags) {
      pugi::xml_node tm = AddChild(tags, "member");
      AddText(tm, "ResourceId", g.name);
      AddText(tm, "PropagateAtLaunch", t.propagate_at_launch ? "true" : "false");
      AddText(tm, "Value", t.value);
      AddText(tm, "Key", t.key);
      AddText(tm, "ResourceType", "auto-scaling-group");
    }
    AddText(AddChild(m, "TerminationPolicies"), "member", "Default");
    AddText(m, "NewInstancesProtectedFromScaleIn", "false");
    AddText(m, "ServiceLinkedRoleARN",
            "arn:aws:iam::" + opt_.account_id +
                ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling");
    AddText(m, "CapacityRebalance", "false");
  }
  if (i < found.size()) AddText(result, "NextToken", found[i]->name);
  return std::nullopt;
}

std::optional<ApiError> Emulator::SetDesiredCapacity(const QueryParams& p, pugi::xml_node) {
  const std::string name = p.Get("AutoScalingGroupName");
  if (name.empty()) return NotNull("autoScalingGroupName");
  if (!p.Has("DesiredCapacity")) return NotNull("desiredCapacity");
  auto d_r = p.GetInt("DesiredCapacity");
  if (IsError(d_r)) return ValidationError(std::get<ApiError>(d_r).message);
  auto it = groups_.find(name);
  if (it == groups_.end()) {
    return ValidationError("AutoScalingGroup name not found - AutoScalingGroup " + name + " not found");
  }
  const int64_t d = *std::get<std::optional<int64_t>>(d_r);
  AutoScalingGroup& g = it->second;
  if (d > g.max_size) {
    return ValidationError("New SetDesiredCapacity value " + std::to_string(d) + " is above max value " +
                           std::to_string(g.max_size) + " for the AutoScalingGroup.");
  }
  if (d < g.min_size) {
    return ValidationError("New SetDesiredCapacity value " + std::to_string(d) + " is below min value " +
                           std::to_string(g.min_size) + " for the AutoScalingGroup.");
  }
  g.desired = static_cast<int>(d);
  ReconcileGroupsLocked();
  return std::nullopt;
}

std::optional<ApiError> Emulator::TerminateInstanceInAutoScalingGroup(const QueryParams& p, pugi::xml_node root) {
  const std::string id = p.Get("InstanceId");
  if (id.empty()) return NotNull("instanceId");
  if (!p.Has("ShouldDecrementDesiredCapacity")) return NotNull("shouldDecrementDesiredCapacity");
  auto dec_r = p.GetBool("ShouldDecrementDesiredCapacity", false);
  if (IsError(dec_r)) return ValidationError(std::get<ApiError>(dec_r).message);
  const bool decrement = std::get<bool>(dec_r);
  auto it = instances_.find(id);
  if (it == instances_.end() || it->second.asg_name.empty() || it->second.state == InstanceState::kTerminated) {
    return ValidationError("Instance Id not found - No managed instance found for instance ID: " + id);
  }
  Instance& inst = it->second;
  AutoScalingGroup& g = groups_.at(inst.asg_name);
  const int before = g.desired;
  if (decrement && Active(inst)) {
    if (g.desired - 1 < g.min_size) {
      return ValidationError("Currently, desiredCapacity is " + std::to_string(g.desired) + " and minSize is " +
                             std::to_string(g.min_size) +
                             ". Terminating instance without replacement will violate group's min size constraint. "
                             "Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.");
    }
    --g.desired;
  }
  const util::Time now = clock_.Now();
  BeginTerminateLocked(inst, "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown",
                       "");
  ReconcileGroupsLocked();
  pugi::xml_node a = AddChild(AddChild(root, "TerminateInstanceInAutoScalingGroupResult"), "Activity");
  AddText(a, "AutoScalingGroupName", g.name);
  AddText(a, "ActivityId", NewRequestId());
  AddText(a, "Description", "Terminating EC2 instance: " + id);
  std::string cause =
      "At " + IsoSeconds(now) + " instance " + id + " was taken out of service in response to a user request";
  cause += decrement
               ? ", shrinking the capacity from " + std::to_string(before) + " to " + std::to_string(g.desired) + "."
               : ".";
  AddText(a, "Cause", cause);
  AddText(a, "StartTime", IsoMillis(now));
  AddText(a, "Details", "{\"Subnet ID\":\"" + inst.subnet_id + "\",\"Availability Zone\":\"" + inst.zone + "\"}");
  AddText(a, "Progress", "0");
  AddText(a, "StatusCode", "InProgress");
  return std::nullopt;
}

}  // namespace ec2emulator

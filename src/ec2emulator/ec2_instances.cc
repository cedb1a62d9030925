// RunInstances, TerminateInstances and CreateTags.
#include <algorithm>
#include <ctime>

#include "ec2emulator/emulator.h"
#include "ec2emulator/user_data.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

bool ValidId(const std::string& id, const std::string& prefix) {
  if (id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(id.begin() + static_cast<long>(prefix.size()), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The request's parameters except the token, to tell a retry from a different request.
std::string Fingerprint(const QueryParams& p) {
  std::string f;
  for (const auto& [k, v] : p.values()) {
    if (k != "ClientToken") f += k + "=" + v + "&";
  }
  return f;
}

std::string UserInitiatedReason(util::Time t) {
  std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "User initiated (%Y-%m-%d %H:%M:%S GMT)", &tm);
  return buf;
}

}  // namespace

std::optional<ApiError> Emulator::ParseTagSpecifications(const QueryParams& p, Tags* instance_tags) const {
  for (const QueryParams& spec : p.Structs("TagSpecification")) {
    const std::string type = spec.Get("ResourceType");
    static const char* kTaggable[] = {"instance", "volume", "spot-instances-request", "network-interface", "fleet"};
    if (std::none_of(std::begin(kTaggable), std::end(kTaggable), [&](const char* t) { return type == t; })) {
      return InvalidParameterValue("'" + type + "' is not a valid taggable resource type for this operation.");
    }
    for (const QueryParams& tag : spec.Structs("Tag")) {
      const std::string* key = tag.Find("Key");
      if (!key || key->empty()) return InvalidParameterValue("Tag key must not be empty");
      if (key->compare(0, 4, "aws:") == 0) {
        return InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
      }
      if (type == "instance") SetTag(*instance_tags, *key, tag.Get("Value"));
    }
  }
  return std::nullopt;
}

std::optional<ApiError> Emulator::CheckInstanceIds(const std::vector<std::string>& ids) const {
  std::vector<std::string> missing;
  for (const auto& id : ids) {
    if (!ValidId(id, "i-")) return ApiError{400, "InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\""};
    if (!instances_.count(id)) missing.push_back(id);
  }
  if (missing.size() == 1) {
    return ApiError{400, "InvalidInstanceID.NotFound", "The instance ID '" + missing[0] + "' does not exist"};
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return ApiError{400, "InvalidInstanceID.NotFound", "The instance IDs '" + list + "' do not exist"};
  }
  return std::nullopt;
}

std::optional<ApiError> Emulator::RunInstances(const QueryParams& p, pugi::xml_node root) {
  if (!p.Has("MinCount")) return MissingParameter("MinCount");
  if (!p.Has("MaxCount")) return MissingParameter("MaxCount");
  auto min_r = p.GetInt("MinCount");
  if (IsError(min_r)) return std::get<ApiError>(min_r);
  auto max_r = p.GetInt("MaxCount");
  if (IsError(max_r)) return std::get<ApiError>(max_r);
  const int64_t min_count = *std::get<std::optional<int64_t>>(min_r);
  const int64_t max_count = *std::get<std::optional<int64_t>>(max_r);
  if (min_count < 1)
    return InvalidParameterValue("Value (" + std::to_string(min_count) +
                                 ") for parameter minCount is invalid. Expected a positive integer.");
  if (max_count < min_count) {
    return InvalidParameterValue(
        "Value (" + std::to_string(max_count) +
        ") for parameter maxCount is invalid. Expected a value greater than or equal to minCount.");
  }
  if (max_count > 100)
    return ApiError{400, "InstanceLimitExceeded",
                    "You have requested more instances (" + std::to_string(max_count) +
                        ") than your current instance limit of 100 allows for the specified instance type."};

  LaunchPlan plan;
  plan.image_id = p.Get("ImageId");
  const bool has_template = p.Has("LaunchTemplate.LaunchTemplateId") || p.Has("LaunchTemplate.LaunchTemplateName");
  if (plan.image_id.empty() && !has_template) return MissingParameter("ImageId");
  if (!plan.image_id.empty() && !ValidId(plan.image_id, "ami-")) {
    return ApiError{400, "InvalidAMIID.Malformed", "Invalid id: \"" + plan.image_id + "\" (expecting \"ami-...\")"};
  }
  plan.instance_type = p.Get("InstanceType", "t3.micro");
  if (!opt_.FindType(plan.instance_type)) {
    return InvalidParameterValue("Invalid value '" + plan.instance_type + "' for InstanceType.");
  }
  const std::string zone = p.Get("Placement.AvailabilityZone");
  plan.subnet_id = p.Get("SubnetId", p.Get("NetworkInterface.1.SubnetId"));
  if (!plan.subnet_id.empty()) {
    const Subnet* s = opt_.FindSubnet(plan.subnet_id);
    if (!s) return ApiError{400, "InvalidSubnetID.NotFound", "The subnet ID '" + plan.subnet_id + "' does not exist"};
    if (!zone.empty() && zone != s->zone) {
      return InvalidParameterValue("The subnet '" + plan.subnet_id + "' is in " + s->zone + ", not in " + zone + ".");
    }
  } else {
    for (const auto& s : opt_.subnets) {
      if (zone.empty() || s.zone == zone) {
        plan.subnet_id = s.id;
        break;
      }
    }
    if (plan.subnet_id.empty()) {
      return InvalidParameterValue("Invalid availability zone: [" + zone + "]");
    }
  }
  const std::string market = p.Get("InstanceMarketOptions.MarketType");
  if (!market.empty() && market != "spot") {
    return InvalidParameterValue("Invalid value '" + market + "' for InstanceMarketOptions.MarketType.");
  }
  plan.spot = market == "spot";
  if (plan.spot) {
    const std::string behaviour = p.Get("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior", "terminate");
    if (behaviour != "terminate") {
      return ApiError{400, "Unsupported",
                      "The emulator supports only the interruption behavior 'terminate', not '" + behaviour + "'."};
    }
    const std::string* max_price = p.Find("InstanceMarketOptions.SpotOptions.MaxPrice");
    if (max_price) {
      const std::string& z = opt_.FindSubnet(plan.subnet_id)->zone;
      double mp = std::atof(max_price->c_str());
      if (mp < SpotPriceLocked(plan.instance_type, z)) {
        return ApiError{400, "SpotMaxPriceTooLow",
                        "Your Spot request price of " + *max_price +
                            " is lower than the minimum required Spot request "
                            "fulfillment price of " +
                            std::to_string(SpotPriceLocked(plan.instance_type, z)) + "."};
      }
    }
  }
  if (auto err = ParseTagSpecifications(p, &plan.tags)) return err;
  plan.shutdown_behavior = p.Get("InstanceInitiatedShutdownBehavior", "stop");
  if (plan.shutdown_behavior != "stop" && plan.shutdown_behavior != "terminate") {
    return InvalidParameterValue("Value (" + plan.shutdown_behavior +
                                 ") for parameter instanceInitiatedShutdownBehavior is invalid. Expected: 'stop', "
                                 "'terminate'.");
  }
  plan.key_name = p.Get("KeyName");
  if (const std::string* ud = p.Find("UserData")) {
    auto decoded = DecodeUserData(*ud);
    if (!decoded.ok()) return InvalidParameterValue(decoded.status().message());
    plan.user_data = std::move(*decoded);
  }
  plan.client_token = p.Get("ClientToken");

  if (!plan.client_token.empty()) {
    auto it = client_tokens_.find(plan.client_token);
    if (it != client_tokens_.end()) {
      if (it->second.fingerprint != Fingerprint(p)) {
        return ApiError{
            400, "IdempotentParameterMismatch",
            "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."};
      }
      // A retry: answer with the original reservation as it is now.
      AddText(root, "reservationId", it->second.reservation_id);
      AddText(root, "ownerId", opt_.account_id);
      AddChild(root, "groupSet");
      pugi::xml_node set = AddChild(root, "instancesSet");
      std::vector<const Instance*> mine;
      for (const auto& [id, i] : instances_) {
        if (i.reservation_id == it->second.reservation_id) mine.push_back(&i);
      }
      std::sort(mine.begin(), mine.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
      for (const Instance* i : mine) WriteInstance(AddChild(set, "item"), *i);
      return std::nullopt;
    }
  }

  const std::string& launch_zone = opt_.FindSubnet(plan.subnet_id)->zone;
  if (faults_.TakeCapacity(plan.instance_type, launch_zone, plan.spot)) {
    return ApiError{500, "InsufficientInstanceCapacity", InsufficientCapacityMessage(plan.instance_type, launch_zone)};
  }
  plan.reservation_id = NewId("r-0", 16);
  if (!plan.client_token.empty()) client_tokens_[plan.client_token] = {Fingerprint(p), plan.reservation_id};

  AddText(root, "reservationId", plan.reservation_id);
  AddText(root, "ownerId", opt_.account_id);
  AddChild(root, "groupSet");
  pugi::xml_node set = AddChild(root, "instancesSet");
  for (int64_t n = 0; n < max_count; ++n) {
    const Instance& i = LaunchLocked(plan, static_cast<int>(n));
    WriteInstance(AddChild(set, "item"), i);
  }
  return std::nullopt;
}

std::optional<ApiError> Emulator::TerminateInstances(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> ids = p.List("InstanceId");
  if (ids.empty()) return MissingParameter("InstanceId");
  if (ids.size() > 1000) return InvalidParameterValue("Too many instance IDs: at most 1000 are allowed.");
  if (auto err = CheckInstanceIds(ids)) return err;
  pugi::xml_node set = AddChild(root, "instancesSet");
  const std::string reason = UserInitiatedReason(clock_.Now());
  for (const auto& id : ids) {
    Instance& i = instances_.at(id);
    const InstanceState before = i.state;
    BeginTerminateLocked(i, "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown",
                         reason);
    pugi::xml_node item = AddChild(set, "item");
    AddText(item, "instanceId", id);
    pugi::xml_node cur = AddChild(item, "currentState");
    AddText(cur, "code", std::to_string(StateCode(i.state)));
    AddText(cur, "name", StateName(i.state));
    pugi::xml_node prev = AddChild(item, "previousState");
    AddText(prev, "code", std::to_string(StateCode(before)));
    AddText(prev, "name", StateName(before));
  }
  return std::nullopt;
}

std::optional<ApiError> Emulator::CreateTags(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> ids = p.List("ResourceId");
  if (ids.empty()) return MissingParameter("ResourceId");
  const std::vector<QueryParams> tags = p.Structs("Tag");
  if (tags.empty()) return MissingParameter("Tag");
  for (const auto& id : ids) {
    if (id.compare(0, 2, "i-") != 0) return ApiError{400, "InvalidID", "The ID '" + id + "' is not valid"};
  }
  if (auto err = CheckInstanceIds(ids)) return err;
  for (const auto& t : tags) {
    const std::string* key = t.Find("Key");
    if (!key || key->empty()) return InvalidParameterValue("Tag key must not be empty");
    if (key->compare(0, 4, "aws:") == 0) {
      return InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
    }
  }
  for (const auto& id : ids) {
    for (const auto& t : tags) SetTag(instances_.at(id).tags, t.Get("Key"), t.Get("Value"));
  }
  AddText(root, "return", "true");
  return std::nullopt;
}

}  // namespace ec2emulator

// CreateFleet of type instant: one synchronous launch attempt across the pools given by
// the overrides (instance type × subnet). Per-pool capacity failures are listed in
// errorSet and the call still answers 200, as EC2 does.
#include <algorithm>
#include <cstdlib>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

struct Pool {
  std::string template_id, template_name, template_version;
  std::string instance_type, subnet_id, zone, max_price;
  double priority = 0;
  size_t order = 0;  // position in the request
  bool has_subnet = false, has_zone = false, has_priority = false;
  bool exhausted[2] = {false, false};  // [spot]
};

void WriteLaunchTemplateAndOverrides(pugi::xml_node parent, const Pool& pool) {
  pugi::xml_node lto = AddChild(parent, "launchTemplateAndOverrides");
  pugi::xml_node spec = AddChild(lto, "launchTemplateSpecification");
  if (!pool.template_id.empty()) AddText(spec, "launchTemplateId", pool.template_id);
  if (!pool.template_name.empty()) AddText(spec, "launchTemplateName", pool.template_name);
  AddText(spec, "version", pool.template_version);
  pugi::xml_node ov = AddChild(lto, "overrides");
  AddText(ov, "instanceType", pool.instance_type);
  if (pool.has_subnet) AddText(ov, "subnetId", pool.subnet_id);
  if (pool.has_zone) AddText(ov, "availabilityZone", pool.zone);
  if (!pool.max_price.empty()) AddText(ov, "maxPrice", pool.max_price);
  if (pool.has_priority) AddText(ov, "priority", std::to_string(pool.priority));
}

}  // namespace

std::optional<ApiError> Emulator::CreateFleet(const QueryParams& p, pugi::xml_node root) {
  const std::string type = p.Get("Type", "maintain");
  if (type != "instant") {
    return ApiError{400, "Unsupported", "The emulator supports only fleets of Type 'instant', not '" + type + "'."};
  }
  const std::vector<QueryParams> configs = p.Structs("LaunchTemplateConfigs");
  if (configs.empty()) return MissingParameter("LaunchTemplateConfigs");
  if (!p.Has("TargetCapacitySpecification.TotalTargetCapacity")) {
    return MissingParameter("TargetCapacitySpecification.TotalTargetCapacity");
  }
  auto get = [&](const std::string& k) -> ApiResult<int64_t> {
    auto r = p.GetInt(k);
    if (IsError(r)) return std::get<ApiError>(r);
    return std::get<std::optional<int64_t>>(r).value_or(0);
  };
  auto total_r = get("TargetCapacitySpecification.TotalTargetCapacity");
  auto od_r = get("TargetCapacitySpecification.OnDemandTargetCapacity");
  auto spot_r = get("TargetCapacitySpecification.SpotTargetCapacity");
  for (const auto* r : {&total_r, &od_r, &spot_r}) {
    if (IsError(*r)) return std::get<ApiError>(*r);
  }
  const int64_t total = std::get<int64_t>(total_r);
  int64_t on_demand = std::get<int64_t>(od_r), spot = std::get<int64_t>(spot_r);
  if (total < 1 || total > 100) return InvalidParameterValue("TotalTargetCapacity must be between 1 and 100.");
  if (on_demand < 0 || spot < 0 || on_demand + spot > total) {
    return InvalidParameterValue(
        "The sum of OnDemandTargetCapacity and SpotTargetCapacity cannot exceed TotalTargetCapacity.");
  }
  const std::string default_type = p.Get("TargetCapacitySpecification.DefaultTargetCapacityType");
  if (on_demand + spot < total) {
    if (default_type == "spot") {
      spot = total - on_demand;
    } else if (default_type == "on-demand") {
      on_demand = total - spot;
    } else if (default_type.empty()) {
      return MissingParameter("TargetCapacitySpecification.DefaultTargetCapacityType");
    } else {
      return InvalidParameterValue("Invalid value '" + default_type + "' for DefaultTargetCapacityType.");
    }
  }
  const std::string spot_strategy = p.Get("SpotOptions.AllocationStrategy", "lowest-price");
  static const char* kSpotStrategies[] = {"lowest-price", "price-capacity-optimized", "capacity-optimized",
                                          "capacity-optimized-prioritized", "diversified"};
  if (std::none_of(std::begin(kSpotStrategies), std::end(kSpotStrategies),
                   [&](const char* s) { return spot_strategy == s; })) {
    return InvalidParameterValue("Invalid value '" + spot_strategy + "' for SpotOptions.AllocationStrategy.");
  }
  const std::string od_strategy = p.Get("OnDemandOptions.AllocationStrategy", "lowest-price");
  if (od_strategy != "lowest-price" && od_strategy != "prioritized") {
    return InvalidParameterValue("Invalid value '" + od_strategy + "' for OnDemandOptions.AllocationStrategy.");
  }

  std::vector<Pool> pools;
  for (const QueryParams& c : configs) {
    Pool base;
    base.template_id = c.Get("LaunchTemplateSpecification.LaunchTemplateId");
    base.template_name = c.Get("LaunchTemplateSpecification.LaunchTemplateName");
    base.template_version = c.Get("LaunchTemplateSpecification.Version", "$Default");
    if (base.template_id.empty() && base.template_name.empty()) {
      return MissingParameter("LaunchTemplateSpecification.LaunchTemplateId or LaunchTemplateName");
    }
    std::vector<QueryParams> overrides = c.Structs("Overrides");
    if (overrides.empty()) overrides.emplace_back();
    for (const QueryParams& o : overrides) {
      Pool pool = base;
      pool.order = pools.size();
      pool.instance_type = o.Get("InstanceType", "t3.micro");
      if (!opt_.FindType(pool.instance_type)) {
        return InvalidParameterValue("Invalid value '" + pool.instance_type + "' for InstanceType.");
      }
      pool.subnet_id = o.Get("SubnetId");
      pool.has_subnet = !pool.subnet_id.empty();
      pool.zone = o.Get("AvailabilityZone");
      pool.has_zone = !pool.zone.empty();
      if (pool.has_subnet) {
        const Subnet* s = opt_.FindSubnet(pool.subnet_id);
        if (!s)
          return ApiError{400, "InvalidSubnetID.NotFound", "The subnet ID '" + pool.subnet_id + "' does not exist"};
        pool.zone = s->zone;
      } else {
        for (const auto& s : opt_.subnets) {
          if (!pool.has_zone || s.zone == pool.zone) {
            pool.subnet_id = s.id;
            pool.zone = s.zone;
            break;
          }
        }
        if (pool.subnet_id.empty()) return InvalidParameterValue("Invalid availability zone: [" + pool.zone + "]");
      }
      pool.max_price = o.Get("MaxPrice");
      if (const std::string* pr = o.Find("Priority")) {
        pool.priority = std::atof(pr->c_str());
        pool.has_priority = true;
      }
      pools.push_back(std::move(pool));
    }
  }

  Tags tags;
  if (auto err = ParseTagSpecifications(p, &tags)) return err;
  const std::string fleet_id =
      "fleet-" + NewId("", 8) + "-" + NewId("", 4) + "-" + NewId("", 4) + "-" + NewId("", 4) + "-" + NewId("", 12);
  SetTag(tags, "aws:ec2:fleet-id", fleet_id);
  const std::string reservation_id = NewId("r-0", 16);

  struct Launched {
    size_t pool;
    bool spot;
    std::vector<std::string> ids;
  };
  std::vector<Launched> launched;
  pugi::xml_document errors_doc;
  pugi::xml_node errors = errors_doc.append_child("errorSet");
  int launch_index = 0;

  auto launch = [&](bool is_spot, int64_t units) {
    // Ranking: the cheapest pool first (price-capacity-optimized, capacity-optimized,
    // lowest-price: capacity is equal everywhere here, so price decides), by Priority for
    // the prioritized strategies, and round-robin for diversified.
    std::vector<size_t> order(pools.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const bool prioritized = is_spot ? spot_strategy == "capacity-optimized-prioritized" : od_strategy == "prioritized";
    auto price = [&](const Pool& pl) {
      return is_spot ? SpotPriceLocked(pl.instance_type, pl.zone) : opt_.FindType(pl.instance_type)->on_demand_price;
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (prioritized) {
        if (pools[a].has_priority != pools[b].has_priority) return pools[a].has_priority;
        if (pools[a].priority != pools[b].priority) return pools[a].priority < pools[b].priority;
      }
      return price(pools[a]) < price(pools[b]);
    });
    const bool diversified = is_spot && spot_strategy == "diversified";
    size_t rr = 0;
    for (int64_t u = 0; u < units; ++u) {
      bool placed = false;
      for (size_t k = 0; k < order.size() && !placed; ++k) {
        size_t idx = order[diversified ? (rr + k) % order.size() : k];
        Pool& pool = pools[idx];
        if (pool.exhausted[is_spot]) continue;
        if (is_spot && !pool.max_price.empty() && std::atof(pool.max_price.c_str()) < price(pool)) {
          pool.exhausted[is_spot] = true;
          pugi::xml_node e = AddChild(errors, "item");
          WriteLaunchTemplateAndOverrides(e, pool);
          AddText(e, "lifecycle", "spot");
          AddText(e, "errorCode", "SpotMaxPriceTooLow");
          AddText(e, "errorMessage",
                  "Your Spot request price of " + pool.max_price +
                      " is lower than the minimum required Spot request fulfillment price.");
          continue;
        }
        if (faults_.TakeCapacity(pool.instance_type, pool.zone, is_spot)) {
          pool.exhausted[is_spot] = true;
          pugi::xml_node e = AddChild(errors, "item");
          WriteLaunchTemplateAndOverrides(e, pool);
          AddText(e, "lifecycle", is_spot ? "spot" : "on-demand");
          AddText(e, "errorCode", "InsufficientInstanceCapacity");
          AddText(e, "errorMessage", InsufficientCapacityMessage(pool.instance_type, pool.zone));
          continue;
        }
        LaunchPlan plan;
        plan.instance_type = pool.instance_type;
        plan.subnet_id = pool.subnet_id;
        plan.spot = is_spot;
        plan.tags = tags;
        plan.reservation_id = reservation_id;
        const Instance& inst = LaunchLocked(plan, launch_index++);
        auto it = std::find_if(launched.begin(), launched.end(),
                               [&](const Launched& l) { return l.pool == idx && l.spot == is_spot; });
        if (it == launched.end()) it = launched.insert(launched.end(), Launched{idx, is_spot, {}});
        it->ids.push_back(inst.id);
        placed = true;
        rr = (rr + k + 1) % order.size();
      }
      if (!placed) return;
    }
  };
  launch(true, spot);
  launch(false, on_demand);

  AddText(root, "fleetId", fleet_id);
  pugi::xml_node err_set = root.append_copy(errors);
  (void)err_set;
  pugi::xml_node set = AddChild(root, "fleetInstanceSet");
  for (const Launched& l : launched) {
    pugi::xml_node item = AddChild(set, "item");
    WriteLaunchTemplateAndOverrides(item, pools[l.pool]);
    AddText(item, "lifecycle", l.spot ? "spot" : "on-demand");
    pugi::xml_node ids = AddChild(item, "instanceIds");
    for (const auto& id : l.ids) AddText(ids, "item", id);
    AddText(item, "instanceType", pools[l.pool].instance_type);
  }
  return std::nullopt;
}

}  // namespace ec2emulator

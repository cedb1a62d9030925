#pragma once
// The emulator's record of one Auto Scaling group (CreateAutoScalingGroup). Plain data.
#include <string>
#include <vector>

#include "ec2emulator/instance.h"
#include "util/clock.h"

namespace ec2emulator {

struct GroupTag {
  std::string key, value;
  bool propagate_at_launch = false;
};

struct AutoScalingGroup {
  std::string name;
  std::string arn;
  int min_size = 0, max_size = 0, desired = 0;
  std::string launch_template_id, launch_template_name, launch_template_version;
  bool mixed_policy = false;                // launch template given inside a MixedInstancesPolicy
  std::vector<std::string> instance_types;  // overrides, in order; empty = the default type
  int on_demand_base = 0;                   // InstancesDistribution.OnDemandBaseCapacity
  int on_demand_percent = 100;              // …OnDemandPercentageAboveBaseCapacity
  std::string spot_allocation_strategy;
  std::vector<std::string> subnet_ids;  // VPCZoneIdentifier split on ','
  std::vector<GroupTag> tags;
  util::Time created{};
};

}  // namespace ec2emulator

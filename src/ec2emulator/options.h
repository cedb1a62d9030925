#pragma once
// EmulatorOptions: the emulated account and region, its subnets and instance types
// (with on-demand and spot prices), and the timing of instance life. Every default is
// next to its field. Plain data.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "util/clock.h"

namespace ec2emulator {

struct Subnet {
  std::string id;    // subnet-...
  std::string zone;  // us-east-1a
  std::string vpc_id = "vpc-0e2e2e2e2e2e2e2e2";
  std::string cidr_prefix;  // "10.0.1." — in-memory instances get addresses from it
};

struct InstanceTypeInfo {
  std::string name;
  double on_demand_price = 0;  // USD per hour
  double spot_price = 0;       // current spot price, USD per hour (same in every zone)
  int vcpus = 2;
};

struct EmulatorOptions {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  uint64_t seed = 1;  // ids and request ids come from a generator seeded with this

  // Scales the durations AWS fixes (the 2-minute spot notice, shutting-down, how long a
  // terminated instance stays listed): 0.05 turns the notice into 6 s. Default 1.
  double time_factor = 1.0;
  // pending → running after this (and once the backend has the instance). Default 1 s.
  util::Duration boot_time = std::chrono::seconds(1);
  // shutting-down → terminated after this, before the time factor. Default 10 s.
  util::Duration shutdown_time = std::chrono::seconds(10);
  // Spot interruption notice: the instance goes this long after the notice. Default 2 min.
  util::Duration spot_notice = std::chrono::minutes(2);
  // A terminated instance stays visible to DescribeInstances this long. Default 1 h.
  util::Duration terminated_visible = std::chrono::hours(1);

  std::string default_image_id = "ami-0e2e0000000000001";
  std::vector<Subnet> subnets = DefaultSubnets();
  std::vector<InstanceTypeInfo> instance_types = DefaultInstanceTypes();

  util::Duration Scaled(util::Duration d) const { return std::chrono::duration_cast<util::Duration>(d * time_factor); }
  const Subnet* FindSubnet(const std::string& id) const;
  const InstanceTypeInfo* FindType(const std::string& name) const;
  std::vector<std::string> Zones() const;  // distinct zones of the subnets, sorted

  // subnet-0a…/us-east-1a, subnet-0b…/us-east-1b, subnet-0c…/us-east-1c.
  static std::vector<Subnet> DefaultSubnets();
  // A few common types (t3, c5, c6i, m5, m6i, r5 sizes) with list-like prices.
  static std::vector<InstanceTypeInfo> DefaultInstanceTypes();
};

}  // namespace ec2emulator

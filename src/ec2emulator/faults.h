#pragma once
// Faults: misbehaviour armed by tests through the admin API or start flags:
//   capacity  — InsufficientInstanceCapacity for an instance type and/or zone and/or
//               market (spot, on-demand), for the next `count` launches (-1 = until cleared)
//   throttle  — RequestLimitExceeded for the next `count` requests (of one action or all)
//   slow_boot — instances of a type (or all) stay pending this long
// JSON forms (admin API, README.md):
//   {"kind":"capacity","instance_type":"c5.large","zone":"us-east-1a","market":"spot","count":-1}
//   {"kind":"throttle","action":"RunInstances","count":5}
//   {"kind":"slow_boot","instance_type":"c5.large","seconds":30}
// Not thread-safe: the Emulator guards it with its own mutex.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace ec2emulator {

struct CapacityFault {
  std::string instance_type;  // "" = any
  std::string zone;           // "" = any
  std::string market;         // "" = any, "spot", "on-demand"
  int remaining = -1;         // -1 = until cleared
};

struct ThrottleFault {
  std::string action;  // "" = any action
  int remaining = 1;
};

struct SlowBoot {
  std::string instance_type;  // "" = any
  util::Duration boot{};
};

class Faults {
 public:
  // Parses one fault in the JSON form above and arms it. InvalidArgument names the field.
  util::Status AddJson(const nlohmann::json& j);
  // "kind=capacity,instance_type=c5.large,count=2" → the JSON form (flags use this).
  static util::Result<nlohmann::json> ParseFlag(const std::string& spec);

  void AddCapacity(CapacityFault f) { capacity_.push_back(std::move(f)); }
  void AddThrottle(ThrottleFault f) { throttle_.push_back(std::move(f)); }
  void AddSlowBoot(SlowBoot f) { slow_boot_.push_back(std::move(f)); }

  // True when a capacity fault matches this launch; consumes one use of it.
  bool TakeCapacity(const std::string& type, const std::string& zone, bool spot);
  // True when a capacity fault matches, without consuming it.
  bool HasCapacityFault(const std::string& type, const std::string& zone, bool spot) const;
  // True when a throttle fault matches `action`; consumes one use of it.
  bool TakeThrottle(const std::string& action);
  // The boot time for `type`: the last matching slow-boot fault, else `fallback`.
  util::Duration BootTime(const std::string& type, util::Duration fallback) const;

  void Clear();
  nlohmann::json ToJson() const;

 private:
  std::vector<CapacityFault> capacity_;
  std::vector<ThrottleFault> throttle_;
  std::vector<SlowBoot> slow_boot_;
};

}  // namespace ec2emulator

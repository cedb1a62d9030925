#pragma once
// The emulator's record of one EC2 instance and the EC2 state names and codes
// (pending 0, running 16, shutting-down 32, terminated 48, stopping 64, stopped 80).
// Plain data; the Emulator owns and guards these records.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/clock.h"

namespace ec2emulator {

enum class InstanceState { kPending, kRunning, kShuttingDown, kTerminated, kStopping, kStopped };

int StateCode(InstanceState s);
const char* StateName(InstanceState s);

using Tags = std::vector<std::pair<std::string, std::string>>;  // in the order set

// Sets `key` to `value`, replacing an existing value in place (CreateTags semantics).
void SetTag(Tags& tags, const std::string& key, const std::string& value);
const std::string* FindTag(const Tags& tags, const std::string& key);

struct Instance {
  std::string id;              // i-0123456789abcdef0
  std::string reservation_id;  // r-...
  std::string image_id;
  std::string instance_type;
  std::string subnet_id;
  std::string vpc_id;
  std::string zone;
  std::string key_name;
  std::string user_data;  // decoded RunInstances UserData (cloud-init reads it on EC2)
  std::string client_token;
  std::string private_ip;  // set once the backend has the instance
  bool spot = false;
  std::string spot_request_id;  // sir-...
  std::string asg_name;         // set when an Auto Scaling group launched it
  int launch_index = 0;
  Tags tags;
  InstanceState state = InstanceState::kPending;
  std::string reason;  // stateTransitionReason ("User initiated (2026-...)")
  std::string state_reason_code, state_reason_message;
  util::Time launch_time{};
  uint64_t seq = 0;  // launch order; Describe lists in this order

  // Lifecycle bookkeeping (virtual or real time from the emulator's Clock).
  util::Time ready_at{};                        // pending → running not before this (boot time)
  bool backend_ready = false;                   // the backing instance exists and answers
  bool backend_failed = false;                  // the backend could not create it
  std::string backend_handle;                   // the backend's own id (e.g. a local instance id)
  bool launch_dispatched = false;               // a launch was handed to the backend
  bool terminate_dispatched = false;            // a terminate was handed to the backend
  bool backend_gone = false;                    // the backend confirmed the removal
  util::Time terminated_at{};                   // shutting-down → terminated at this time
  util::Time forget_at{};                       // disappears from DescribeInstances after this
  std::optional<util::Time> interruption_time;  // spot/instance-action "time"
  std::optional<util::Time> rebalance_time;     // events/recommendations/rebalance

  // Billing, for the admin view: the hourly price it runs at (the spot price of its type and
  // zone at launch, or the on-demand price) and when it stopped costing (shutting-down).
  double hourly_price = 0;
  std::optional<util::Time> ended_at;
  // InstanceInitiatedShutdownBehavior: what a power-off from inside does ("stop" | "terminate").
  std::string shutdown_behavior = "stop";
};

}  // namespace ec2emulator

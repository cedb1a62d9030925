#pragma once
// fleet::Policy: decides how many instances to launch and which idle ones to remove,
// from a read-only view of the fleet. The Autoscaler owns the mechanics (states, leases,
// limits, backoff, removal of broken instances) and clamps every plan; a policy only
// chooses numbers. Policies are pure: no clock, no I/O; time comes in the view.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/instance.h"
#include "fleet/settings.h"

namespace fleet {

// Ordered keys: deterministic, never hash order.
using IdleKey = std::pair<util::Time, std::string>;    // (idle since, id), longest idle first
using AgeKey = std::pair<uint64_t, std::string>;        // (adoption seq, id), oldest first

struct FleetView {
  util::Time now{};
  const AutoscalerSettings* settings = nullptr;
  const IdleRule* rule = nullptr;  // settings->RuleAt(now)
  int requested = 0;  // launches granted (or in flight) but not listed yet
  int booting = 0;
  int idle = 0;       // ready, no lease
  int busy = 0;       // ready, >= 1 lease
  int draining = 0;
  int removing = 0;
  int used_slots = 0;
  int free_slots = 0;    // on ready, non-draining instances
  int pending_jobs = 0;  // accepted from GitLab, waiting for a slot
  bool backing_off = false;
  const std::set<IdleKey>* idle_order = nullptr;       // idle instances
  const std::set<AgeKey>* available_by_age = nullptr;  // booting + idle instances
  const std::map<std::string, Instance>* instances = nullptr;

  int creating() const { return requested + booting; }
  // Instances that count as capacity (not leaving).
  int active() const { return requested + booting + idle + busy; }
  // Instances in any state: what max_instances bounds.
  int total() const { return active() + draining + removing; }
  int capacity() const { return settings->capacity_per_instance; }
};

struct Plan {
  int launch = 0;
  std::vector<std::string> remove;  // REQUIRES: idle instances
  std::string reason;               // why, for the log; set when launch > 0 or remove non-empty
  std::string note;                 // a decision to keep things as they are, for the log ("" = none)
};

struct Observation {
  enum class Kind { kJobQueued, kJobStarted, kJobFinished, kInstanceReady };
  Kind kind = Kind::kJobQueued;
  util::Time at{};
  util::Duration duration{};  // started: wait; finished: run time; ready: boot time
};

class Policy {
 public:
  Policy() = default;
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;
  virtual ~Policy() = default;

  virtual std::string_view Name() const = 0;
  // Bookkeeping of what happened (the autoscaler calls it in event order).
  virtual void Observe(const Observation&) {}
  // Whether the runner may take one more job from GitLab now (with `pending_jobs`
  // already accepted). Preemptive policies say yes only when a slot is (about to be) free.
  virtual bool MayRequestJob(const FleetView& v) const = 0;
  // The plan for this tick.
  virtual Plan Decide(const FleetView& v) = 0;
};

// default, docker-machine or taskscaler.
std::unique_ptr<Policy> MakePolicy(PolicyKind kind);

}  // namespace fleet

#pragma once
// fleet::Instance: the autoscaler's book on one instance, and the job-side names.
// Life cycle:
//   requested (Increase granted, id not listed yet; counted, not stored)
//   -> booting (listed, creating or not yet ready) -> ready (idle: no lease; busy: >= 1)
//   -> draining (no new leases: max_use_count, interruption notice, unhealthy)
//   -> removing (Decrease sent) -> gone (dropped from the book).
#include <cstdint>
#include <string>

#include "util/clock.h"

namespace fleet {

enum class InstanceState { kBooting, kReady, kDraining, kRemoving };
const char* InstanceStateName(InstanceState s);

using JobId = int64_t;

struct Instance {
  std::string id;
  InstanceState state = InstanceState::kBooting;
  uint64_t seq = 0;            // adoption order: lower is older
  util::Time launched{};       // provider's launch time
  util::Time listed{};         // first seen in a listing
  util::Time ready_at{};       // became ready
  util::Time idle_since{};     // last lease ended (or ready_at); meaningful when idle
  util::Time remove_sent{};    // last Decrease attempt
  int leases = 0;              // jobs running on it now
  int use_count = 0;           // jobs ever leased
  int health_failures = 0;     // consecutive
  bool interrupted = false;    // spot interruption notice received
  bool idle() const { return state == InstanceState::kReady && leases == 0; }
};

// A job placed on an instance slot.
struct Lease {
  JobId job = 0;
  std::string instance;
  util::Duration waited{};  // from Enqueue to the lease
};

// GitLab's failure_reason for a job that lost its instance: GitLab may retry it.
inline constexpr const char* kRunnerSystemFailure = "runner_system_failure";

struct JobFailure {
  JobId job = 0;
  std::string instance;  // "" if it never got one
  std::string failure_reason = kRunnerSystemFailure;
  std::string message;
};

inline const char* InstanceStateName(InstanceState s) {
  switch (s) {
    case InstanceState::kBooting: return "booting";
    case InstanceState::kReady: return "ready";
    case InstanceState::kDraining: return "draining";
    case InstanceState::kRemoving: return "removing";
  }
  return "?";
}

}  // namespace fleet

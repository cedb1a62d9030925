#pragma once
// fleet::AutoscalerSettings: everything the autoscaler obeys, mapped from a runner's
// config.toml entry ([runners.machine] for docker+machine, [runners.autoscaler] and
// [[runners.autoscaler.policy]] for docker-autoscaler/instance). Plain copyable data.
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "fleet/schedule.h"
#include "fleet/timezone.h"
#include "util/clock.h"
#include "util/status.h"

namespace fleet {

using namespace std::chrono_literals;

// Idle parameters, in force while `when` is active. Units are job slots; with
// docker+machine (one job per machine) slots and machines are the same.
struct IdleRule {
  Schedule when;                    // default: always
  int idle_count = 0;               // idle slots to keep ready (IdleCount / idle_count)
  int idle_count_min = 0;           // floor of the scale-factor target (IdleCountMin)
  double scale_factor = 0;          // extra idle = factor x slots in use; 0 = off
  int scale_factor_limit = 0;       // cap of the scale-factor term; 0 = none (taskscaler)
  util::Duration idle_time = 5min;  // an idle instance older than this may be removed
  std::optional<bool> preemptive;   // ask for jobs only with a free slot; default idle_count > 0
  bool Preemptive() const { return preemptive.value_or(idle_count > 0); }
};

enum class PolicyKind { kDefault, kDockerMachine, kTaskscaler };
const char* PolicyKindName(PolicyKind k);
// "default", "docker-machine", "taskscaler"; kInvalidArgument otherwise.
util::Result<PolicyKind> ParsePolicyKind(const std::string& name);

struct AutoscalerSettings {
  PolicyKind policy = PolicyKind::kDefault;
  int capacity_per_instance = 1;  // concurrent jobs per instance
  int max_use_count = 0;          // jobs per instance before removal; 0 = unlimited (MaxBuilds)
  int max_instances = 0;          // instances in any state; 0 = unlimited (limit for docker+machine)
  int max_jobs = 0;               // concurrent jobs taken from GitLab; 0 = unlimited (runner limit)
  int max_growth_rate = 0;        // instances being created at once; 0 = unlimited (MaxGrowthRate)
  IdleRule base;                  // outside every period
  std::vector<IdleRule> periods;  // the last active one wins
  util::Duration acquire_timeout = 15min;     // a job waiting this long for a slot fails
  util::Duration creation_timeout = 10min;    // a granted instance never listed is forgotten
  util::Duration boot_timeout = 15min;        // listed but never ready: removed as unhealthy
  util::Duration deletion_retry_interval = 1min;
  int failure_threshold = 3;                  // consecutive health failures before removal
  util::Duration backoff_initial = 10s;       // after a failed Increase; doubles per failure
  util::Duration backoff_max = 5min;
  bool ready_on_running = true;  // false: the caller runs readiness checks and calls MarkReady

  // The rule in force at `t`.
  const IdleRule& RuleAt(util::Time t) const;
  // kInvalidArgument on impossible limits, e.g. idle_count above the slots max_instances allows.
  util::Status Validate() const;
};

// One line for the log at start: which policy the entry uses and what its idle keys do
// under it, with the key names of the entry's kind (IdleCount/IdleTime for docker+machine,
// idle_count/idle_time otherwise) and the values of `rule` (the one in force now).
std::string DescribePolicy(const AutoscalerSettings& s, const IdleRule& rule, bool machine_keys);

// Maps one [[runners]] entry. The policy kind comes from `fleet_policy` (default when
// unset); a docker+machine entry forces one job per machine. Zones of periods are loaded through `tz`.
// On failure: kInvalidArgument naming the key ("runners.machine.autoscaling[1].Periods: ...").
util::Result<AutoscalerSettings> SettingsFromRunner(const config::RunnerConfig& runner, const TzLoader& tz);

}  // namespace fleet

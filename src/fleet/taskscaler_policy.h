#pragma once
// fleet::TaskscalerPolicy: gitlab-runner's docker-autoscaler (taskscaler) capacity rule,
// re-implemented (reference: autoscaling-algorithms.md section 2.3-2.5):
//   idle target = idle_count, or max(idle_count, min(ceil(scale_factor x in use), scale_factor_limit))
//   wanted      = ceil((in use + pending + idle target) / capacity_per_instance)
//   required    = wanted - instances (creating or running, not deleting)
// required > 0 launches; required < 0 removes idle instances idle longer than idle_time,
// longest idle first. Preemptive mode takes a job only when a ready slot is free.
#include "fleet/policy.h"

namespace fleet {

class TaskscalerPolicy final : public Policy {
 public:
  std::string_view Name() const override { return "taskscaler"; }
  bool MayRequestJob(const FleetView& v) const override;
  Plan Decide(const FleetView& v) override;
  static int IdleTarget(const IdleRule& rule, int used_slots);
};

}  // namespace fleet

#pragma once
// fleet::DockerMachinePolicy: gitlab-runner's docker+machine pool rules, re-implemented
// (reference: autoscaling-algorithms.md section 1.2-1.7). One job per machine.
//  - idle target T = IdleCount, or min(IdleCount, max(minIdle, floor(InUse x IdleScaleFactor)))
//  - removal pass oldest first with running counters: an idle machine past IdleTime goes
//    when the machines seen before it already make T ("too many idle machines"); with
//    IdleScaleFactor, T itself is computed from the machines in use seen so far
//  - scale-out: create while Available (creating + idle) < T, bounded by MaxGrowthRate, limit
//  - IdleCount > 0: take a job only when an idle machine exists; IdleCount = 0: take it
//    and create a machine for it on demand.
// Not modelled: reconciliation only at poll time (here every tick, so idle machines go at
// most a tick late instead of up to a long poll late: in the baseline's favour), the 5-min
// CanConnect cache, newest-first hand-out (the autoscaler hands out the most recently idle).
#include "fleet/policy.h"

namespace fleet {

class DockerMachinePolicy final : public Policy {
 public:
  std::string_view Name() const override { return "docker-machine"; }
  bool MayRequestJob(const FleetView& v) const override;
  Plan Decide(const FleetView& v) override;
  // The idle target for `in_use` machines under `rule`.
  static int IdleTarget(const IdleRule& rule, int in_use);
};

}  // namespace fleet

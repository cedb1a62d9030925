#include "fleet/docker_machine_policy.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fleet {

int DockerMachinePolicy::IdleTarget(const IdleRule& r, int in_use) {
  if (r.scale_factor <= 0) return r.idle_count;
  int min_idle = std::max(r.idle_count_min, 1);
  return std::min(r.idle_count, std::max(min_idle, static_cast<int>(std::floor(in_use * r.scale_factor))));
}

bool DockerMachinePolicy::MayRequestJob(const FleetView& v) const {
  const auto& s = *v.settings;
  if (v.rule->idle_count == 0) {
    bool growth_ok = s.max_growth_rate == 0 || v.creating() < s.max_growth_rate;
    bool limit_ok = s.max_instances == 0 || v.total() + v.pending_jobs < s.max_instances;
    if (growth_ok && limit_ok) return true;
  }
  return v.free_slots > v.pending_jobs;  // an idle machine to reserve for the request
}

Plan DockerMachinePolicy::Decide(const FleetView& v) {
  const IdleRule& r = *v.rule;
  const auto& s = *v.settings;
  Plan p;
  const int target = IdleTarget(r, v.busy);
  int seen_available = 0;
  auto consider = [&](const Instance& in, int partial_target) {
    if (in.idle() && v.now - in.idle_since > r.idle_time && seen_available >= partial_target) {
      p.remove.push_back(in.id);
      return;
    }
    ++seen_available;
  };
  if (r.scale_factor > 0) {
    // The target of the removal pass grows with the machines in use seen so far (oldest
    // first), so walk every machine in adoption order.
    std::vector<const Instance*> all;
    all.reserve(v.instances->size());
    for (const auto& [id, in] : *v.instances) all.push_back(&in);
    std::sort(all.begin(), all.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
    int in_use = 0;
    for (const Instance* in : all) {
      if (in->state == InstanceState::kBooting || in->idle()) consider(*in, IdleTarget(r, in_use));
      if (in->state == InstanceState::kReady && in->leases > 0) ++in_use;
    }
  } else {
    for (const auto& [seq, id] : *v.available_by_age) consider(v.instances->at(id), target);
  }
  int available = v.requested + seen_available;  // requested machines are the newest: after all others
  int total = v.total();
  int launch = 0;
  while ((s.max_growth_rate == 0 || v.creating() + launch < s.max_growth_rate) &&
         (s.max_instances == 0 || total + launch < s.max_instances) && available + launch < target) {
    ++launch;
  }
  // IdleCount = 0: each accepted job without a machine creates one in its own context.
  int on_demand = 0;
  if (r.idle_count == 0) on_demand = std::max(0, v.pending_jobs - v.free_slots - v.creating() - launch);
  p.launch = launch + on_demand;
  if (p.launch > 0 || !p.remove.empty()) {
    p.reason = "idle target " + std::to_string(target) + " (IdleCount " + std::to_string(r.idle_count) +
               "), available " + std::to_string(available) + ", in use " + std::to_string(v.busy) + ", pending " +
               std::to_string(v.pending_jobs);
    if (!p.remove.empty()) p.reason += "; too many idle machines";
  }
  return p;
}

}  // namespace fleet

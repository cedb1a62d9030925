#include "fleet/taskscaler_policy.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace fleet {

int TaskscalerPolicy::IdleTarget(const IdleRule& r, int used) {
  if (r.scale_factor <= 0) return r.idle_count;
  int extra = static_cast<int>(std::ceil(r.scale_factor * used));
  if (r.scale_factor_limit > 0) extra = std::min(extra, r.scale_factor_limit);
  return std::max(r.idle_count, extra);
}

bool TaskscalerPolicy::MayRequestJob(const FleetView& v) const {
  if (v.rule->Preemptive()) return v.free_slots > v.pending_jobs;
  const auto& s = *v.settings;
  long cap = s.max_instances > 0 ? static_cast<long>(s.max_instances) * s.capacity_per_instance : LONG_MAX;
  return v.used_slots + v.pending_jobs < cap;
}

Plan TaskscalerPolicy::Decide(const FleetView& v) {
  const IdleRule& r = *v.rule;
  const auto& s = *v.settings;
  const int c = v.capacity();
  const int idle_target = IdleTarget(r, v.used_slots);
  const int demand = v.used_slots + v.pending_jobs + idle_target;
  int wanted = (demand + c - 1) / c;
  if (s.max_instances > 0) wanted = std::min(wanted, s.max_instances);
  const int required = wanted - v.active();
  Plan p;
  if (required > 0) {
    p.launch = required;
  } else if (required < 0) {
    for (const auto& [since, id] : *v.idle_order) {
      if (static_cast<int>(p.remove.size()) >= -required) break;
      if (v.now - since <= r.idle_time) break;  // ordered by idle since: the rest are younger
      p.remove.push_back(id);
    }
  }
  if (p.launch > 0 || !p.remove.empty()) {
    p.reason = "required " + std::to_string(required) + " = ceil((" + std::to_string(v.used_slots) + " in use + " +
               std::to_string(v.pending_jobs) + " pending + " + std::to_string(idle_target) + " idle) / " +
               std::to_string(c) + ") - " + std::to_string(v.active()) + " instances";
    if (!p.remove.empty()) p.reason += "; instance exceeded max idle time";
  }
  return p;
}

}  // namespace fleet

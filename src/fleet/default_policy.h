#pragma once
// fleet::DefaultPolicy: spotrunner's own policy. It takes every job it can eventually run
// (so it sees the real queue, not only what fits into idle slots), launches at once for
// every job without a slot, and keeps idle capacity for what cannot wait for a boot:
//   horizon H   = observed boot time (mean + 2 deviations) + a pad
//   current     = in use + pending + arrivals(H) - completions(H) + Poisson margin, where
//                 the arrival rate is the largest of the current burst, the recent trend and
//                 the learned time-of-day/week profile of the coming bucket
//   history     = in use + pending + the burst reserve (fleet/burst_reserve.h): the larger of
//                 the regime level (net demand within H in the last 3 hours and around this
//                 time yesterday and a week ago) and the recurring level (what came within
//                 the next 10 minutes at this time on earlier days, if it recurred: scheduled
//                 pipelines and the start of the working day are ready before they arrive)
//   target      = max(current, history, in use + pending + idle_count of the rule in force)
// Surplus idle instances go, longest idle first, after a grace of two boot times (capped by
// idle_time): relaunching costs one boot, so keeping an instance about that long is the
// ski-rental break-even. Surplus is measured against the highest target of the last boot
// time, not the current one: an instance removed now could not be back sooner, so removing
// it while the target dips for a moment only buys a relaunch (and its billed boot).
// Every plan's reason spells out these numbers, and so does a note, once per instance, when
// an instance idle longer than idle_time stays because the target still wants it.
#include <deque>
#include <set>
#include <string>
#include <utility>

#include "fleet/burst_reserve.h"
#include "fleet/demand_forecast.h"
#include "fleet/policy.h"

namespace fleet {

struct DefaultPolicyTuning {
  double quantile = 0.95;     // of the arrivals expected within one boot time (current burst)
  double grace_boots = 2;     // idle grace before a surplus instance goes, in boot times
  double horizon_pad_s = 10;  // added to the boot estimate: decisions are not continuous
  double excess = 0.02;       // share of jobs the burst reserve may leave waiting for a boot
  double min_need = 0.01;     // keep a reserve slot only if needed in this share of windows
  bool hysteresis = true;     // remove only what exceeds the highest target of the last boot time
};

// Smallest k with P(X <= k) >= p for X ~ Poisson(mean) (normal approximation above 200).
int PoissonQuantile(double mean, double p);

class DefaultPolicy final : public Policy {
 public:
  explicit DefaultPolicy(DefaultPolicyTuning t = {}) : t_(t), burst_(t.excess, t.min_need) {}
  std::string_view Name() const override { return "default"; }
  void Observe(const Observation& o) override;
  bool MayRequestJob(const FleetView& v) const override;
  Plan Decide(const FleetView& v) override;
  const DemandForecast& forecast() const { return f_; }

 private:
  DefaultPolicyTuning t_;
  DemandForecast f_;
  BurstReserve burst_;
  std::deque<std::pair<util::Time, int>> recent_targets_;  // (at, target), last boot time
  std::set<std::string> kept_past_idle_time_;  // already explained in a note
};

}  // namespace fleet

#pragma once
// fleet::DefaultPolicy: spotrunner's own policy. It takes every job it can eventually run
// (so it sees the real queue, not only what fits into idle slots) and aims the fleet at
// the demand expected one boot time ahead:
//   need(now + boot) = in use + pending + arrivals(boot) - completions(boot)
//   target           = need + (95% Poisson quantile of arrivals - their mean)
// where the arrival rate is the largest of the current burst, the recent trend, and the
// learned time-of-day/week profile of the coming bucket (scaled by how today compares
// with the profile). Surplus idle instances go after a short grace (half a boot time, capped by
// idle_time): relaunching costs one boot, so keeping an instance longer rarely pays.
// On top, a burst reserve (fleet/burst_reserve.h) learned from the minutes that predict
// the next ones (the last hours, this time yesterday and last week) keeps idle slots for
// the bursts that arrive faster than a boot.
// Config floors stay honoured: the idle_count of the rule in force is a minimum.
// Every plan's reason spells out these numbers.
#include "fleet/burst_reserve.h"
#include "fleet/demand_forecast.h"
#include "fleet/policy.h"

namespace fleet {

struct DefaultPolicyTuning {
  double quantile = 0.95;     // of the arrivals expected within one boot time
  double grace_boots = 0.5;   // idle grace before a surplus instance goes, in boot times
  double horizon_pad_s = 10;  // added to the boot estimate: decisions are not continuous
};

// Smallest k with P(X <= k) >= p for X ~ Poisson(mean) (normal approximation above 200).
int PoissonQuantile(double mean, double p);

class DefaultPolicy final : public Policy {
 public:
  explicit DefaultPolicy(DefaultPolicyTuning t = {}) : t_(t) {}
  std::string_view Name() const override { return "default"; }
  void Observe(const Observation& o) override;
  bool MayRequestJob(const FleetView& v) const override;
  Plan Decide(const FleetView& v) override;
  const DemandForecast& forecast() const { return f_; }

 private:
  DefaultPolicyTuning t_;
  DemandForecast f_;
  BurstReserve burst_;
};

}  // namespace fleet

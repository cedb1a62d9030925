#include "fleet/default_policy.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

namespace fleet {

int PoissonQuantile(double mean, double p) {
  if (mean <= 0) return 0;
  if (mean > 200) return static_cast<int>(std::ceil(mean + 1.645 * std::sqrt(mean)));
  double pmf = std::exp(-mean), cdf = pmf;
  int k = 0;
  while (cdf < p && k < 10000) {
    ++k;
    pmf *= mean / k;
    cdf += pmf;
  }
  return k;
}

void DefaultPolicy::Observe(const Observation& o) {
  switch (o.kind) {
    case Observation::Kind::kJobQueued:
      f_.OnArrival(o.at);
      burst_.OnArrival(o.at);
      break;
    case Observation::Kind::kJobFinished:
      f_.OnCompletion(o.at);
      burst_.OnCompletion(o.at);
      break;
    case Observation::Kind::kInstanceReady: f_.OnBoot(o.duration); break;
    case Observation::Kind::kJobStarted: break;
  }
}

bool DefaultPolicy::MayRequestJob(const FleetView& v) const {
  const auto& s = *v.settings;
  long cap = s.max_instances > 0 ? static_cast<long>(s.max_instances) * s.capacity_per_instance : LONG_MAX;
  return v.used_slots + v.pending_jobs < cap;  // every job we take gets a slot launched at once
}

Plan DefaultPolicy::Decide(const FleetView& v) {
  const auto& s = *v.settings;
  const IdleRule& r = *v.rule;
  const int c = v.capacity();
  const double boot = f_.BootHighS();
  const double horizon = boot + t_.horizon_pad_s;

  // The current burst: arrivals over one horizon at the faster of the burst and trend rates
  // (or the learned rate of the coming time of day, if higher), less the slots expected to
  // free up, with the Poisson upper quantile of the arrivals.
  const double fast = f_.FastRate(v.now), slow = f_.SlowRate(v.now);
  double rate = std::max(fast, slow);
  const char* why = fast >= slow ? "burst" : "trend";
  int samples_now = 0, samples_next = 0;
  double prof_now = f_.ProfileRate(v.now, &samples_now);
  double prof_next = f_.ProfileRate(v.now + util::FromSeconds(horizon), &samples_next);
  if (samples_now > 0 && samples_next > 0 && prof_now > 0) {
    double seasonal = prof_next * std::clamp(slow / prof_now, 0.5, 2.0);
    if (seasonal > rate) {
      rate = seasonal;
      why = "profile";
    }
  }
  const double arrivals = rate * horizon;
  const double completions = std::min<double>(v.used_slots, f_.CompletionRate(v.now) * horizon);
  const double base = v.used_slots + v.pending_jobs;
  const double margin = PoissonQuantile(arrivals, t_.quantile) - arrivals;
  int target_slots = static_cast<int>(std::ceil(base + arrivals - completions + margin - 1e-9));
  // Bursts faster than a boot: idle slots from the burst history (last hours, this time
  // yesterday and last week).
  const ReserveEstimate est = burst_.Estimate(v.now, horizon);
  const int reserve = est.reserve();
  const int reserve_slots = static_cast<int>(base) + reserve;
  if (reserve_slots > target_slots) {
    target_slots = reserve_slots;
    why = est.recurring > est.regime ? "recurring burst" : "burst regime";
  }
  target_slots = std::max({target_slots, static_cast<int>(base), static_cast<int>(base) + r.idle_count});
  int target = (target_slots + c - 1) / c;
  if (s.max_instances > 0) target = std::min(target, s.max_instances);

  // What may go: an instance removed now cannot be back before a boot, so only what exceeds
  // the highest target of the last boot time is surplus (no remove-then-relaunch churn).
  int keep = target;
  if (t_.hysteresis) {
    const util::Duration memory = util::FromSeconds(boot);
    while (!recent_targets_.empty() && recent_targets_.front().first + memory < v.now) recent_targets_.pop_front();
    while (!recent_targets_.empty() && recent_targets_.back().second <= target) recent_targets_.pop_back();
    recent_targets_.emplace_back(v.now, target);
    keep = recent_targets_.front().second;
  }
  Plan p;
  const int active = v.active();
  if (target > active) p.launch = target - active;
  if (keep < active) {
    const util::Duration grace =
        std::min(util::FromSeconds(t_.grace_boots * f_.BootS()), std::max(r.idle_time, util::Duration(0)));
    int surplus = std::min(active - keep, v.idle);
    for (const auto& [since, id] : *v.idle_order) {
      if (surplus == 0 || v.now - since < grace) break;  // longest idle first
      p.remove.push_back(id);
      --surplus;
    }
  }
  // Idle instances past idle_time that stay: the target still wants them (said once each).
  std::set<std::string> kept;
  std::string fresh;
  int n_fresh = 0;
  for (const auto& [since, id] : *v.idle_order) {
    if (v.now - since <= r.idle_time) break;  // longest idle first: the rest are younger
    if (std::find(p.remove.begin(), p.remove.end(), id) != p.remove.end()) continue;
    kept.insert(id);
    if (!kept_past_idle_time_.count(id) && n_fresh++ < 5) fresh += (fresh.empty() ? "" : ", ") + id;
  }
  kept_past_idle_time_ = std::move(kept);
  if (p.launch > 0 || !p.remove.empty() || n_fresh > 0) {
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "target %d = %d in use + %d pending + %.1f arrivals - %.1f completions + %.1f margin "
                  "over %.0fs (rate %.3f/s; burst reserve %d = max(regime %.1f, recurring %d); by %s; "
                  "floor idle_count %d); have %d; keep %d",
                  target, v.used_slots, v.pending_jobs, arrivals, completions, margin, horizon, rate, reserve,
                  est.regime, est.recurring, why, r.idle_count, active, keep);
    if (p.launch > 0 || !p.remove.empty()) p.reason = buf;
    if (n_fresh > 0) {
      p.note = "keep " + fresh + (n_fresh > 5 ? " and " + std::to_string(n_fresh - 5) + " more" : "") +
               " idle past idle_time " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(r.idle_time).count()) + "s: " + buf;
    }
  }
  return p;
}

}  // namespace fleet

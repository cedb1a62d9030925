#pragma once
// fleet::DemandForecast: what the default policy learns from observation only.
//  - arrival rate now: exponentially decayed counts at two time constants (the burst,
//    and the recent trend);
//  - completion rate now (instances coming free soon);
//  - time-of-day and time-of-week arrival profiles (UTC buckets, averaged over the days
//    and weeks seen so far), to raise capacity before a known rise;
//  - boot time: a running mean of observed boots.
// Pure bookkeeping, O(1) per observation. Copyable.
#include <cstdint>
#include <vector>

#include "util/clock.h"

namespace fleet {

class DecayedRate {
 public:
  explicit DecayedRate(double tau_s) : tau_(tau_s) {}
  void Add(double t_s, double n = 1);
  double At(double t_s) const;  // events per second
  double tau() const { return tau_; }

 private:
  double tau_;
  double value_ = 0, last_ = 0;
};

class DemandForecast {
 public:
  static constexpr double kBucketS = 600;  // profile resolution: 10 minutes

  DemandForecast();
  void OnArrival(util::Time t);
  void OnCompletion(util::Time t);
  void OnBoot(util::Duration boot);

  // Seconds from a launch to a ready instance (prior 90 s until something was seen).
  double BootS() const { return boots_ == 0 ? 90.0 : boot_mean_s_; }
  // A boot time few boots exceed: mean + 2 x mean absolute deviation.
  double BootHighS() const { return boots_ == 0 ? 90.0 : boot_mean_s_ + 2 * boot_dev_s_; }
  double FastRate(util::Time t) const { return fast_.At(Sec(t)); }
  double SlowRate(util::Time t) const { return slow_.At(Sec(t)); }
  double CompletionRate(util::Time t) const { return done_.At(Sec(t)); }
  // Learned arrival rate (per second) of the bucket holding `t`, and how many past days
  // (or weeks) back it; 0 samples when nothing is known.
  double ProfileRate(util::Time t, int* samples) const;

 private:
  static double Sec(util::Time t) { return util::ToSeconds(t.time_since_epoch()); }
  void Roll(int64_t bucket);

  DecayedRate fast_, slow_, done_;
  double boot_mean_s_ = 0, boot_dev_s_ = 0;
  int64_t boots_ = 0;
  // Profiles: sum of counts and number of samples per bucket of the day / of the week.
  std::vector<double> day_sum_, week_sum_;
  std::vector<int> day_n_, week_n_;
  int64_t cur_bucket_ = -1;
  double cur_count_ = 0;
};

}  // namespace fleet

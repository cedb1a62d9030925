#include "fleet/demand_forecast.h"

#include <cmath>

namespace fleet {

namespace {
constexpr int kDayBuckets = static_cast<int>(86400 / DemandForecast::kBucketS);
constexpr int kWeekBuckets = kDayBuckets * 7;
}  // namespace

void DecayedRate::Add(double t, double n) {
  value_ = At(t) + n / tau_;
  last_ = t;
}

double DecayedRate::At(double t) const {
  if (t <= last_) return value_;
  return value_ * std::exp(-(t - last_) / tau_);
}

DemandForecast::DemandForecast()
    : fast_(120), slow_(900), done_(300),
      day_sum_(kDayBuckets), week_sum_(kWeekBuckets), day_n_(kDayBuckets), week_n_(kWeekBuckets) {}

void DemandForecast::Roll(int64_t bucket) {
  if (cur_bucket_ < 0) {
    cur_bucket_ = bucket;
    return;
  }
  // Close every bucket up to `bucket` (empty ones count as zero arrivals). Long gaps are
  // capped at one week of closing work.
  if (bucket - cur_bucket_ > kWeekBuckets) cur_bucket_ = bucket - kWeekBuckets;
  while (cur_bucket_ < bucket) {
    auto d = static_cast<size_t>(((cur_bucket_ % kDayBuckets) + kDayBuckets) % kDayBuckets);
    auto w = static_cast<size_t>(((cur_bucket_ % kWeekBuckets) + kWeekBuckets) % kWeekBuckets);
    day_sum_[d] += cur_count_;
    ++day_n_[d];
    week_sum_[w] += cur_count_;
    ++week_n_[w];
    cur_count_ = 0;
    ++cur_bucket_;
  }
}

void DemandForecast::OnArrival(util::Time t) {
  double s = Sec(t);
  Roll(static_cast<int64_t>(std::floor(s / kBucketS)));
  cur_count_ += 1;
  fast_.Add(s);
  slow_.Add(s);
}

void DemandForecast::OnCompletion(util::Time t) { done_.Add(Sec(t)); }

void DemandForecast::OnBoot(util::Duration boot) {
  double b = util::ToSeconds(boot);
  if (b < 0) return;
  ++boots_;
  double w = boots_ < 20 ? 1.0 / static_cast<double>(boots_) : 0.05;
  if (boots_ > 1) boot_dev_s_ += w * (std::abs(b - boot_mean_s_) - boot_dev_s_);
  boot_mean_s_ += w * (b - boot_mean_s_);
}

double DemandForecast::ProfileRate(util::Time t, int* samples) const {
  auto b = static_cast<int64_t>(std::floor(Sec(t) / kBucketS));
  auto w = static_cast<size_t>(((b % kWeekBuckets) + kWeekBuckets) % kWeekBuckets);
  if (week_n_[w] >= 2) {
    *samples = week_n_[w];
    return week_sum_[w] / week_n_[w] / kBucketS;
  }
  auto d = static_cast<size_t>(((b % kDayBuckets) + kDayBuckets) % kDayBuckets);
  *samples = day_n_[d];
  return day_n_[d] == 0 ? 0.0 : day_sum_[d] / day_n_[d] / kBucketS;
}

}  // namespace fleet

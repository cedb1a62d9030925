#include "fleet/burst_reserve.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace fleet {
namespace {
constexpr int64_t kKeep = 8 * 24 * 60;
int64_t MinuteOf(util::Time t) {
  return static_cast<int64_t>(std::floor(util::ToSeconds(t.time_since_epoch()) / 60));
}
}  // namespace

void BurstReserve::Roll(int64_t minute) {
  if (minutes_.empty() || minutes_.back().first < minute) minutes_.push_back({minute, 0});
  while (!minutes_.empty() && minutes_.front().first < minute - kKeep) minutes_.pop_front();
}

void BurstReserve::OnArrival(util::Time t) {
  Roll(MinuteOf(t));
  ++minutes_.back().second;
}

void BurstReserve::Recompute(int64_t now) {
  // Minutes with no arrival are absent; they add nothing to either side of the sum.
  std::vector<int> c;
  auto take = [&](int64_t from, int64_t to) {  // [from, to)
    auto it = std::lower_bound(minutes_.begin(), minutes_.end(), std::make_pair(from, 0));
    for (; it != minutes_.end() && it->first < to; ++it) c.push_back(it->second);
  };
  take(now - 180, now);
  take(now - 1440 - 60, now - 1440 + 120);
  take(now - 7 * 1440 - 60, now - 7 * 1440 + 120);
  std::sort(c.begin(), c.end(), std::greater<int>());
  double total = 0;
  for (int x : c) total += x;
  // Walk down the sorted counts: above level c[i], the excess is sum(c[0..i)) - i * c[i].
  double above = 0, r = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    double excess_at = above - static_cast<double>(i) * c[i];
    if (excess_at > excess_ * total) {
      // The level lies between c[i] and c[i-1]: solve above - i * R = excess * total.
      r = (above - excess_ * total) / static_cast<double>(i);
      break;
    }
    above += c[i];
  }
  reserve_ = r;
}

double BurstReserve::PerMinute(util::Time t) {
  int64_t m = MinuteOf(t);
  if (m != computed_for_) {
    computed_for_ = m;
    Recompute(m);
  }
  return reserve_;
}

}  // namespace fleet

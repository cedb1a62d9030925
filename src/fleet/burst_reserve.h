#pragma once
// fleet::BurstReserve: how much idle capacity covers the bursts this fleet sees.
// It keeps per-minute arrival counts for the last 8 days and, at each new minute, looks
// at the minutes that predict the near future: the last 3 hours, and the same time of day
// yesterday and a week ago (from one hour before to two hours after, so a known rise shows
// up ahead). The reserve is the smallest per-minute count R such that the arrivals above R
// in those minutes are at most `excess` of all their arrivals: with R idle slots,
// about that share of jobs would still wait for a boot.
// Pure bookkeeping. Copyable.
#include <cstdint>
#include <deque>
#include <utility>

#include "util/clock.h"

namespace fleet {

class BurstReserve {
 public:
  explicit BurstReserve(double excess = 0.05) : excess_(excess) {}
  void OnArrival(util::Time t);
  // Per-minute reserve at `t` (recomputed when a minute closes).
  double PerMinute(util::Time t);

 private:
  void Roll(int64_t minute);
  void Recompute(int64_t minute);

  double excess_;
  std::deque<std::pair<int64_t, int>> minutes_;  // (minute index, arrivals), ascending
  int64_t computed_for_ = -1;
  double reserve_ = 0;
};

}  // namespace fleet

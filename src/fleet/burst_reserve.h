#pragma once
// fleet::BurstReserve: how many idle slots to keep for the bursts that come faster than a
// boot, learned from this fleet's own history.
//
// It keeps 10-second counts of job arrivals and completions for the last 8 days. For a
// horizon H (one boot: capacity launched now is ready then) the net demand of a window is
// arrivals - completions within H of its start: what idle slots must absorb, since no new
// instance can be ready sooner. It looks at the windows that predict the near future: the
// last 3 hours (the current regime), and the same time of day yesterday and a week ago,
// from one hour before to one hour after (so a rise that came at this time before shows up
// ahead of time). The reserve is the smallest level R such that the net demand above R,
// summed over those windows, is at most `excess` of all their arrivals: with R idle slots
// about that share of jobs would still wait for a boot. A slot is kept, though, only if at
// least `min_need` of those windows need it (the newsvendor rule: a slot needed more rarely
// costs more idle time than the waits it saves; this keeps rare big bursts in quiet hours
// from holding a large pool all night). Recomputed at most once a minute.
// Pure bookkeeping, O(1) per observation. Copyable.
#include <cstdint>
#include <vector>

#include "util/clock.h"

namespace fleet {

class BurstReserve {
 public:
  static constexpr double kBinS = 10;

  BurstReserve(double excess = 0.02, double min_need = 0.01);
  void OnArrival(util::Time t);
  void OnCompletion(util::Time t);
  // Reserve (slots) at `t` for windows of `horizon_s` seconds.
  double Reserve(util::Time t, double horizon_s);
  double excess() const { return excess_; }

 private:
  struct Bin {
    int32_t arrivals = 0, completions = 0;
  };
  static int64_t BinOf(util::Time t);
  const Bin& Get(int64_t bin) const;  // zero outside what the ring holds
  Bin& At(int64_t bin);
  void Roll(int64_t bin);
  double Compute(int64_t now_bin, int window_bins);

  double excess_, min_need_;
  std::vector<Bin> ring_;  // bin b lives at b % size; bins after last_ are stale
  int64_t first_ = -1;     // oldest bin ever written: no history before it
  int64_t last_ = -1;      // newest bin written
  int64_t computed_minute_ = -1;
  int computed_window_ = 0;
  double reserve_ = 0;
  std::vector<int> scratch_;
};

}  // namespace fleet

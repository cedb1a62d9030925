#pragma once
// fleet::BurstReserve: how many idle slots to keep for the bursts that come faster than a
// boot, learned from this fleet's own history.
//
// It keeps 10-second counts of job arrivals and completions for the last 8 days. For a
// horizon H (one boot: capacity launched now is ready then) the net demand of a window is
// arrivals - completions within H of its start: what idle slots must absorb, since no new
// instance can be ready sooner. The reserve is the larger of two levels:
//  - regime: from the windows that describe the near future: the last 3 hours (the current
//    regime), and the same time of day yesterday and a week ago, from one hour before to one
//    hour after. It is the smallest level R such that the net demand above R, summed over
//    those windows, is at most `excess` of all their arrivals: with R idle slots about that
//    share of jobs would still wait for a boot. A slot is kept, though, only if at least
//    `min_need` of those windows need it (the newsvendor rule: a slot needed more rarely
//    costs more idle time than the waits it saves; this keeps rare big bursts in quiet hours
//    from holding a large pool all night).
//  - recurring: the highest net demand of the windows starting within the next 10 minutes
//    at the same time of day on earlier days, if it recurred: on the same weekday last week
//    and on one of the last two days, or (with less than a week of history) on both of the
//    last two days. Scheduled pipelines and the start of the working day are then ready a
//    horizon ahead, for minutes rather than the hours the regime level would hold them;
//    one-off bursts of earlier days do not recur and are not prepared for.
// Both are recomputed at most once a minute. Pure bookkeeping, O(1) per observation.
// Copyable.
#include <cmath>
#include <cstdint>
#include <vector>

#include "util/clock.h"

namespace fleet {

struct ReserveEstimate {
  double regime = 0;  // slots for the bursts of the current regime
  int recurring = 0;  // slots for what recurred around this time on earlier days
  int reserve() const {
    const int r = static_cast<int>(std::ceil(regime - 1e-9));
    return r > recurring ? r : recurring;
  }
};

class BurstReserve {
 public:
  static constexpr double kBinS = 10;

  BurstReserve(double excess = 0.02, double min_need = 0.01);
  void OnArrival(util::Time t);
  void OnCompletion(util::Time t);
  // Reserve (slots) at `t` for windows of `horizon_s` seconds.
  ReserveEstimate Estimate(util::Time t, double horizon_s);
  double excess() const { return excess_; }

 private:
  struct Bin {
    int32_t arrivals = 0, completions = 0;
  };
  static int64_t BinOf(util::Time t);
  bool Held(int64_t bin) const;  // whether history covers `bin`
  const Bin& Get(int64_t bin) const;  // zero outside what the ring holds
  Bin& At(int64_t bin);
  void Roll(int64_t bin);
  int Net(int64_t bin) const { return Get(bin).arrivals - Get(bin).completions; }
  double Regime(int64_t now_bin, int window_bins);
  // Highest net demand of the windows starting in [from, from + 10 min); -1 if not held.
  int PeakAt(int64_t from, int window_bins) const;
  int Recurring(int64_t now_bin, int window_bins) const;

  double excess_, min_need_;
  std::vector<Bin> ring_;  // bin b lives at b % size; bins after last_ are stale
  int64_t first_ = -1;     // oldest bin ever written: no history before it
  int64_t last_ = -1;      // newest bin written
  int64_t computed_minute_ = -1;
  int computed_window_ = 0;
  ReserveEstimate est_;
  std::vector<int> scratch_;
};

}  // namespace fleet

#include "fleet/burst_reserve.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace fleet {
namespace {
constexpr int64_t kDayBins = static_cast<int64_t>(86400 / BurstReserve::kBinS);
constexpr int64_t kRing = 8 * kDayBins;
constexpr int64_t kHourBins = static_cast<int64_t>(3600 / BurstReserve::kBinS);
constexpr int64_t kMinuteBins = static_cast<int64_t>(60 / BurstReserve::kBinS);
constexpr int64_t kAheadBins = 10 * kMinuteBins;  // how far ahead recurring demand is prepared for
}  // namespace

BurstReserve::BurstReserve(double excess, double min_need) : excess_(excess), min_need_(min_need), ring_(kRing) {}

int64_t BurstReserve::BinOf(util::Time t) {
  return static_cast<int64_t>(std::floor(util::ToSeconds(t.time_since_epoch()) / kBinS));
}

void BurstReserve::Roll(int64_t bin) {
  if (first_ < 0) first_ = bin;
  if (bin <= last_) return;
  int64_t from = std::max(last_ + 1, bin - kRing + 1);
  for (int64_t b = from; b <= bin; ++b) ring_[static_cast<size_t>(b % kRing)] = Bin{};
  last_ = bin;
}

bool BurstReserve::Held(int64_t bin) const { return first_ >= 0 && bin >= first_ && bin > last_ - kRing && bin <= last_; }

const BurstReserve::Bin& BurstReserve::Get(int64_t bin) const {
  static const Bin kZero;
  if (!Held(bin)) return kZero;
  return ring_[static_cast<size_t>(bin % kRing)];
}

BurstReserve::Bin& BurstReserve::At(int64_t bin) {
  Roll(bin);
  // Events come in time order; a late one lands in the newest bin.
  return ring_[static_cast<size_t>(std::min(bin, last_) % kRing)];
}

void BurstReserve::OnArrival(util::Time t) { ++At(BinOf(t)).arrivals; }
void BurstReserve::OnCompletion(util::Time t) { ++At(BinOf(t)).completions; }

double BurstReserve::Regime(int64_t now, int wb) {
  scratch_.clear();
  double total = 0;
  size_t windows = 0;
  // Windows of wb bins starting at bins [from, to), complete before `now`.
  auto range = [&](int64_t from, int64_t to) {
    from = std::max({from, first_, last_ - kRing + 1});
    to = std::min(to, now - wb + 1);
    if (to <= from) return;
    int net = 0;
    for (int64_t b = from; b < from + wb; ++b) net += Net(b);
    for (int64_t s = from; s < to; ++s) {
      ++windows;
      if (net > 0) scratch_.push_back(net);
      total += Get(s).arrivals;
      net += Net(s + wb) - Net(s);
    }
  };
  range(now - 3 * kHourBins, now);
  for (int64_t back : {kDayBins, 7 * kDayBins}) range(now - back - kHourBins, now - back + kHourBins);
  if (scratch_.empty() || total <= 0) return 0;
  std::sort(scratch_.begin(), scratch_.end(), std::greater<int>());
  // The level that min_need of all windows (time-weighted) exceed.
  const auto need_index = static_cast<size_t>(min_need_ * static_cast<double>(windows));
  const double cap = need_index < scratch_.size() ? scratch_[need_index] : 0;
  // Every arrival sits in about wb windows: compare the summed excess with excess x total x wb.
  const double allowed = excess_ * total * wb;
  double above = 0;
  for (size_t i = 0; i < scratch_.size(); ++i) {
    // At level c[i], the windows before i exceed it by above - i * c[i].
    if (above - static_cast<double>(i) * scratch_[i] > allowed) {
      // The level lies between c[i] and c[i-1]: solve above - i * R = allowed.
      return std::min(cap, (above - allowed) / static_cast<double>(i));
    }
    above += scratch_[i];
  }
  // Still too much above the smallest positive level: the level lies between 0 and it.
  if (above > allowed) return std::min(cap, (above - allowed) / static_cast<double>(scratch_.size()));
  return 0;
}

int BurstReserve::PeakAt(int64_t from, int wb) const {
  const int64_t to = from + kAheadBins;
  if (!Held(from) || !Held(to + wb)) return -1;
  int net = 0, peak = 0;
  for (int64_t b = from; b < from + wb; ++b) net += Net(b);
  for (int64_t s = from; s < to; ++s) {
    peak = std::max(peak, net);
    net += Net(s + wb) - Net(s);
  }
  return peak;
}

int BurstReserve::Recurring(int64_t now, int wb) const {
  const int d1 = PeakAt(now - kDayBins, wb), d2 = PeakAt(now - 2 * kDayBins, wb), d7 = PeakAt(now - 7 * kDayBins, wb);
  if (d7 >= 0 && (d1 >= 0 || d2 >= 0)) return std::min(d7, std::max(d1, d2));
  if (d1 >= 0 && d2 >= 0) return std::min(d1, d2);
  return 0;
}

ReserveEstimate BurstReserve::Estimate(util::Time t, double horizon_s) {
  const int64_t bin = BinOf(t);
  Roll(bin);
  const int wb = std::max(1, static_cast<int>(std::ceil(horizon_s / kBinS)));
  const int64_t minute = bin / kMinuteBins;
  if (minute != computed_minute_ || wb != computed_window_) {
    computed_minute_ = minute;
    computed_window_ = wb;
    est_.regime = Regime(bin, wb);
    est_.recurring = Recurring(bin, wb);
  }
  return est_;
}

}  // namespace fleet

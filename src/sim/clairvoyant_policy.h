#pragma once
// sim::ClairvoyantPolicy: knows every arrival and run time of the trace in advance, so it
// launches each instance one boot time before it is needed and removes an idle one as
// soon as no job will want it within one boot time. A reference lower bound for the
// other policies, not something production can run.
#include <vector>

#include "fleet/policy.h"
#include "sim/trace.h"

namespace sim {

class ClairvoyantPolicy final : public fleet::Policy {
 public:
  // `origin` is the virtual time of arrival_s = 0; `lookahead_s` is how far ahead an
  // instance must be launched (the longest boot it expects plus the tick).
  ClairvoyantPolicy(const std::vector<TraceJob>& jobs, util::Time origin, double lookahead_s);
  std::string_view Name() const override { return "clairvoyant"; }
  bool MayRequestJob(const fleet::FleetView&) const override { return true; }
  fleet::Plan Decide(const fleet::FleetView& v) override;

 private:
  util::Time origin_;
  double res_s_ = 1;
  std::vector<int> window_max_;  // max jobs running (with zero waits) in [t, t + lookahead]
};

}  // namespace sim

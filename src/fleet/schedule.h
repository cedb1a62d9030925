#pragma once
// fleet::Schedule: when a period override is in force: a list of cron expressions read
// in one time zone. Active at `t` if any expression matches t's local second/minute.
#include <string>
#include <vector>

#include "fleet/cron.h"
#include "fleet/timezone.h"
#include "util/clock.h"

namespace fleet {

class Schedule {
 public:
  // Always active.
  Schedule() = default;
  // On failure: the first bad expression's error.
  static util::Result<Schedule> Parse(const std::vector<std::string>& periods, TimeZone zone);

  bool ActiveAt(util::Time t) const;
  bool always() const { return always_; }
  const TimeZone& zone() const { return zone_; }

 private:
  bool always_ = true;
  std::vector<CronExpr> exprs_;
  TimeZone zone_;
};

}  // namespace fleet

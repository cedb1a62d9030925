#include "fleet/schedule.h"

namespace fleet {

util::Result<Schedule> Schedule::Parse(const std::vector<std::string>& periods, TimeZone zone) {
  Schedule s;
  s.always_ = false;
  s.zone_ = std::move(zone);
  for (const auto& p : periods) {
    auto e = CronExpr::Parse(p);
    if (!e.ok()) return e.status();
    s.exprs_.push_back(std::move(*e));
  }
  return s;
}

bool Schedule::ActiveAt(util::Time t) const {
  if (always_) return true;
  CivilTime c = CivilTime::FromLocalSeconds(zone_.LocalSeconds(t));
  for (const auto& e : exprs_) {
    if (e.Matches(c)) return true;
  }
  return false;
}

}  // namespace fleet

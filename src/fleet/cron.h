#pragma once
// fleet::CronExpr: gitlab-runner's period syntax (gorhill/cronexpr subset).
//   5 fields: minute hour day-of-month month day-of-week   ([[runners.autoscaler.policy]])
//   6 fields: minute hour day-of-month month day-of-week year
//   7 fields: second minute hour day-of-month month day-of-week year ([[runners.machine.autoscaling]])
// Each field: "*", "?", N, A-B, */S, A-B/S, A/S, and comma lists of those; months and
// weekdays also by English name (jan, mon-fri); weekday 7 is Sunday. When both
// day-of-month and day-of-week are restricted a day matches if either does.
// Not supported (rejected with an error): L, W, #. Weekday names: 3-letter prefixes.
#include <bitset>
#include <cstdint>
#include <string>

#include "util/status.h"

namespace fleet {

// A civil (local) time, split.
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int weekday = 4;  // 0 = Sunday
  // From seconds since the local epoch (TimeZone::LocalSeconds).
  static CivilTime FromLocalSeconds(int64_t s);
};

class CronExpr {
 public:
  // On failure: kInvalidArgument, e.g. `cron "* * 25 * *": hour: 25 out of range 0-23`.
  static util::Result<CronExpr> Parse(const std::string& text);

  // True if `t` lies in the matched unit: the second (7 fields) or the minute (5/6 fields).
  bool Matches(const CivilTime& t) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> second_, minute_;
  std::bitset<24> hour_;
  std::bitset<32> dom_;
  std::bitset<13> month_;
  std::bitset<7> dow_;
  std::bitset<130> year_;  // 1970..2099
  bool dom_star_ = true, dow_star_ = true;
};

}  // namespace fleet

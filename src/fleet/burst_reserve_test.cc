#include "fleet/burst_reserve.h"

#include <gtest/gtest.h>

namespace fleet {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const util::Time kMonday{seconds(1704067200)};  // 2024-01-01 00:00 UTC

void Burst(BurstReserve& r, util::Time at, int n) {
  for (int i = 0; i < n; ++i) r.OnArrival(at);
}

TEST(BurstReserveTest, NothingSeenNothingKept) {
  BurstReserve r;
  EXPECT_EQ(r.Estimate(kMonday, 70).regime, 0);
  r.OnArrival(kMonday);
  EXPECT_EQ(r.Estimate(kMonday + minutes(1), 70).regime, 0);  // one job: within the allowed excess
}

TEST(BurstReserveTest, CoversTheBurstsOfTheLastHours) {
  BurstReserve r(0.02, 0.01);
  // 20 bursts of 30 jobs, 5 minutes apart; none has finished.
  for (int b = 0; b < 20; ++b) Burst(r, kMonday + minutes(5 * b), 30);
  double reserve = r.Estimate(kMonday + minutes(100), 70).regime;
  // Windows of 7 bins: each burst is in 7 of them, except the first (history starts there):
  // 134 windows of 30. 2% of the 600 jobs may wait, each counted in 7 windows:
  // R = (134 * 30 - 0.02 * 600 * 7) / 134.
  EXPECT_NEAR(reserve, (134 * 30 - 0.02 * 600 * 7) / 134, 1e-9);
  // Looser excess, smaller reserve.
  BurstReserve loose(0.5, 0.01);
  for (int b = 0; b < 20; ++b) Burst(loose, kMonday + minutes(5 * b), 30);
  EXPECT_NEAR(loose.Estimate(kMonday + minutes(100), 70).regime, (134 * 30 - 0.5 * 600 * 7) / 134, 1e-9);
}

TEST(BurstReserveTest, CompletionsInTheWindowOffsetArrivals) {
  BurstReserve r(0.02, 0.01);
  for (int b = 0; b < 20; ++b) {
    Burst(r, kMonday + minutes(5 * b), 30);
    for (int i = 0; i < 30; ++i) r.OnCompletion(kMonday + minutes(5 * b));  // as many freed at once
  }
  EXPECT_EQ(r.Estimate(kMonday + minutes(100), 70).regime, 0);
}

TEST(BurstReserveTest, ForgetsAfterThreeQuietHours) {
  BurstReserve r;
  for (int b = 0; b < 20; ++b) Burst(r, kMonday + minutes(5 * b), 30);
  EXPECT_GT(r.Estimate(kMonday + minutes(100), 70).regime, 20);
  EXPECT_EQ(r.Estimate(kMonday + minutes(100) + hours(3), 70).regime, 0);
}

TEST(BurstReserveTest, RareBurstInQuietHoursIsNotWorthAPool) {
  // One burst of 100 jobs in three hours: needed in under 1% of the windows.
  BurstReserve r(0.02, 0.01);
  Burst(r, kMonday + hours(1), 100);
  EXPECT_EQ(r.Estimate(kMonday + hours(3), 70).regime, 0);
  BurstReserve keen(0.02, 0);  // without the newsvendor cap it would keep 100 - 0.02 * 100 * 7
  Burst(keen, kMonday + hours(1), 100);
  EXPECT_NEAR(keen.Estimate(kMonday + hours(3), 70).regime, 86, 1e-9);
}

TEST(BurstReserveTest, PreparesForYesterdaysRiseAheadOfTime) {
  BurstReserve r(0.02, 0.01);
  // Monday 09:00-09:50: a burst of 20 every 5 minutes.
  for (int b = 0; b < 10; ++b) Burst(r, kMonday + hours(9) + minutes(5 * b), 20);
  // Tuesday: quiet so far (one job at 05:00 keeps the clock moving).
  r.OnArrival(kMonday + hours(24 + 5));
  EXPECT_EQ(r.Estimate(kMonday + hours(24 + 6), 70).regime, 0);                 // 06:00: nothing yesterday around now
  EXPECT_GT(r.Estimate(kMonday + hours(24 + 8) + minutes(30), 70).regime, 15);  // 08:30: yesterday's 09:00 is near
}

TEST(BurstReserveTest, ReadiesARecurringScheduleMinutesAhead) {
  BurstReserve r(0.02, 0.01);
  r.OnArrival(kMonday);  // history from Monday 00:00
  // Monday and Tuesday at 02:00: a scheduled pipeline of 150 jobs, done by 02:20.
  for (int d = 0; d < 2; ++d) {
    Burst(r, kMonday + hours(24 * d + 2), 150);
    for (int i = 0; i < 150; ++i) r.OnCompletion(kMonday + hours(24 * d + 2) + minutes(20));
  }
  r.OnArrival(kMonday + hours(48 + 1));  // Wednesday 01:00
  const util::Time wed = kMonday + hours(48);
  ReserveEstimate early = r.Estimate(wed + hours(1) + minutes(45), 70);
  EXPECT_EQ(early.recurring, 0);  // more than 10 minutes ahead: nothing held yet
  ReserveEstimate ready = r.Estimate(wed + hours(1) + minutes(52), 70);
  EXPECT_EQ(ready.recurring, 150);
  EXPECT_GE(ready.reserve(), 150);
  // The regime level alone would not hold it: two minutes a day are under min_need.
  EXPECT_LT(ready.regime, 1);
  EXPECT_EQ(r.Estimate(wed + hours(2) + minutes(25), 70).recurring, 0);  // once it has passed
}

TEST(BurstReserveTest, AOneOffBurstDoesNotRecur) {
  BurstReserve r(0.02, 0.01);
  r.OnArrival(kMonday);  // history from Monday 00:00
  Burst(r, kMonday + hours(10), 50);  // Monday only
  r.OnArrival(kMonday + hours(48 + 9));
  // Wednesday 09:55: Monday had it, Tuesday did not.
  EXPECT_EQ(r.Estimate(kMonday + hours(48 + 9) + minutes(55), 70).recurring, 0);
}

TEST(BurstReserveTest, TheSameWeekdayLastWeekDecides) {
  BurstReserve r(0.02, 0.01);
  // Weekdays of the first week and the next Monday: 30 jobs at 09:00.
  for (int d : {0, 1, 2, 3, 4, 7}) Burst(r, kMonday + hours(24 * d + 9), 30);
  r.OnArrival(kMonday + hours(24 * 8 + 8));  // second Tuesday 08:00
  // Second Tuesday 08:55: last Tuesday and yesterday agree.
  EXPECT_EQ(r.Estimate(kMonday + hours(24 * 8 + 8) + minutes(55), 70).recurring, 30);
  // The second Saturday: Thursday and Friday had it, but last Saturday was quiet.
  BurstReserve s(0.02, 0.01);
  for (int d : {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}) Burst(s, kMonday + hours(24 * d + 9), 30);
  s.OnArrival(kMonday + hours(24 * 12 + 8));  // second Saturday 08:00
  EXPECT_EQ(s.Estimate(kMonday + hours(24 * 12 + 8) + minutes(55), 70).recurring, 0);
}

}  // namespace
}  // namespace fleet

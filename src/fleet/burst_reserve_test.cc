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
  EXPECT_EQ(r.Reserve(kMonday, 70), 0);
  r.OnArrival(kMonday);
  EXPECT_EQ(r.Reserve(kMonday + minutes(1), 70), 0);  // one job: within the allowed excess
}

TEST(BurstReserveTest, CoversTheBurstsOfTheLastHours) {
  BurstReserve r(0.02, 0.01);
  // 20 bursts of 30 jobs, 5 minutes apart; none has finished.
  for (int b = 0; b < 20; ++b) Burst(r, kMonday + minutes(5 * b), 30);
  double reserve = r.Reserve(kMonday + minutes(100), 70);
  // Windows of 7 bins: each burst is in 7 of them, except the first (history starts there):
  // 134 windows of 30. 2% of the 600 jobs may wait, each counted in 7 windows:
  // R = (134 * 30 - 0.02 * 600 * 7) / 134.
  EXPECT_NEAR(reserve, (134 * 30 - 0.02 * 600 * 7) / 134, 1e-9);
  // Looser excess, smaller reserve.
  BurstReserve loose(0.5, 0.01);
  for (int b = 0; b < 20; ++b) Burst(loose, kMonday + minutes(5 * b), 30);
  EXPECT_NEAR(loose.Reserve(kMonday + minutes(100), 70), (134 * 30 - 0.5 * 600 * 7) / 134, 1e-9);
}

TEST(BurstReserveTest, CompletionsInTheWindowOffsetArrivals) {
  BurstReserve r(0.02, 0.01);
  for (int b = 0; b < 20; ++b) {
    Burst(r, kMonday + minutes(5 * b), 30);
    for (int i = 0; i < 30; ++i) r.OnCompletion(kMonday + minutes(5 * b));  // as many freed at once
  }
  EXPECT_EQ(r.Reserve(kMonday + minutes(100), 70), 0);
}

TEST(BurstReserveTest, ForgetsAfterThreeQuietHours) {
  BurstReserve r;
  for (int b = 0; b < 20; ++b) Burst(r, kMonday + minutes(5 * b), 30);
  EXPECT_GT(r.Reserve(kMonday + minutes(100), 70), 20);
  EXPECT_EQ(r.Reserve(kMonday + minutes(100) + hours(3), 70), 0);
}

TEST(BurstReserveTest, RareBurstInQuietHoursIsNotWorthAPool) {
  // One burst of 100 jobs in three hours: needed in under 1% of the windows.
  BurstReserve r(0.02, 0.01);
  Burst(r, kMonday + hours(1), 100);
  EXPECT_EQ(r.Reserve(kMonday + hours(3), 70), 0);
  BurstReserve keen(0.02, 0);  // without the newsvendor cap it would keep 100 - 0.02 * 100 * 7
  Burst(keen, kMonday + hours(1), 100);
  EXPECT_NEAR(keen.Reserve(kMonday + hours(3), 70), 86, 1e-9);
}

TEST(BurstReserveTest, PreparesForYesterdaysRiseAheadOfTime) {
  BurstReserve r(0.02, 0.01);
  // Monday 09:00-09:50: a burst of 20 every 5 minutes.
  for (int b = 0; b < 10; ++b) Burst(r, kMonday + hours(9) + minutes(5 * b), 20);
  // Tuesday: quiet so far (one job at 05:00 keeps the clock moving).
  r.OnArrival(kMonday + hours(24 + 5));
  EXPECT_EQ(r.Reserve(kMonday + hours(24 + 6), 70), 0);                 // 06:00: nothing yesterday around now
  EXPECT_GT(r.Reserve(kMonday + hours(24 + 8) + minutes(30), 70), 15);  // 08:30: yesterday's 09:00 is near
}

}  // namespace
}  // namespace fleet

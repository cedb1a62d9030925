#include "fleet/cron.h"

#include <gtest/gtest.h>

#include "fleet/schedule.h"
#include "util/testing/test_util.h"

namespace fleet {
namespace {

CivilTime At(int y, int mo, int d, int h, int mi, int s, int wd) { return {y, mo, d, h, mi, s, wd}; }

TEST(CronTest, FiveFieldsMatchWholeMinutes) {
  auto e = CronExpr::Parse("* 9-17 * * mon-fri");
  ASSERT_OK(e);
  EXPECT_TRUE(e->Matches(At(2024, 1, 1, 9, 0, 59, 1)));    // Monday 09:00:59
  EXPECT_TRUE(e->Matches(At(2024, 1, 5, 17, 59, 30, 5)));  // Friday 17:59
  EXPECT_FALSE(e->Matches(At(2024, 1, 6, 10, 0, 0, 6)));   // Saturday
  EXPECT_FALSE(e->Matches(At(2024, 1, 1, 18, 0, 0, 1)));
}

TEST(CronTest, SevenFieldsWithSecondsAndYear) {
  auto e = CronExpr::Parse("* * 9-17 * * mon-fri *");
  ASSERT_OK(e);
  EXPECT_TRUE(e->Matches(At(2024, 1, 1, 9, 30, 0, 1)));
  auto only_2025 = CronExpr::Parse("0 */15 * * * * 2025");
  ASSERT_OK(only_2025);
  EXPECT_TRUE(only_2025->Matches(At(2025, 3, 1, 0, 45, 0, 6)));
  EXPECT_FALSE(only_2025->Matches(At(2025, 3, 1, 0, 45, 1, 6)));
  EXPECT_FALSE(only_2025->Matches(At(2024, 3, 1, 0, 45, 0, 5)));
}

TEST(CronTest, ListsStepsNamesAndSunday7) {
  auto e = CronExpr::Parse("0,30 8-18/2 1,15 jan,JUL sun");
  ASSERT_OK(e);
  EXPECT_TRUE(e->Matches(At(2024, 7, 3, 10, 30, 0, 0)));  // a Sunday in July (dow matches)
  EXPECT_TRUE(e->Matches(At(2024, 1, 15, 8, 0, 0, 1)));   // dom matches
  EXPECT_FALSE(e->Matches(At(2024, 1, 15, 9, 0, 0, 1)));  // 9 is not in 8-18/2
  auto seven = CronExpr::Parse("* * * * 7");
  ASSERT_OK(seven);
  EXPECT_TRUE(seven->Matches(At(2024, 1, 7, 0, 0, 0, 0)));
}

TEST(CronTest, ErrorsNameTheField) {
  EXPECT_EQ(CronExpr::Parse("* 25 * * *").status().message(), "cron \"* 25 * * *\": hour: 25 out of range 0-23");
  EXPECT_EQ(CronExpr::Parse("* * *").status().message(), "cron \"* * *\": want 5, 6 or 7 fields, got 3");
  EXPECT_EQ(CronExpr::Parse("* * L * *").status().message(), "cron \"* * L * *\": day-of-month: 'L' is not supported");
  EXPECT_EQ(CronExpr::Parse("* * * * funday").status().message(),
            "cron \"* * * * funday\": day-of-week: bad value \"funday\"");
  EXPECT_EQ(CronExpr::Parse("5-1 * * * *").status().message(), "cron \"5-1 * * * *\": minute: range 5-1 is backwards");
}

TEST(CronTest, CivilTimeFromSeconds) {
  CivilTime c = CivilTime::FromLocalSeconds(1704067200 + 3661);  // 2024-01-01 01:01:01, Monday
  EXPECT_EQ(c.year, 2024);
  EXPECT_EQ(c.month, 1);
  EXPECT_EQ(c.day, 1);
  EXPECT_EQ(c.hour, 1);
  EXPECT_EQ(c.minute, 1);
  EXPECT_EQ(c.second, 1);
  EXPECT_EQ(c.weekday, 1);
}

TEST(ScheduleTest, UsesItsZone) {
  // 09:00-17:59 in UTC+2 is 07:00-15:59 UTC.
  auto s = Schedule::Parse({"* 9-17 * * *"}, TimeZone::FixedOffset("X", 7200));
  ASSERT_OK(s);
  util::Time day = util::Time(std::chrono::seconds(1704067200));
  EXPECT_TRUE(s->ActiveAt(day + std::chrono::hours(7)));
  EXPECT_FALSE(s->ActiveAt(day + std::chrono::hours(16)));
  EXPECT_TRUE(Schedule().ActiveAt(day));
}

}  // namespace
}  // namespace fleet

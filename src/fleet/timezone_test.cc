#include "fleet/timezone.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/testing/test_util.h"

namespace fleet {
namespace {

util::Time Utc(int64_t s) { return util::Time(std::chrono::seconds(s)); }

util::Result<std::string> SystemZone(const std::string& name) {
  auto p = std::filesystem::path("/usr/share/zoneinfo") / name;
  if (!std::filesystem::exists(p)) return util::Status::NotFound(p.string());
  return testutil::ReadFile(p);
}

TEST(TimeZoneTest, BerlinSummerAndWinter) {
  auto z = LoadTimeZone("Europe/Berlin", SystemZone);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  ASSERT_OK(z);
  EXPECT_EQ(z->OffsetAt(Utc(1704067200)), 3600);  // 2024-01-01: CET
  EXPECT_EQ(z->OffsetAt(Utc(1719792000)), 7200);  // 2024-07-01: CEST
  // DST starts 2024-03-31 01:00 UTC.
  EXPECT_EQ(z->OffsetAt(Utc(1711846799)), 3600);
  EXPECT_EQ(z->OffsetAt(Utc(1711846800)), 7200);
}

TEST(TimeZoneTest, NewYork) {
  auto z = LoadTimeZone("America/New_York", SystemZone);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ(z->OffsetAt(Utc(1704067200)), -5 * 3600);
  EXPECT_EQ(z->OffsetAt(Utc(1719792000)), -4 * 3600);
}

TEST(TimeZoneTest, UtcNeedsNoLoaderAndBadBytesAreErrors) {
  auto z = LoadTimeZone("UTC", nullptr);
  ASSERT_OK(z);
  EXPECT_EQ(z->OffsetAt(Utc(0)), 0);
  EXPECT_EQ(TimeZone::FromTzif("Bad/Zone", "nonsense").status().message(), "time zone Bad/Zone: not a TZif file");
  auto missing = LoadTimeZone("Mars/Base", [](const std::string&) -> util::Result<std::string> {
    return util::Status::NotFound("no such file");
  });
  EXPECT_EQ(missing.status().message(), "time zone Mars/Base: no such file");
  EXPECT_FALSE(LoadTimeZone("../etc/passwd", SystemZone).ok());
}

}  // namespace
}  // namespace fleet

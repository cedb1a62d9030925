#include "config/duration.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"

namespace config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Duration Parse(std::string_view s) {
  util::Result<Duration> d = ParseGoDuration(s);
  EXPECT_TRUE(d.ok()) << s << ": " << d.status().ToString();
  return d.ok() ? *d : Duration(-1);
}

TEST(DurationTest, ParsesGoForms) {
  EXPECT_EQ(Parse("15m0s"), minutes(15));
  EXPECT_EQ(Parse("1h30m"), hours(1) + minutes(30));
  EXPECT_EQ(Parse("20m"), minutes(20));
  EXPECT_EQ(Parse("10s"), seconds(10));
  EXPECT_EQ(Parse("500ms"), milliseconds(500));
  EXPECT_EQ(Parse("0"), Duration(0));
  EXPECT_EQ(Parse("1.5s"), milliseconds(1500));
  EXPECT_EQ(Parse(".5h"), minutes(30));
  EXPECT_EQ(Parse("-2s"), seconds(-2));
  EXPECT_EQ(Parse("+3ns"), Duration(3));
  EXPECT_EQ(Parse("1us"), Duration(1000));
  EXPECT_EQ(Parse("1\xC2\xB5s"), Duration(1000));
  EXPECT_EQ(Parse("1\xCE\xBCs"), Duration(1000));
  EXPECT_EQ(Parse("2h45m30.5s"), hours(2) + minutes(45) + milliseconds(30500));
}

TEST(DurationTest, RejectsWithGoMessages) {
  EXPECT_EQ(ParseGoDuration("").status().message(), "time: invalid duration \"\"");
  EXPECT_EQ(ParseGoDuration("x").status().message(), "time: invalid duration \"x\"");
  EXPECT_EQ(ParseGoDuration("1").status().message(), "time: missing unit in duration \"1\"");
  EXPECT_EQ(ParseGoDuration("1d").status().message(), "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(ParseGoDuration(".s").status().message(), "time: invalid duration \".s\"");
  EXPECT_EQ(ParseGoDuration("9999999999999999999h").status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseGoDuration("3000000h").ok());  // beyond int64 nanoseconds
}

TEST(DurationTest, FormatsLikeGo) {
  EXPECT_EQ(FormatGoDuration(Duration(0)), "0s");
  EXPECT_EQ(FormatGoDuration(minutes(15)), "15m0s");
  EXPECT_EQ(FormatGoDuration(hours(1)), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(seconds(10)), "10s");
  EXPECT_EQ(FormatGoDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatGoDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatGoDuration(Duration(1500)), "1.5\xC2\xB5s");
  EXPECT_EQ(FormatGoDuration(Duration(7)), "7ns");
  EXPECT_EQ(FormatGoDuration(hours(2) + minutes(3) + seconds(4)), "2h3m4s");
  EXPECT_EQ(FormatGoDuration(-seconds(2)), "-2s");
  EXPECT_EQ(FormatGoDuration(Duration(INT64_MIN)), "-2562047h47m16.854775808s");
}

TEST(DurationTest, FormatThenParseIsIdentity) {
  for (int64_t n : {int64_t{1}, int64_t{999}, int64_t{1000001}, int64_t{3'600'000'000'001}, INT64_MAX}) {
    EXPECT_EQ(Parse(FormatGoDuration(Duration(n))), Duration(n)) << n;
  }
}

}  // namespace
}  // namespace config

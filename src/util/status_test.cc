#include "util/status.h"

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(StatusTest, OkIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ContextJoinsWithColon) {
  Status s = Status::InvalidArgument("unknown executor \"dockr\"").WithContext("config.toml:4:14");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "config.toml:4:14: unknown executor \"dockr\"");
}

TEST(StatusTest, ResultHoldsValueOrStatus) {
  Result<int> r = 42;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 42);
  Result<int> e = Status::NotFound("no job");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "no job");
}

}  // namespace
}  // namespace util

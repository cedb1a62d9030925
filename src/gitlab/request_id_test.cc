#include "gitlab/request_id.h"

#include <gtest/gtest.h>

#include <regex>

namespace gitlab {
namespace {

TEST(RequestIdTest, UuidV4As32LowercaseHex) {
  std::mt19937_64 rng(99);
  static const std::regex kShape("[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}");
  std::string a = NewRequestId(rng);
  std::string b = NewRequestId(rng);
  EXPECT_TRUE(std::regex_match(a, kShape)) << a;
  EXPECT_TRUE(std::regex_match(b, kShape)) << b;
  EXPECT_NE(a, b);
  std::mt19937_64 again(99);
  EXPECT_EQ(NewRequestId(again), a);
}

}  // namespace
}  // namespace gitlab

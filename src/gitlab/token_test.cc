#include "gitlab/token.h"

#include <gtest/gtest.h>

namespace gitlab {
namespace {

TEST(ShortTokenTest, ExamplesFromTheReference) {
  EXPECT_EQ(ShortToken("glrt-t9Wkyj-HGRkqQ-VWTGAr"), "t9Wkyj-HG");
  EXPECT_EQ(ShortToken("glrt-t1_t9Wkyj-HGRkqQ-VWTGAr"), "t9Wkyj-HG");
  EXPECT_EQ(ShortToken("GR1348941Z196cJVywzZpx_Ki_Cn2"), "Z196cJVyw");
  EXPECT_EQ(ShortToken("veryverylongtoken"), "veryveryl");
}

TEST(ShortTokenTest, OtherPrefixes) {
  EXPECT_EQ(ShortToken("t2_abcdefghijkl"), "abcdefghi");
  EXPECT_EQ(ShortToken("glrtr-abcdefghijkl"), "abcdefghi");
  EXPECT_EQ(ShortToken("glcbt-abcdefghijkl"), "abcdefghi");
  EXPECT_EQ(ShortToken("glrt-t3_xyz"), "xyz");
  // "GR" not followed by 7 hex digits is not a registration prefix.
  EXPECT_EQ(ShortToken("GRxyz1234abcdef"), "GRxyz1234");
  EXPECT_EQ(ShortToken("short"), "short");
  EXPECT_EQ(ShortToken(""), "");
}

TEST(ShortTokenTest, OnlyOnePrefixIsStripped) {
  EXPECT_EQ(ShortToken("glrt-glcbt-abcdefgh"), "glcbt-abc");
  EXPECT_EQ(ShortToken("t1_t2_abcdefghij"), "t2_abcdef");
}

TEST(IsCreatedRunnerTokenTest, GlrtPrefix) {
  EXPECT_TRUE(IsCreatedRunnerToken("glrt-abc"));
  EXPECT_TRUE(IsCreatedRunnerToken("glrt-t1_abc"));
  EXPECT_FALSE(IsCreatedRunnerToken("glrtr-abc"));
  EXPECT_FALSE(IsCreatedRunnerToken("GR1348941abc"));
  EXPECT_FALSE(IsCreatedRunnerToken(""));
}

}  // namespace
}  // namespace gitlab

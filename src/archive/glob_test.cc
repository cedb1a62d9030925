#include "archive/glob.h"

#include <gtest/gtest.h>

#include "archive/path_safety.h"
#include "util/testing/test_util.h"

namespace archives {
namespace {

TEST(GlobTest, StarStaysInOneSegment) {
  EXPECT_TRUE(GlobMatch("*.o", "a.o"));
  EXPECT_FALSE(GlobMatch("*.o", "d/a.o"));
  EXPECT_TRUE(GlobMatch("d/*.o", "d/a.o"));
  EXPECT_TRUE(GlobMatch("d/?.o", "d/a.o"));
  EXPECT_FALSE(GlobMatch("d/?.o", "d/ab.o"));
}

TEST(GlobTest, DoubleStarMatchesZeroOrMoreSegments) {
  EXPECT_TRUE(GlobMatch("**/*.o", "a.o"));
  EXPECT_TRUE(GlobMatch("**/*.o", "x/y/a.o"));
  EXPECT_TRUE(GlobMatch("src/**", "src/a/b"));
  EXPECT_TRUE(GlobMatch("src/**/b", "src/b"));
  EXPECT_TRUE(GlobMatch("src/**/b", "src/x/y/b"));
  EXPECT_FALSE(GlobMatch("src/**/b", "lib/x/b"));
}

TEST(GlobTest, ClassesAndEscapes) {
  EXPECT_TRUE(GlobMatch("file[0-9].txt", "file7.txt"));
  EXPECT_FALSE(GlobMatch("file[!0-9].txt", "file7.txt"));
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
}

TEST(GlobTest, StaticPrefix) {
  EXPECT_EQ(StaticPrefix("a/b/*.o"), "a/b");
  EXPECT_EQ(StaticPrefix("**/x"), "");
  EXPECT_TRUE(HasGlobMeta("a/*"));
  EXPECT_FALSE(HasGlobMeta("a/b"));
}

TEST(PathSafetyTest, CleansAndRefuses) {
  EXPECT_EQ(*CleanRelativePath("./a//b/./c/"), "a/b/c");
  EXPECT_EQ(*CleanRelativePath("a/../b"), "b");
  EXPECT_EQ(*CleanRelativePath("."), "");
  auto up = CleanRelativePath("a/../../etc/passwd");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().message(), "path \"a/../../etc/passwd\" leaves the directory through \"..\"");
  auto abs = CleanRelativePath("/etc/passwd");
  ASSERT_FALSE(abs.ok());
  EXPECT_EQ(abs.status().message(), "path \"/etc/passwd\" is absolute");
}

TEST(PathSafetyTest, SymlinkTargets) {
  EXPECT_TRUE(SymlinkStaysInside("a/link", "b"));
  EXPECT_TRUE(SymlinkStaysInside("a/link", "../c"));
  EXPECT_FALSE(SymlinkStaysInside("a/link", "../../c"));
  EXPECT_FALSE(SymlinkStaysInside("link", "/etc"));
  EXPECT_FALSE(SymlinkStaysInside("link", ".."));
}

}  // namespace
}  // namespace archives

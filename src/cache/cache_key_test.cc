#include "cache/cache_key.h"

#include <gtest/gtest.h>

#include "cache/object_name.h"
#include "util/testing/test_util.h"

namespace cache {
namespace {

TEST(CacheKeyTest, SanitisesAsGitlabRunner) {
  EXPECT_EQ(SanitizeKey("my-key"), "my-key");
  EXPECT_EQ(SanitizeKey("a%2Fb%2fc"), "a/b/c");
  EXPECT_EQ(SanitizeKey("a%2E%2e/b"), "a../b");
  EXPECT_EQ(SanitizeKey("win\\path\\key"), "win/path/key");
  EXPECT_EQ(SanitizeKey("../../etc/passwd"), "etc/passwd");
  EXPECT_EQ(SanitizeKey("%2E%2E%2F%2E%2E%2Fx"), "x");
  EXPECT_EQ(SanitizeKey("a/./b//c/"), "a/b/c");
  EXPECT_EQ(SanitizeKey("key  /  "), "key");
  EXPECT_EQ(SanitizeKey("a b /c "), "a b /c");
  EXPECT_EQ(SanitizeKey(".."), "");
  EXPECT_EQ(SanitizeKey("   "), "");
}

TEST(CacheKeyTest, DefaultKeyIsJobNameSlashRef) {
  EXPECT_EQ(EffectiveKey("", "build", "main"), "build/main");
  EXPECT_EQ(EffectiveKey("deps-$X", "build", "main"), "deps-$X");
}

TEST(CacheKeyTest, ProtectedFallbackKeys) {
  EXPECT_TRUE(IsProtectedFallbackKey("main-protected"));
  EXPECT_TRUE(IsProtectedFallbackKey("main-protected. ."));
  EXPECT_FALSE(IsProtectedFallbackKey("main-non_protected-x"));
  EXPECT_FALSE(IsProtectedFallbackKey("main"));
}

// The guard is judged on the key actually used: every spelling that sanitises to a
// "-protected" key is refused, not only the plain one.
TEST(CacheKeyTest, ProtectedFallbackKeysJudgedAfterSanitising) {
  for (std::string_view v : {"main-protected/", "main-protected%2F", "main-protected%2f", "main-protected/x/..",
                             "main-protected\\", "main-protected/.", "./main-protected", "main-protected%2E",
                             "main-protected/ ", "main-protected%2F%2E%2E%2Fmain-protected"}) {
    EXPECT_EQ(SanitizeKey(v).substr(0, 14), "main-protected") << v;
    EXPECT_TRUE(IsProtectedFallbackKey(v)) << v;
  }
  EXPECT_FALSE(IsProtectedFallbackKey("main-protected/x"));  // a different key, not the protected one
  EXPECT_FALSE(IsProtectedFallbackKey("main-protected%2Dx"));
}

TEST(ObjectNameTest, MatchesGitlabRunnerNames) {
  config::CacheConfig c;
  EXPECT_EQ(*ObjectName(c, "longtoken", 10, "key"), "runner/longtoken/project/10/key");
  c.shared = true;
  EXPECT_EQ(*ObjectName(c, "longtoken", 10, "key"), "project/10/key");
  c.shared = false;
  c.path = "some/prefix";
  EXPECT_EQ(*ObjectName(c, "longtoken", 10, "key"), "some/prefix/runner/longtoken/project/10/key");
  c.path = "/some/prefix/";
  EXPECT_EQ(*ObjectName(c, "longtoken", 10, "a/b-protected"), "some/prefix/runner/longtoken/project/10/a/b-protected");
}

TEST(ObjectNameTest, RefusesKeysThatLeaveTheProject) {
  config::CacheConfig c;
  auto r = ObjectName(c, "t", 10, "../10-outside");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cache key \"../10-outside\" would leave the project's cache prefix \"runner/t/project/10/\"");
  EXPECT_FALSE(ObjectName(c, "t", 10, "").ok());
  EXPECT_FALSE(ObjectName(c, "t", 10, ".").ok());
}

TEST(ObjectNameTest, LocalArchivePath) {
  EXPECT_EQ(LocalArchivePath("/cache/", "group/project", "k/v"), "/cache/group/project/k/v/cache.zip");
}

}  // namespace
}  // namespace cache

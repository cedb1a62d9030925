#include "config/expand_env.h"

#include <gtest/gtest.h>

#include <map>

namespace config {
namespace {

std::string Expand(std::string_view s) {
  std::map<std::string, std::string> env = {{"HOST", "gitlab.example.com"}, {"TOKEN", "glrt-abc"}, {"1", "one"}};
  return ExpandEnv(s, [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ExpandEnvTest, FollowsGoOsExpand) {
  EXPECT_EQ(Expand("https://$HOST/"), "https://gitlab.example.com/");
  EXPECT_EQ(Expand("https://${HOST}/ci"), "https://gitlab.example.com/ci");
  EXPECT_EQ(Expand("${TOKEN}"), "glrt-abc");
  EXPECT_EQ(Expand("$TOKEN$HOST"), "glrt-abcgitlab.example.com");
  EXPECT_EQ(Expand("x$UNSET-y"), "x-y");
  EXPECT_EQ(Expand("cost$"), "cost$");
  EXPECT_EQ(Expand("a $ b"), "a $ b");
  EXPECT_EQ(Expand("$1x"), "onex");
  EXPECT_EQ(Expand("${}x"), "x");
  EXPECT_EQ(Expand("a${HOST"), "aHOST");
  EXPECT_EQ(Expand("plain"), "plain");
}

TEST(ExpandEnvTest, ProcessEnvReadsTheEnvironment) {
  ::setenv("SR_CONFIG_EXPAND_TEST", "v", 1);
  EXPECT_EQ(ExpandEnv("<$SR_CONFIG_EXPAND_TEST>", ProcessEnv()), "<v>");
  ::unsetenv("SR_CONFIG_EXPAND_TEST");
  EXPECT_EQ(ExpandEnv("<$SR_CONFIG_EXPAND_TEST>", ProcessEnv()), "<>");
}

}  // namespace
}  // namespace config

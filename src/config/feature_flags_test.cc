#include "config/feature_flags.h"

#include <gtest/gtest.h>

#include "config/parse.h"

namespace config {
namespace {

TEST(FeatureFlagsTest, HonouredFlagsAreSilentOthersAreNamed) {
  EXPECT_EQ(FeatureFlagProblem("FF_NETWORK_PER_BUILD", true), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_NETWORK_PER_BUILD", false), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_TIMESTAMPS", false), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_TIMESTAMPS", true), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_MASK_ALL_DEFAULT_TOKENS", false),
            "= false is not supported by spotrunner (token prefixes are always masked); ignored");
  EXPECT_EQ(FeatureFlagProblem("FF_SCRIPT_SECTIONS", true), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_SCRIPT_SECTIONS", false), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", false), std::nullopt);
  EXPECT_EQ(FeatureFlagProblem("FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", true),
            "= true drops umask 0000 but spotrunner does not change the owner of the sources to the job image's "
            "user");
  EXPECT_EQ(FeatureFlagProblem("FF_USE_FASTZIP", true),
            "is not supported by spotrunner (its own archiver is always used, with the compression levels); ignored");
  EXPECT_EQ(FeatureFlagProblem("FF_USE_POWERSHELL_PATH_RESOLVER", true), "is not supported by spotrunner; ignored");
  EXPECT_EQ(FeatureFlagProblem("FF_MADE_UP", true), "is not a gitlab-runner feature flag; ignored");
}

TEST(FeatureFlagsTest, ConfigFlagsAreNamedAtTheirLine) {
  auto l = ParseConfig(R"([[runners]]
executor = "docker"
[runners.feature_flags]
FF_NETWORK_PER_BUILD = true
FF_MASK_ALL_DEFAULT_TOKENS = false
FF_USE_FASTZIP = true
)",
                       "config.toml", [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->warnings,
            (std::vector<std::string>{
                "config.toml:5:30: feature flag \"runners.feature_flags.FF_MASK_ALL_DEFAULT_TOKENS\" = false is not "
                "supported by spotrunner (token prefixes are always masked); ignored",
                "config.toml:6:18: feature flag \"runners.feature_flags.FF_USE_FASTZIP\" is not supported by "
                "spotrunner (its own archiver is always used, with the compression levels); ignored"}));
  EXPECT_TRUE(l->config.runners.at(0).feature_flags.at("FF_NETWORK_PER_BUILD"));
}

}  // namespace
}  // namespace config

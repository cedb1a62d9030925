#include "executor/docker/pull_policy.h"

#include <gtest/gtest.h>

#include "executor/docker/docker_testing.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

TEST(PullPolicyTest, DefaultsToAlways) {
  auto r = ResolvePullPolicies(config::DockerConfig{}, {});
  ASSERT_OK(r);
  EXPECT_EQ(*r, std::vector<PullPolicy>{PullPolicy::kAlways});
}

TEST(PullPolicyTest, RunnerChainAndAllowedJobPolicy) {
  config::DockerConfig d;
  d.pull_policy = {"always", "if-not-present"};
  auto r = ResolvePullPolicies(d, {});
  ASSERT_OK(r);
  EXPECT_EQ(*r, (std::vector<PullPolicy>{PullPolicy::kAlways, PullPolicy::kIfNotPresent}));
  auto job = ResolvePullPolicies(d, {"if-not-present"});
  ASSERT_OK(job);
  EXPECT_EQ(*job, std::vector<PullPolicy>{PullPolicy::kIfNotPresent});
}

TEST(PullPolicyTest, JobPolicyMustBeAllowed) {
  config::DockerConfig d;
  auto r = ResolvePullPolicies(d, {"never"});
  EXPECT_EQ(r.status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "pull_policy [never] defined in GitLab pipeline config is not one of the allowed_pull_policies [always]");
  d.allowed_pull_policies = {"never", "always"};
  ASSERT_OK(ResolvePullPolicies(d, {"never"}));
}

TEST(PullPolicyTest, RunnerPolicyMustBeAllowedAndKnown) {
  config::DockerConfig d;
  d.pull_policy = {"always"};
  d.allowed_pull_policies = {"never"};
  EXPECT_EQ(ResolvePullPolicies(d, {}).status().message(),
            "pull_policy [always] defined in Runner config is not one of the allowed_pull_policies [never]");
  d.pull_policy = {"sometimes"};
  d.allowed_pull_policies = {"sometimes"};
  EXPECT_EQ(ResolvePullPolicies(d, {}).status().message(),
            "unsupported pull_policy \"sometimes\" (want always, if-not-present or never)");
}

}  // namespace
}  // namespace executor::docker

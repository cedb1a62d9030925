#include "gitlab/failure_reason.h"

#include <gtest/gtest.h>

namespace gitlab {
namespace {

const std::vector<std::string> kOldGitLab = {"unknown_failure", "script_failure", "api_failure",
                                             "stuck_or_timeout_failure", "runner_system_failure"};

TEST(MapFailureReasonTest, EmptyIsScriptFailure) {
  EXPECT_EQ(MapFailureReason("", kOldGitLab), "script_failure");
  EXPECT_EQ(MapFailureReason("", {}), "script_failure");
}

TEST(MapFailureReasonTest, AlwaysAllowedPassThrough) {
  EXPECT_EQ(MapFailureReason("script_failure", {}), "script_failure");
  EXPECT_EQ(MapFailureReason("runner_system_failure", {}), "runner_system_failure");
  EXPECT_EQ(MapFailureReason("job_execution_timeout", {}), "job_execution_timeout");
}

TEST(MapFailureReasonTest, ListedPassThrough) {
  std::vector<std::string> list = kOldGitLab;
  list.push_back("runner_configuration_error");
  list.push_back("image_pull_failure");
  EXPECT_EQ(MapFailureReason("runner_configuration_error", list), "runner_configuration_error");
  EXPECT_EQ(MapFailureReason("image_pull_failure", list), "image_pull_failure");
  EXPECT_EQ(MapFailureReason("api_failure", list), "api_failure");
}

TEST(MapFailureReasonTest, CompatibilityMap) {
  EXPECT_EQ(MapFailureReason("image_pull_failure", kOldGitLab), "runner_system_failure");
  EXPECT_EQ(MapFailureReason("runner_configuration_error", kOldGitLab), "script_failure");
  EXPECT_EQ(MapFailureReason("runner_external_dependency_failure", kOldGitLab), "runner_system_failure");
  EXPECT_EQ(MapFailureReason("runner_interrupted", kOldGitLab), "unknown_failure");
}

TEST(MapFailureReasonTest, UnknownFallsBack) {
  EXPECT_EQ(MapFailureReason("job_canceled", kOldGitLab), "unknown_failure");
  EXPECT_EQ(MapFailureReason("trace_size_exceeded", kOldGitLab), "unknown_failure");
}

}  // namespace
}  // namespace gitlab

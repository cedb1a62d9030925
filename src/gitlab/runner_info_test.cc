#include "gitlab/runner_info.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"
#include "util/version.h"

namespace gitlab {
namespace {

FeaturesInfo AllEnabled() {
  FeaturesInfo f;
  for (bool* b : {&f.variables, &f.image, &f.services, &f.artifacts, &f.cache, &f.fallback_cache_keys, &f.shared,
                  &f.upload_multiple_artifacts, &f.upload_raw_artifacts, &f.session, &f.terminal, &f.refspecs,
                  &f.masking, &f.proxy, &f.raw_variables, &f.artifacts_exclude, &f.multi_build_steps,
                  &f.trace_reset, &f.trace_checksum, &f.trace_size, &f.vault_secrets, &f.cancelable,
                  &f.return_exit_code, &f.service_variables, &f.service_multiple_aliases, &f.image_executor_opts,
                  &f.service_executor_opts, &f.cancel_gracefully, &f.native_steps_integration,
                  &f.two_phase_job_commit, &f.job_inputs}) {
    *b = true;
  }
  return f;
}

TEST(RunnerInfoTest, AllFeaturesMatchFixtureKeysAndOrder) {
  auto fixture = nlohmann::ordered_json::parse(testutil::ReadFile(testutil::FixturePath("gitlab/runner_info_features_all_enabled.json")));
  EXPECT_EQ(FeaturesJson(AllEnabled()).dump(), fixture.dump());
}

TEST(RunnerInfoTest, UnsetFeaturesAreSentAsFalse) {
  FeaturesInfo f;
  f.variables = true;
  f.cancelable = true;
  auto j = FeaturesJson(f);
  EXPECT_EQ(j.size(), 31u);
  EXPECT_EQ(j["variables"], true);
  EXPECT_EQ(j["cancelable"], true);
  EXPECT_EQ(j["image"], false);
  EXPECT_EQ(j["two_phase_job_commit"], false);
}

TEST(RunnerInfoTest, VersionInfoObject) {
  VersionInfo v = DefaultVersionInfo();
  EXPECT_EQ(v.name, "spotrunner");
  EXPECT_EQ(v.version, util::kVersion);
  EXPECT_EQ(v.platform, "linux");
  EXPECT_EQ(v.architecture, BuildArchitecture());
  v.executor = "docker";
  v.shell = "bash";
  v.labels["env"] = "prod";
  auto j = VersionInfoJson(v);
  std::vector<std::string> keys;
  for (const auto& [k, _] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "version", "revision", "platform", "architecture", "executor",
                                            "shell", "features", "config", "labels"}));
  EXPECT_EQ(j["config"].dump(), R"({"gpus":""})");
  EXPECT_EQ(j["labels"].dump(), R"({"env":"prod"})");

  v.labels.clear();
  v.shell.clear();
  j = VersionInfoJson(v);
  EXPECT_FALSE(j.contains("labels"));
  EXPECT_FALSE(j.contains("shell"));
}

}  // namespace
}  // namespace gitlab

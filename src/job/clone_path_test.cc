#include "job/clone_path.h"

#include <gtest/gtest.h>

namespace job {
namespace {

JobVariables Vars(const std::string& clone_path) {
  gitlab::JobPayload job;
  job.job_info.project_id = 1;
  if (!clone_path.empty()) job.variables.push_back({"GIT_CLONE_PATH", clone_path, true});
  RunnerContext ctx;
  ctx.builds_dir = "/builds";
  ctx.project_dir = "/builds/g/p";
  return JobVariables::Build(job, config::RunnerConfig{}, ctx);
}

TEST(ClonePathTest, DefaultsPerExecutor) {
  config::RunnerConfig r;
  r.executor = "docker";
  EXPECT_TRUE(CustomBuildDirEnabled(r));
  r.executor = "docker-autoscaler";
  EXPECT_TRUE(CustomBuildDirEnabled(r));
  r.executor = "shell";
  EXPECT_FALSE(CustomBuildDirEnabled(r));
  r.custom_build_dir_enabled = true;
  EXPECT_TRUE(CustomBuildDirEnabled(r));
}

TEST(ClonePathTest, InsideTheBuildsDirWithVariables) {
  config::RunnerConfig r;
  r.executor = "docker";
  EXPECT_EQ(*ResolveProjectDir(Vars(""), r, "/builds", "/builds/g/p"), "/builds/g/p");
  EXPECT_EQ(*ResolveProjectDir(Vars("$CI_BUILDS_DIR/go/src/x/"), r, "/builds", "/builds/g/p"), "/builds/go/src/x");
  EXPECT_EQ(*ResolveProjectDir(Vars("/builds/a/../b"), r, "/builds", "/builds/g/p"), "/builds/b");
}

TEST(ClonePathTest, RefusedWithGitlabRunnersMessages) {
  config::RunnerConfig r;
  r.executor = "shell";
  auto off = ResolveProjectDir(Vars("/builds/x"), r, "/builds", "/builds/g/p");
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.status().message(), "setting GIT_CLONE_PATH is not allowed, enable `custom_build_dir` feature");
  r.custom_build_dir_enabled = true;
  for (std::string bad : {"/tmp/x", "/builds/../etc", "/buildsX/y", "relative/dir"}) {
    auto out = ResolveProjectDir(Vars(bad), r, "/builds", "/builds/g/p");
    ASSERT_FALSE(out.ok()) << bad;
    EXPECT_EQ(out.status().message(), "the GIT_CLONE_PATH=\"" + bad + "\" has to be within \"/builds\"");
  }
}

}  // namespace
}  // namespace job

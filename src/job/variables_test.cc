#include "job/variables.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace job {
namespace {

gitlab::JobVariable V(std::string k, std::string v, bool masked = false, bool file = false, bool raw = false) {
  gitlab::JobVariable x;
  x.key = std::move(k);
  x.value = std::move(v);
  x.masked = masked;
  x.file = file;
  x.raw = raw;
  return x;
}

class VariablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    job_.token = "glcbt-jobtoken123";
    job_.runner_info.timeout = 3600;
    job_.image = gitlab::Image{};
    job_.image->name = "alpine:3";
    runner_.environment = {"FROM_CONFIG=cfg", "CI_SERVER=overridden-by-runner-block", "BAD"};
    ctx_.short_token = "abcd1234";
    ctx_.builds_dir = "/builds";
    ctx_.project_dir = "/builds/g/p";
    ctx_.concurrent_id = 2;
    ctx_.concurrent_project_id = 1;
    ctx_.shared_environment = true;
    ctx_.runner_version = "0.1.0";
    ctx_.runner_revision = "rev";
    ctx_.executable_arch = "linux/amd64";
  }
  JobVariables Build() { return JobVariables::Build(job_, runner_, ctx_); }

  gitlab::JobPayload job_;
  config::RunnerConfig runner_;
  RunnerContext ctx_;
};

TEST_F(VariablesTest, RunnerBlocks) {
  auto v = Build();
  EXPECT_EQ(v.Get("CI_JOB_IMAGE"), "alpine:3");
  EXPECT_EQ(v.Get("CI_RUNNER_SHORT_TOKEN"), "abcd1234");
  EXPECT_EQ(v.Get("FROM_CONFIG"), "cfg");
  EXPECT_EQ(v.Get("CI_SERVER"), "yes");  // the runner's own entry comes after config's
  EXPECT_EQ(v.Get("CI_BUILDS_DIR"), "/builds");
  EXPECT_EQ(v.Get("CI_PROJECT_DIR"), "/builds/g/p");
  EXPECT_EQ(v.Get("CI_CONCURRENT_ID"), "2");
  EXPECT_EQ(v.Get("CI_CONCURRENT_PROJECT_ID"), "1");
  EXPECT_EQ(v.Get("CI_JOB_STATUS"), "running");
  EXPECT_EQ(v.Get("CI_JOB_TIMEOUT"), "3600");
  EXPECT_EQ(v.Get("CI_SHARED_ENVIRONMENT"), "true");
  EXPECT_FALSE(v.Get("CI_DISPOSABLE_ENVIRONMENT"));
  EXPECT_EQ(v.Get("CI_RUNNER_EXECUTABLE_ARCH"), "linux/amd64");
  EXPECT_EQ(v.Get("RUNNER_TEMP_PROJECT_DIR"), "/builds/g/p.tmp");
  EXPECT_EQ(v.Get("FF_MASK_ALL_DEFAULT_TOKENS"), "true");
  EXPECT_FALSE(v.Get("BAD"));
  ctx_.shared_environment = false;
  job_.runner_info.timeout = 0;
  auto d = Build();
  EXPECT_EQ(d.Get("CI_DISPOSABLE_ENVIRONMENT"), "true");
  EXPECT_EQ(d.Get("CI_JOB_TIMEOUT"), "7200");
}

TEST_F(VariablesTest, Precedence) {
  job_.variables = {V("CI_PROJECT_DIR", "/job/override"), V("CI_RUNNER_VERSION", "job-says"), V("X", "1"),
                    V("X", "2")};
  runner_.feature_flags["FF_MASK_ALL_DEFAULT_TOKENS"] = false;
  auto v = Build();
  EXPECT_EQ(v.Get("CI_PROJECT_DIR"), "/job/override");  // job beats the block before
  EXPECT_EQ(v.Get("CI_RUNNER_VERSION"), "0.1.0");       // the block after beats the job
  EXPECT_EQ(v.Get("X"), "2");
  EXPECT_EQ(v.Get("FF_MASK_ALL_DEFAULT_TOKENS"), "false");
  auto r = v.Resolved();
  EXPECT_EQ(std::count_if(r.begin(), r.end(), [](const Variable& x) { return x.key == "X"; }), 1);
}

// [runners.feature_flags] FF_NETWORK_PER_BUILD reaches the job (the docker executor reads it
// from the variables); a job's own value wins.
TEST_F(VariablesTest, NetworkPerBuildFromConfigAndJob) {
  EXPECT_FALSE(Build().GetBool("FF_NETWORK_PER_BUILD", true));
  runner_.feature_flags["FF_NETWORK_PER_BUILD"] = true;
  EXPECT_TRUE(Build().GetBool("FF_NETWORK_PER_BUILD", false));
  job_.variables = {V("FF_NETWORK_PER_BUILD", "false")};
  EXPECT_FALSE(Build().GetBool("FF_NETWORK_PER_BUILD", true));
}

TEST_F(VariablesTest, Expansion) {
  job_.variables = {V("A", "a"),         V("B", "$A-${A}-$$-$UNKNOWN-end"), V("C", "$B!"),
                    V("RAW", "$A", false, false, true), V("F", "content $A", false, true),
                    V("USE_F", "path=$F"),  V("A", "late"), V("LONE", "cost: 5$ and $")};
  auto v = Build();
  EXPECT_EQ(v.Get("B"), "late-late-$--end");  // last definition wins
  EXPECT_EQ(v.Get("C"), "late-late-$--end!");
  EXPECT_EQ(v.Get("RAW"), "$A");
  EXPECT_EQ(v.Get("F"), "/builds/g/p.tmp/F");
  EXPECT_EQ(v.Get("USE_F"), "path=/builds/g/p.tmp/F");
  EXPECT_EQ(v.Get("LONE"), "cost: 5$ and $");
  EXPECT_EQ(v.Expand("${CI_SERVER}/$CI_SERVER_x/${}"), "yes//");
  auto r = v.Resolved();
  auto f = std::find_if(r.begin(), r.end(), [](const Variable& x) { return x.key == "F"; });
  ASSERT_NE(f, r.end());
  EXPECT_EQ(f->value, "content late");
  EXPECT_TRUE(f->file);
}

TEST_F(VariablesTest, CyclesTerminate) {
  job_.variables = {V("P", "$Q"), V("Q", "x$P")};
  auto v = Build();
  auto p = v.Get("P");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->find_first_not_of('x'), std::string::npos);
}

TEST_F(VariablesTest, Bools) {
  job_.variables = {V("T1", "1"), V("T2", "True"), V("F1", "FALSE"), V("BAD", "yes"), V("EMPTY", "")};
  auto v = Build();
  EXPECT_TRUE(v.GetBool("T1", false));
  EXPECT_TRUE(v.GetBool("T2", false));
  EXPECT_FALSE(v.GetBool("F1", true));
  EXPECT_TRUE(v.GetBool("BAD", true));
  EXPECT_FALSE(v.GetBool("EMPTY", false));
  EXPECT_TRUE(v.GetBool("MISSING", true));
  EXPECT_EQ(ParseGoBool("t"), true);
  EXPECT_EQ(ParseGoBool("tRue"), std::nullopt);
}

TEST_F(VariablesTest, MaskedValues) {
  job_.variables = {V("CI_JOB_TOKEN", "glcbt-jobtoken123", true), V("S", "pre-$A", true), V("A", "aaaaaaaa"),
                    V("PUBLIC", "visible")};
  auto v = Build();
  auto m = v.MaskedValues();
  EXPECT_NE(std::find(m.begin(), m.end(), "glcbt-jobtoken123"), m.end());
  EXPECT_NE(std::find(m.begin(), m.end(), "pre-$A"), m.end());
  EXPECT_NE(std::find(m.begin(), m.end(), "pre-aaaaaaaa"), m.end());
  EXPECT_EQ(std::find(m.begin(), m.end(), "visible"), m.end());
}

TEST_F(VariablesTest, SetOverrides) {
  auto v = Build();
  v.Set("CI_JOB_STATUS", "failed");
  EXPECT_EQ(v.Get("CI_JOB_STATUS"), "failed");
}

}  // namespace
}  // namespace job

#include "job/docker_auth_source.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace job {
namespace {

// The manager's DOCKER_AUTH_CONFIG, set for one test and restored.
class DockerAuthSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("DOCKER_AUTH_CONFIG")) old_ = v;
    unsetenv("DOCKER_AUTH_CONFIG");
  }
  void TearDown() override {
    if (old_) setenv("DOCKER_AUTH_CONFIG", old_->c_str(), 1);
    else unsetenv("DOCKER_AUTH_CONFIG");
  }
  std::optional<std::string> old_;
  gitlab::JobPayload job_;
  config::RunnerConfig runner_;
};

TEST_F(DockerAuthSourceTest, JobVariableThenRunnersEnvironmentThenManagerEnvironment) {
  EXPECT_FALSE(DockerAuthConfigSource(job_, runner_).has_value());

  setenv("DOCKER_AUTH_CONFIG", "{\"from\":\"process\"}", 1);
  auto s = DockerAuthConfigSource(job_, runner_);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->source, "manager environment");
  EXPECT_EQ(s->json, "{\"from\":\"process\"}");

  // A key that only starts with the name is another variable.
  runner_.environment = {"DOCKER_AUTH_CONFIG_X=no", "DOCKER_AUTH_CONFIG={\"a=b\":1}"};
  s = DockerAuthConfigSource(job_, runner_);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->source, "[[runners]] environment");
  EXPECT_EQ(s->json, "{\"a=b\":1}");

  job_.variables.push_back({"DOCKER_AUTH_CONFIG", "{\"first\":1}"});
  job_.variables.push_back({"OTHER", "x"});
  job_.variables.push_back({"DOCKER_AUTH_CONFIG", "{\"last\":1}"});
  s = DockerAuthConfigSource(job_, runner_);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->source, "job variable");
  EXPECT_EQ(s->json, "{\"last\":1}");  // the last definition wins, as for any variable
}

}  // namespace
}  // namespace job

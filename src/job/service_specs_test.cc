#include "job/service_specs.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace job {
namespace {

gitlab::JobVariable V(std::string k, std::string v, bool is_public, bool raw = false) {
  gitlab::JobVariable x;
  x.key = std::move(k);
  x.value = std::move(v);
  x.is_public = is_public;
  x.raw = raw;
  return x;
}

bool Has(const std::vector<std::string>& env, const std::string& kv) {
  return std::find(env.begin(), env.end(), kv) != env.end();
}

bool HasKey(const std::vector<std::string>& env, const std::string& key) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(key + "=", 0) == 0; });
}

class ServiceSpecsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    job_.variables = {V("DB_NAME", "app", true), V("DB_PASSWORD", "s3cret", false), V("SVC_IMAGE", "postgres:15", true)};
    gitlab::Image svc;
    svc.name = "$SVC_IMAGE";
    svc.alias = "db, pg";
    svc.entrypoint = std::vector<std::string>{"docker-entrypoint.sh"};
    svc.command = std::vector<std::string>{"postgres", "-c", "fsync=off"};
    svc.variables = {V("POSTGRES_DB", "$DB_NAME", true), V("POSTGRES_PASSWORD", "$DB_PASSWORD", true),
                     V("LITERAL", "$DB_NAME", true, true)};
    svc.pull_policy = {"if-not-present"};
    svc.docker_user = "999";
    job_.services = {svc};
    config::DockerService cfg;
    cfg.name = "redis:$DB_NAME";
    cfg.alias = "cache";
    cfg.environment = {"REDIS_ARGS=--save ''", "broken"};
    runner_.docker.services = {cfg};
    ctx_.builds_dir = "/builds";
    ctx_.project_dir = "/builds/g/p";
  }
  gitlab::JobPayload job_;
  config::RunnerConfig runner_;
  RunnerContext ctx_;
};

TEST_F(ServiceSpecsTest, ConfigServicesFirstThenTheJobsExpanded) {
  JobVariables vars = JobVariables::Build(job_, runner_, ctx_);
  auto specs = ServiceSpecs(job_, runner_, vars);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "redis:app");
  EXPECT_EQ(specs[0].alias, "cache");
  EXPECT_TRUE(specs[0].from_config);
  EXPECT_TRUE(Has(specs[0].env, "REDIS_ARGS=--save ''"));
  EXPECT_FALSE(HasKey(specs[0].env, "broken"));

  const executor::ServiceSpec& s = specs[1];
  EXPECT_FALSE(s.from_config);
  EXPECT_EQ(s.name, "postgres:15");
  EXPECT_EQ(s.alias, "db, pg");
  EXPECT_EQ(s.entrypoint, (std::vector<std::string>{"docker-entrypoint.sh"}));
  EXPECT_EQ(s.command, (std::vector<std::string>{"postgres", "-c", "fsync=off"}));
  EXPECT_EQ(s.pull_policy, (std::vector<std::string>{"if-not-present"}));
  EXPECT_EQ(s.user, "999");
}

TEST_F(ServiceSpecsTest, EnvIsPublicJobVariablesThenTheServicesOwn) {
  JobVariables vars = JobVariables::Build(job_, runner_, ctx_);
  auto specs = ServiceSpecs(job_, runner_, vars);
  const auto& env = specs[1].env;
  EXPECT_TRUE(Has(env, "DB_NAME=app"));
  EXPECT_TRUE(Has(env, "CI_PROJECT_DIR=/builds/g/p"));
  EXPECT_FALSE(HasKey(env, "DB_PASSWORD")) << "a variable that is not public stays out of services";
  EXPECT_TRUE(Has(env, "POSTGRES_DB=app"));
  // The service asked for it by name: the opt-in gitlab-runner honours.
  EXPECT_TRUE(Has(env, "POSTGRES_PASSWORD=s3cret"));
  EXPECT_TRUE(Has(env, "LITERAL=$DB_NAME"));
  auto own = std::find(env.begin(), env.end(), "POSTGRES_DB=app");
  auto pub = std::find(env.begin(), env.end(), "DB_NAME=app");
  EXPECT_LT(pub, own) << "the service's own variables come last, so they win";
}

}  // namespace
}  // namespace job

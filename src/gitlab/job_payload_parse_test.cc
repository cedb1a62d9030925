#include "gitlab/job_payload_parse.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "util/testing/test_util.h"

namespace gitlab {
namespace {

using nlohmann::json;

std::string Fixture(const std::string& name) { return testutil::ReadFile(testutil::FixturePath("gitlab/" + name)); }

// The smallest payload the parser accepts.
json Minimal() {
  return json::parse(R"({
    "id": 7, "token": "glcbt-secret",
    "git_info": {"repo_url": "https://gitlab-ci-token:x@h/g/p.git", "sha": "abc", "ref": "main"},
    "runner_info": {"timeout": 3600},
    "variables": [],
    "steps": []
  })");
}

std::string ParseError(const json& j) {
  auto r = ParseJobPayload(j.dump());
  if (r.ok()) return "OK";
  EXPECT_EQ(r.status().code(), util::Status::Code::kInvalidArgument);
  return r.status().message();
}

TEST(ParseJobPayloadTest, GitLabRunnerNetworkTestFixture) {
  auto r = ParseJobPayload(Fixture("job_response_gitlab_runner_network_test.json"));
  ASSERT_OK(r);
  const JobPayload& p = *r;
  EXPECT_EQ(p.id, 10);
  EXPECT_EQ(p.token, "job-token");
  EXPECT_FALSE(p.allow_git_fetch);
  EXPECT_EQ(p.job_info.name, "test-job");
  EXPECT_EQ(p.job_info.stage, "test");
  EXPECT_EQ(p.job_info.project_id, 123);
  EXPECT_EQ(p.job_info.project_name, "test-project");
  EXPECT_EQ(p.git_info.repo_url, "https://gitlab-ci-token:testTokenHere1234@gitlab.example.com/test/test-project.git");
  EXPECT_EQ(p.git_info.ref, "main");
  EXPECT_EQ(p.git_info.sha, "abcdef123456");
  EXPECT_EQ(p.git_info.before_sha, "654321fedcba");
  EXPECT_EQ(p.git_info.ref_type, "branch");
  EXPECT_EQ(p.runner_info.timeout, 3600);
  ASSERT_EQ(p.variables.size(), 1u);
  EXPECT_EQ(p.variables[0].key, "CI_REF_NAME");
  EXPECT_EQ(p.variables[0].value, "main");
  EXPECT_TRUE(p.variables[0].is_public);
  EXPECT_TRUE(p.variables[0].file);
  EXPECT_TRUE(p.variables[0].raw);
  EXPECT_FALSE(p.variables[0].masked);
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].name, "script");
  EXPECT_EQ(p.steps[0].script, (std::vector<std::string>{"date", "ls -ls"}));
  EXPECT_EQ(p.steps[0].timeout, 3600);
  EXPECT_EQ(p.steps[0].when, "on_success");
  EXPECT_FALSE(p.steps[0].allow_failure);
  EXPECT_EQ(p.steps[1].name, "after_script");
  EXPECT_EQ(p.steps[1].when, "always");
  EXPECT_TRUE(p.steps[1].allow_failure);
  ASSERT_TRUE(p.image.has_value());
  EXPECT_EQ(p.image->name, "ruby:3.3");
  EXPECT_EQ(p.image->entrypoint, (std::vector<std::string>{"/bin/sh"}));
  EXPECT_EQ(p.image->docker_platform, "arm64/v8");
  EXPECT_TRUE(p.image->unsupported_docker_opts.empty());
  ASSERT_EQ(p.services.size(), 2u);
  EXPECT_EQ(p.services[0].name, "postgresql:9.5");
  EXPECT_EQ(p.services[0].alias, "db-pg");
  EXPECT_EQ(p.services[0].command, (std::vector<std::string>{"sleep", "30"}));
  EXPECT_EQ(p.services[0].docker_platform, "amd64/linux");
  EXPECT_EQ(p.services[1].alias, "db-mysql");
  EXPECT_FALSE(p.services[1].entrypoint.has_value());
  EXPECT_EQ(p.services[1].docker_platform, "arm");
  ASSERT_EQ(p.artifacts.size(), 1u);
  EXPECT_EQ(p.artifacts[0].name, "artifact.zip");
  EXPECT_EQ(p.artifacts[0].paths, (std::vector<std::string>{"out/*"}));
  EXPECT_EQ(p.artifacts[0].when, "always");
  EXPECT_EQ(p.artifacts[0].expire_in, "7d");
  ASSERT_EQ(p.cache.size(), 1u);
  EXPECT_EQ(p.cache[0].key, "$CI_COMMIT_SHA");
  EXPECT_EQ(p.cache[0].policy, "push");
  EXPECT_EQ(p.cache[0].paths, (std::vector<std::string>{"vendor/*"}));
  ASSERT_EQ(p.credentials.size(), 1u);
  EXPECT_EQ(p.credentials[0].type, "Registry");
  EXPECT_EQ(p.credentials[0].url, "http://registry.gitlab.example.com/");
  EXPECT_EQ(p.credentials[0].username, "gitlab-ci-token");
  EXPECT_EQ(p.credentials[0].password, "job-token");
  ASSERT_EQ(p.dependencies.size(), 1u);
  EXPECT_EQ(p.dependencies[0].id, 9);
  EXPECT_EQ(p.dependencies[0].name, "other-job");
  EXPECT_EQ(p.dependencies[0].token, "other-job-token");
  EXPECT_EQ(p.dependencies[0].artifacts_filename, "binaries.zip");
  EXPECT_EQ(p.dependencies[0].artifacts_size, 13631488);
  EXPECT_TRUE(p.run.empty());
}

TEST(ParseJobPayloadTest, UnsupportedExecutorOptsAreRecordedNotRejected) {
  auto r = ParseJobPayload(Fixture("job_response_unsupported_executor_opts.json"));
  ASSERT_OK(r);
  ASSERT_TRUE(r->image.has_value());
  EXPECT_EQ(r->image->unsupported_docker_opts, (std::vector<std::string>{"blammo"}));
  EXPECT_EQ(r->image->docker_platform, "");
  ASSERT_EQ(r->services.size(), 2u);
  EXPECT_EQ(r->services[0].unsupported_docker_opts, (std::vector<std::string>{"powpow"}));
  EXPECT_TRUE(r->services[1].unsupported_docker_opts.empty());
}

// Every job_response_*.json fixture parses; every job_request_partial_*.json's
// request_response, merged over a minimal payload, parses.
TEST(ParseJobPayloadTest, EveryFixtureParses) {
  int responses = 0, partials = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testutil::FixturePath("gitlab"))) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("job_response_") && name.ends_with(".json")) {
      EXPECT_OK(ParseJobPayload(Fixture(name)));
      ++responses;
    } else if (name.starts_with("job_request_partial_") && name.ends_with(".json")) {
      json doc = Minimal();
      json partial = json::parse(Fixture(name))["request_response"];
      if (partial.contains("run")) doc.erase("steps");
      for (const auto& [k, v] : partial.items()) doc[k] = v;  // top-level keys, nulls kept
      auto r = ParseJobPayload(doc.dump());
      EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      ++partials;
    }
  }
  EXPECT_GE(responses, 2);
  EXPECT_GE(partials, 6);
}

json Partial(const std::string& name) {
  json doc = Minimal();
  json partial = json::parse(Fixture(name))["request_response"];
  if (partial.contains("run")) doc.erase("steps");
  for (const auto& [k, v] : partial.items()) doc[k] = v;
  return doc;
}

TEST(ParseJobPayloadTest, PartialImageBasic) {
  auto r = ParseJobPayload(Partial("job_request_partial_image_basic.json").dump());
  ASSERT_OK(r);
  ASSERT_TRUE(r->image.has_value());
  EXPECT_EQ(r->image->name, "alpine:latest");
  EXPECT_FALSE(r->image->entrypoint.has_value());  // null
  EXPECT_TRUE(r->image->pull_policy.empty());       // null
  EXPECT_TRUE(r->services.empty());
  ASSERT_EQ(r->steps.size(), 1u);
  EXPECT_EQ(r->steps[0].script, (std::vector<std::string>{"echo Hello World"}));
}

TEST(ParseJobPayloadTest, PartialExecutorOptsPlatform) {
  auto r = ParseJobPayload(Partial("job_request_partial_image_executor_opts_platform.json").dump());
  ASSERT_OK(r);
  EXPECT_EQ(r->image->docker_platform, "amd64");
}

TEST(ParseJobPayloadTest, PartialServices) {
  auto basic = ParseJobPayload(Partial("job_request_partial_service_basic.json").dump());
  ASSERT_OK(basic);
  EXPECT_FALSE(basic->image.has_value());
  ASSERT_EQ(basic->services.size(), 1u);
  EXPECT_EQ(basic->services[0].name, "docker:dind");
  EXPECT_EQ(basic->services[0].alias, "");
  EXPECT_FALSE(basic->services[0].command.has_value());

  auto vars = ParseJobPayload(Partial("job_request_partial_service_variables.json").dump());
  ASSERT_OK(vars);
  ASSERT_EQ(vars->services[0].variables.size(), 2u);
  EXPECT_EQ(vars->services[0].variables[0].key, "DOCKER_HOST");
  EXPECT_EQ(vars->services[0].variables[0].value, "tcp://docker:2375");
  EXPECT_EQ(vars->services[0].variables[1].key, "DOCKER_DRIVER");

  auto k8s = ParseJobPayload(Partial("job_request_partial_service_k8s_user_int.json").dump());
  ASSERT_OK(k8s);
  EXPECT_EQ(k8s->services[0].kubernetes_user, "1001");
  EXPECT_TRUE(k8s->services[0].unsupported_docker_opts.empty());
}

TEST(ParseJobPayloadTest, PartialRunSteps) {
  auto r = ParseJobPayload(Partial("job_request_partial_run_steps.json").dump());
  ASSERT_OK(r);
  EXPECT_TRUE(r->steps.empty());
  EXPECT_TRUE(r->run.starts_with(R"([{"name":"step1")"));
}

TEST(ParseJobPayloadTest, MissingRequiredFields) {
  for (const char* path : {"id", "token", "variables", "steps"}) {
    json j = Minimal();
    j.erase(path);
    EXPECT_EQ(ParseError(j), std::string("job payload: field \"") + path + "\": missing");
  }
  for (const char* key : {"repo_url", "sha", "ref"}) {
    json j = Minimal();
    j["git_info"].erase(key);
    EXPECT_EQ(ParseError(j), std::string("job payload: field \"git_info.") + key + "\": missing");
  }
  json j = Minimal();
  j["runner_info"] = nullptr;
  EXPECT_EQ(ParseError(j), "job payload: field \"runner_info.timeout\": missing");
  j = Minimal();
  j.erase("git_info");
  EXPECT_EQ(ParseError(j), "job payload: field \"git_info.repo_url\": missing");
  j = Minimal();
  j["git_info"]["sha"] = nullptr;  // null == absent
  EXPECT_EQ(ParseError(j), "job payload: field \"git_info.sha\": missing");
}

TEST(ParseJobPayloadTest, WrongTypesNameThePath) {
  json j = Minimal();
  j["variables"] = json::array();
  for (int i = 0; i < 3; ++i) j["variables"].push_back({{"key", "K"}, {"value", "v"}});
  j["variables"].push_back({{"key", 5}, {"value", "v"}});
  EXPECT_EQ(ParseError(j), "job payload: field \"variables[3].key\": expected string, got number");

  j = Minimal();
  j["id"] = "7";
  EXPECT_EQ(ParseError(j), "job payload: field \"id\": expected integer, got string");
  j = Minimal();
  j["steps"] = {{{"name", "script"}, {"script", {"a", 1}}}};
  EXPECT_EQ(ParseError(j), "job payload: field \"steps[0].script[1]\": expected string, got number");
  j = Minimal();
  j["variables"] = json::object();
  EXPECT_EQ(ParseError(j), "job payload: field \"variables\": expected array, got object");
  j = Minimal();
  j["git_info"] = "x";
  EXPECT_EQ(ParseError(j), "job payload: field \"git_info\": expected object, got string");
  j = Minimal();
  j["services"] = {{{"name", "svc"}, {"ports", {{{"number", "80"}}}}}};
  EXPECT_EQ(ParseError(j), "job payload: field \"services[0].ports[0].number\": expected integer, got string");
  j = Minimal();
  j["allow_git_fetch"] = "yes";
  EXPECT_EQ(ParseError(j), "job payload: field \"allow_git_fetch\": expected boolean, got string");
}

TEST(ParseJobPayloadTest, ErrorsDoNotLeakValues) {
  json j = Minimal();
  j["token"] = 12345678;
  std::string m = ParseError(j);
  EXPECT_EQ(m, "job payload: field \"token\": expected string, got number");
  EXPECT_EQ(m.find("12345678"), std::string::npos);
}

TEST(ParseJobPayloadTest, NotJsonOrNotObject) {
  EXPECT_EQ(ParseJobPayload("{").status().message(), "job payload: not valid JSON");
  EXPECT_EQ(ParseJobPayload("[]").status().message(), "job payload: expected object, got array");
}

TEST(ParseJobPayloadTest, NullIsAbsentEverywhere) {
  json j = Minimal();
  for (const char* key : {"allow_git_fetch", "job_info", "hooks", "image", "services", "artifacts", "cache",
                          "credentials", "dependencies", "features", "secrets", "run", "inputs"}) {
    j[key] = nullptr;
  }
  j["cache"] = {nullptr};
  j["git_info"]["protected"] = nullptr;
  j["git_info"]["refspecs"] = nullptr;
  j["git_info"]["depth"] = nullptr;
  j["variables"] = {{{"key", "A"}, {"value", nullptr}, {"public", nullptr}}};
  auto r = ParseJobPayload(j.dump());
  ASSERT_OK(r);
  EXPECT_TRUE(r->cache.empty());
  EXPECT_FALSE(r->image.has_value());
  EXPECT_EQ(r->variables[0].value, "");
  EXPECT_FALSE(r->variables[0].is_public);
  EXPECT_EQ(r->git_info.depth, 0);
}

TEST(ParseJobPayloadTest, TolerantShapes) {
  json j = Minimal();
  j["unknown_new_field"] = {{"a", 1}};
  j["git_info"]["protected"] = true;
  j["git_info"]["refspecs"] = {"+refs/pipelines/1:refs/pipelines/1"};
  j["git_info"]["depth"] = 20;
  j["job_info"] = {{"id", 7}, {"time_in_queue_seconds", 1.5}, {"project_jobs_running_on_instance_runners_count", "+Inf"}};
  j["image"] = {{"name", "alpine"}, {"executor_opts", {{"docker", {{"user", 1000}}}, {"kubernetes", {{"user", "dave"}}}}}};
  j["features"] = {{"trace_sections", true}, {"failure_reasons", {"script_failure"}}, {"tracing", nullptr}};
  j["dependencies"] = {{{"id", 3}, {"name", "build"}, {"token", "t"}}};
  j["artifacts"] = {{{"name", "a"}, {"exclude", {"x"}}, {"artifact_type", "archive"}, {"artifact_format", "zip"}}};
  j["cache"] = {{{"key", "k"}, {"fallback_keys", {"f1", "f2"}}, {"when", "always"}}};
  j["hooks"] = {{{"name", "pre_get_sources_script"}, {"script", {"echo hi"}}}};
  j["runner_info"]["timeout"] = 3600.0;
  auto r = ParseJobPayload(j.dump());
  ASSERT_OK(r);
  EXPECT_EQ(r->git_info.refspecs.size(), 1u);
  EXPECT_EQ(r->git_info.depth, 20);
  EXPECT_EQ(r->job_info.time_in_queue_seconds, 1.5);
  EXPECT_EQ(r->image->docker_user, "1000");
  EXPECT_EQ(r->image->kubernetes_user, "dave");
  EXPECT_TRUE(r->features.trace_sections);
  EXPECT_EQ(r->features.failure_reasons, (std::vector<std::string>{"script_failure"}));
  ASSERT_EQ(r->dependencies.size(), 1u);
  EXPECT_EQ(r->dependencies[0].artifacts_filename, "");
  EXPECT_EQ(r->artifacts[0].exclude, (std::vector<std::string>{"x"}));
  EXPECT_EQ(r->cache[0].fallback_keys, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(r->hooks.size(), 1u);
  EXPECT_EQ(r->runner_info.timeout, 3600);
}

}  // namespace
}  // namespace gitlab

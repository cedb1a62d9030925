#include <algorithm>
#include <fstream>
#include <sstream>

#include "coordinator/test_support.h"
#include "util/testing/test_util.h"

namespace coordinator::testing {
namespace {

using JobsRequestHttpTest = CoordinatorHttpTest;

json Var(const json& payload, const std::string& key) {
  for (const auto& v : payload["variables"]) {
    if (v["key"] == key) return v;
  }
  return json();
}

TEST_F(JobsRequestHttpTest, NoJobIs204WithQueueVersion) {
  const std::string token = RegisterRunner();
  auto r = RequestJob(token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  const std::string version = r->get_header_value("X-GitLab-Last-Update");
  EXPECT_EQ(version.size(), 32u);
  // Unchanged queue: same version again.
  auto again = RequestJob(token, Features(), version);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 204);
  EXPECT_EQ(again->get_header_value("X-GitLab-Last-Update"), version);
  // A new job changes the version, and the job is handed out even with the old value.
  Enqueue({{"name", "build"}, {"script", {"make"}}});
  auto job = RequestJob(token, Features(), version);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, 201);
  EXPECT_FALSE(job->has_header("X-GitLab-Last-Update"));
  auto after = RequestJob(token);
  ASSERT_TRUE(after);
  EXPECT_NE(after->get_header_value("X-GitLab-Last-Update"), version);
}

TEST_F(JobsRequestHttpTest, AuthAndWorkhorseChecks) {
  const std::string token = RegisterRunner();
  EXPECT_EQ(RequestJob("glrtr-wrong")->status, 403);
  EXPECT_EQ(Post("/api/v4/jobs/request", {{"info", json::object()}})->status, 400);
  json big = RequestBody(token);
  big["info"]["config"] = {{"gpus", std::string(33 * 1024, 'x')}};
  EXPECT_EQ(Post("/api/v4/jobs/request", big)->status, 413);
  auto form = Client()->Post("/api/v4/jobs/request", RunnerHeaders(token), "token=" + token,
                             "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  auto broken = Client()->Post("/api/v4/jobs/request", RunnerHeaders(token), "{not json", "application/json");
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 400);
}

TEST_F(JobsRequestHttpTest, PayloadIsBuiltLikeGitLab) {
  const std::string token = RegisterRunner("docker,linux");
  const int64_t id = Enqueue({{"name", "rspec"},
                              {"stage", "test"},
                              {"before_script", {"bundle install"}},
                              {"script", {"rspec"}},
                              {"after_script", {"echo done"}},
                              {"image", "ruby:3.3"},
                              {"variables", {{{"key", "SECRET"}, {"value", "s3cr3t-value"}, {"masked", true}},
                                             {{"key", "CONF"}, {"value", "a=b"}, {"file", true}, {"raw", true}}}},
                              {"tags", {"docker"}},
                              {"timeout", "1h"},
                              {"git", {{"repo_url", "https://gitlab.example.com/group/project.git"},
                                       {"ref", "main"}, {"sha", std::string(40, 'a')}, {"depth", 5}}},
                              {"project", {{"id", 7}, {"path", "group/project"}}}});
  json p = TakeJob(token);
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["id"], id);
  const std::string job_token = p["token"];
  EXPECT_EQ(job_token.rfind("glcbt-", 0), 0u);
  EXPECT_TRUE(p["allow_git_fetch"].get<bool>());
  EXPECT_EQ(p["job_info"]["name"], "rspec");
  EXPECT_EQ(p["job_info"]["project_id"], 7);
  EXPECT_EQ(p["job_info"]["project_name"], "project");
  EXPECT_EQ(p["git_info"]["repo_url"],
            "https://gitlab-ci-token:" + job_token + "@gitlab.example.com/group/project.git");
  EXPECT_EQ(p["git_info"]["depth"], 5);
  const std::string pid = std::to_string(p["job_info"]["pipeline_id"].get<int64_t>());
  EXPECT_EQ(p["git_info"]["refspecs"],
            json({"+refs/pipelines/" + pid + ":refs/pipelines/" + pid, "+refs/heads/main:refs/remotes/origin/main"}));
  EXPECT_EQ(p["runner_info"]["timeout"], 3600);
  ASSERT_EQ(p["steps"].size(), 2u);
  EXPECT_EQ(p["steps"][0], json({{"name", "script"}, {"script", {"bundle install", "rspec"}}, {"timeout", 3600},
                                 {"when", "on_success"}, {"allow_failure", false}}));
  EXPECT_EQ(p["steps"][1]["when"], "always");
  EXPECT_TRUE(p["steps"][1]["allow_failure"].get<bool>());
  EXPECT_EQ(p["image"]["name"], "ruby:3.3");
  EXPECT_TRUE(p["features"]["trace_sections"].get<bool>());
  EXPECT_EQ(p["features"]["failure_reasons"].size(), 52u);

  EXPECT_EQ(Var(p, "CI_JOB_TOKEN")["value"], job_token);
  EXPECT_TRUE(Var(p, "CI_JOB_TOKEN")["masked"].get<bool>());
  EXPECT_FALSE(Var(p, "CI_JOB_TOKEN")["public"].get<bool>());
  EXPECT_EQ(Var(p, "CI_JOB_ID")["value"], std::to_string(id));
  EXPECT_EQ(Var(p, "CI_SERVER_URL")["value"], coord_->base_url());
  EXPECT_EQ(Var(p, "CI_PROJECT_PATH")["value"], "group/project");
  EXPECT_EQ(Var(p, "CI_RUNNER_TAGS")["value"], "[\"docker\", \"linux\"]");
  EXPECT_EQ(Var(p, "CI_RUNNER_DESCRIPTION")["value"], "test runner");
  EXPECT_EQ(Var(p, "CI_REPOSITORY_URL")["value"], p["git_info"]["repo_url"]);
  EXPECT_TRUE(Var(p, "SECRET")["masked"].get<bool>());
  EXPECT_EQ(Var(p, "CONF"), json({{"key", "CONF"}, {"value", "a=b"}, {"public", true}, {"masked", false},
                                  {"file", true}, {"raw", true}}));
  EXPECT_FALSE(Var(p, "CI_JOB_ID").contains("file"));
  // Job variables come after the predefined ones.
  EXPECT_EQ(p["variables"].back()["key"], "CONF");
  EXPECT_EQ(Job(id).state, JobState::kRunning);
}

TEST_F(JobsRequestHttpTest, RunnerMaximumTimeoutCapsTheJobTimeout) {
  auto r = Post("/api/v4/runners", {{"token", kRegistrationToken}, {"maximum_timeout", 600}});
  const std::string token = json::parse(r->body)["token"];
  Enqueue({{"script", {"true"}}, {"timeout", 7200}});
  json p = TakeJob(token);
  EXPECT_EQ(p["runner_info"]["timeout"], 600);
  EXPECT_EQ(p["steps"][0]["timeout"], 600);
}

TEST_F(JobsRequestHttpTest, TagMatching) {
  const std::string docker = RegisterRunner("docker", /*run_untagged=*/false);
  const std::string any = RegisterRunner("", /*run_untagged=*/true);
  const int64_t tagged = Enqueue({{"script", {"true"}}, {"tags", {"docker", "gpu"}}});
  EXPECT_EQ(RequestJob(docker)->status, 204);  // lacks "gpu"
  EXPECT_EQ(RequestJob(any)->status, 204);     // untagged runner, tagged job
  const int64_t untagged = Enqueue({{"script", {"true"}}});
  EXPECT_EQ(RequestJob(docker)->status, 204);  // run_untagged=false
  json p = TakeJob(any);
  EXPECT_EQ(p["id"], untagged);
  const std::string both = RegisterRunner("gpu,docker,linux");
  EXPECT_EQ(TakeJob(both)["id"], tagged);
}

TEST_F(JobsRequestHttpTest, PausedRunnerGetsNothing) {
  auto r = Post("/api/v4/runners", {{"token", kRegistrationToken}, {"paused", true}});
  const std::string token = json::parse(r->body)["token"];
  Enqueue({{"script", {"true"}}});
  auto res = RequestJob(token);
  EXPECT_EQ(res->status, 204);
  EXPECT_TRUE(res->has_header("X-GitLab-Last-Update"));
}

TEST_F(JobsRequestHttpTest, MissingFeatureFailsJobAsRunnerUnsupported) {
  const std::string token = RegisterRunner();
  const int64_t reports = Enqueue({{"script", {"true"}}, {"artifacts", {{"reports", {{"junit", "report.xml"}}}}}});
  const int64_t exit_codes = Enqueue({{"script", {"true"}}, {"allow_failure", {{"exit_codes", {3}}}}});
  const int64_t fallback = Enqueue({{"script", {"true"}}, {"cache", {{"key", "k"}, {"fallback_keys", {"f"}}}}});
  const int64_t plain = Enqueue({{"script", {"true"}}});
  json lacking = Features({{"upload_multiple_artifacts", false}, {"return_exit_code", false},
                           {"fallback_cache_keys", false}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(RequestJob(token, lacking)->status, 204);
  for (int64_t id : {reports, exit_codes, fallback}) {
    EXPECT_EQ(Job(id).state, JobState::kFailed);
    EXPECT_EQ(Job(id).failure_reason, "runner_unsupported");
  }
  EXPECT_EQ(TakeJob(token, lacking)["id"], plain);
}

TEST_F(JobsRequestHttpTest, MatchesGitLabSpecFixtures) {
  const std::string token = RegisterRunner();
  for (const char* name : {"job_request_partial_image_basic.json", "job_request_partial_service_basic.json",
                           "job_request_partial_service_variables.json"}) {
    json fixture = json::parse(testutil::ReadFile(testutil::FixturePath(std::string("gitlab/") + name)));
    json spec = fixture["gitlab_ci"]["rspec"];
    Enqueue(spec);
    json p = TakeJob(token);
    // JSON objects are unordered here, so a mapping of variables comes back in key order.
    auto sorted_vars = [](json services) {
      for (auto& s : services) {
        std::sort(s["variables"].begin(), s["variables"].end(),
                  [](const json& a, const json& b) { return a["key"] < b["key"]; });
      }
      return services;
    };
    for (const auto& [key, want] : fixture["request_response"].items()) {
      if (key == "services") EXPECT_EQ(sorted_vars(p[key]), sorted_vars(want)) << name;
      else EXPECT_EQ(p[key], want) << name << ": " << key;
    }
  }
}

TEST_F(JobsRequestHttpTest, RecordsRunnerHeaders) {
  const std::string token = RegisterRunner();
  RequestJob(token);
  auto log = coord_->request_log().Entries("jobs_request");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].Header("runner-token"), token);
  EXPECT_EQ(log[0].Header("user-agent"), kUserAgent);
  EXPECT_EQ(log[0].Header("x-request-id"), kRequestId);
  EXPECT_TRUE(log[0].request_id_ok);
  EXPECT_EQ(log[0].status, 204);
}

}  // namespace
}  // namespace coordinator::testing

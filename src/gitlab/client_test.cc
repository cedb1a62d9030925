#include "gitlab/client.h"

#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "gitlab/fake_gitlab_server.h"
#include "gitlab/retry.h"
#include "util/testing/test_util.h"
#include "util/version.h"

namespace gitlab {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using testing::CannedResponse;
using testing::FakeGitLabServer;
using testing::Json;

std::string Fixture(const std::string& name) { return testutil::ReadFile(testutil::FixturePath("gitlab/" + name)); }

std::vector<std::string> Keys(const std::string& body) {
  std::vector<std::string> keys;
  ordered_json doc = ordered_json::parse(body);
  for (const auto& [k, _] : doc.items()) keys.push_back(k);
  return keys;
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : clock_(*ParseHttpDate("Wed, 21 Oct 2015 07:28:00 GMT")) {}

  std::unique_ptr<Client> MakeClient(std::string url = "") {
    ClientOptions o;
    o.seed = 1234;
    o.sleeper = [this](util::Duration d) {
      sleeps_.push_back(d);
      return sleeper_result_;
    };
    return std::make_unique<Client>(url.empty() ? server_.url() + "/" : url, std::move(o), clock_);
  }

  VersionInfo Info() {
    VersionInfo v = DefaultVersionInfo();
    v.executor = "docker";
    v.shell = "bash";
    v.features.variables = true;
    return v;
  }

  void ExpectCommonHeaders(const testing::RecordedRequest& r) {
    static const std::regex kUserAgent(R"(gitlab-runner \S+ \(spotrunner; c\+\+; linux/\w+\))");
    static const std::regex kRequestId("[0-9a-f]{32}");
    EXPECT_TRUE(std::regex_match(r.Header("User-Agent"), kUserAgent)) << r.Header("User-Agent");
    EXPECT_EQ(r.Header("User-Agent").find(std::string("gitlab-runner ") + util::kVersion + " "), 0u);
    EXPECT_TRUE(std::regex_match(r.Header("X-Request-Id"), kRequestId)) << r.Header("X-Request-Id");
  }

  FakeGitLabServer server_;
  util::ManualClock clock_;
  std::vector<util::Duration> sleeps_;
  bool sleeper_result_ = true;
};


// ---- jobs/request -----------------------------------------------------------------------

TEST_F(ClientTest, RequestJobSendsExactRequest) {
  server_.Enqueue(CannedResponse{204, {{"X-GitLab-Last-Update", "v2"}}});
  auto c = MakeClient();
  auto r = c->RequestJob("glrt-secret", "s_0123456789ab", "v1", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kNoJob);
  EXPECT_EQ(r.last_update, "v2");
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& q = reqs[0];
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.path, "/api/v4/jobs/request");
  ExpectCommonHeaders(q);
  EXPECT_EQ(q.Header("RUNNER-TOKEN"), "glrt-secret");
  EXPECT_EQ(q.Header("Content-Type"), "application/json");
  EXPECT_EQ(q.Header("Accept"), "application/json");
  EXPECT_FALSE(q.HasHeader("JOB-TOKEN"));
  EXPECT_EQ(Keys(q.body), (std::vector<std::string>{"info", "token", "system_id", "last_update"}));
  json body = json::parse(q.body);
  EXPECT_EQ(body["token"], "glrt-secret");
  EXPECT_EQ(body["system_id"], "s_0123456789ab");
  EXPECT_EQ(body["last_update"], "v1");
  EXPECT_EQ(body["info"], json::parse(VersionInfoJson(Info()).dump()));
}

TEST_F(ClientTest, RequestJobOmitsEmptyLastUpdateAndKeepsItWhenA204HasNone) {
  server_.Enqueue(CannedResponse{204, {{"X-GitLab-Last-Update", "q1"}}});
  server_.Enqueue(CannedResponse{204});  // Workhorse's own long-poll 204: no header
  auto c = MakeClient();
  auto first = c->RequestJob("tok", "s_1", "", Info());
  EXPECT_EQ(first.kind, RequestJobResult::Kind::kNoJob);
  EXPECT_EQ(first.last_update, "q1");
  auto second = c->RequestJob("tok", "s_1", first.last_update, Info());
  EXPECT_EQ(second.kind, RequestJobResult::Kind::kNoJob);
  EXPECT_EQ(second.last_update, "q1");
  EXPECT_FALSE(first.hold_ended);
  EXPECT_TRUE(second.hold_ended);
  EXPECT_FALSE(second.long_polling);
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_FALSE(json::parse(reqs[0].body).contains("last_update"));
  EXPECT_EQ(json::parse(reqs[1].body)["last_update"], "q1");
  EXPECT_NE(reqs[0].Header("X-Request-Id"), reqs[1].Header("X-Request-Id"));
}

TEST_F(ClientTest, RequestJobReturnsParsedJob) {
  server_.Enqueue(Json(201, Fixture("job_response_gitlab_runner_network_test.json"),
                       {{"X-Request-Id", "corr-123"}}));
  auto c = MakeClient();
  auto r = c->RequestJob("tok", "s_1", "v1", Info());
  ASSERT_EQ(r.kind, RequestJobResult::Kind::kJob) << r.message;
  ASSERT_TRUE(r.payload.has_value());
  EXPECT_EQ(r.payload->id, 10);
  EXPECT_EQ(r.payload->token, "job-token");
  EXPECT_EQ(r.payload_json, Fixture("job_response_gitlab_runner_network_test.json"));
  EXPECT_EQ(r.correlation_id, "corr-123");
  EXPECT_EQ(r.last_update, "v1");
}

TEST_F(ClientTest, RequestJobOutcomes) {
  auto c = MakeClient();
  server_.Enqueue(Json(403, R"({"message":"403 Forbidden"})"));
  auto forbidden = c->RequestJob("tok", "", "", Info());
  EXPECT_EQ(forbidden.kind, RequestJobResult::Kind::kForbidden);
  EXPECT_NE(forbidden.message.find("403 Forbidden"), std::string::npos);
  EXPECT_EQ(forbidden.message.find("tok"), std::string::npos);
  EXPECT_FALSE(json::parse(server_.requests().back().body).contains("system_id"));

  FakeGitLabServer s2;
  s2.Enqueue(Json(409, R"({"message":"409 Conflict"})"));
  auto conflict = MakeClient(s2.url())->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(conflict.kind, RequestJobResult::Kind::kFailed);
  EXPECT_EQ(conflict.status, 409);

  FakeGitLabServer s3;
  s3.Enqueue(CannedResponse{201, {}, Fixture("job_response_gitlab_runner_network_test.json"), "text/plain"});
  auto not_json = MakeClient(s3.url())->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(not_json.kind, RequestJobResult::Kind::kFailed);
  EXPECT_FALSE(not_json.payload.has_value());

  FakeGitLabServer s4;
  s4.Enqueue(Json(201, R"({"id": 1})"));
  auto invalid = MakeClient(s4.url())->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(invalid.kind, RequestJobResult::Kind::kFailed);
  EXPECT_NE(invalid.message.find("field \"token\": missing"), std::string::npos);
}

TEST_F(ClientTest, BadUrlIsAClientError) {
  auto c = MakeClient("ftp://gitlab.example.com");
  EXPECT_FALSE(c->url_status().ok());
  auto r = c->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kClientError);
  EXPECT_FALSE(c->VerifyRunner("tok", "s", Info()).ok());
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ClientTest, TransportErrorsAreNotRetried) {
  int port = 0;
  {
    FakeGitLabServer gone;
    port = gone.port();
  }
  auto c = MakeClient("http://127.0.0.1:" + std::to_string(port));
  auto r = c->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kFailed);
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(sleeps_.empty());
  EXPECT_EQ(c->UnregisterRunner("tok").code(), util::Status::Code::kUnavailable);
}

// ---- retry ------------------------------------------------------------------------------

TEST_F(ClientTest, RequestJobSeesWorkhorseLongPolling) {
  server_.Enqueue(CannedResponse{204, {{"X-GitLab-Last-Update", "q2"}, {"Gitlab-Ci-Builds-Polling", "yes"}}});
  auto c = MakeClient();
  auto r = c->RequestJob("tok", "s_1", "q1", Info());
  EXPECT_TRUE(r.long_polling);
  EXPECT_FALSE(r.hold_ended);  // Rails answered: it always sends the queue version
  EXPECT_EQ(r.last_update, "q2");
}

TEST_F(ClientTest, Retries503HonouringRetryAfter) {
  server_.Enqueue(CannedResponse{503, {{"Retry-After", "2"}}, "unavailable"});
  server_.Enqueue(CannedResponse{204, {{"X-GitLab-Last-Update", "z"}}});
  auto c = MakeClient();
  auto r = c->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kNoJob);
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_EQ(sleeps_[0], std::chrono::seconds(2));
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].body, reqs[1].body);
  EXPECT_NE(reqs[0].Header("X-Request-Id"), reqs[1].Header("X-Request-Id"));
}

TEST_F(ClientTest, RetriesAtMostFiveAttemptsWithBackoff) {
  server_.Enqueue(CannedResponse{502});
  auto c = MakeClient();
  auto r = c->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kFailed);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(server_.requests().size(), 5u);
  ASSERT_EQ(sleeps_.size(), 4u);
  EXPECT_EQ(sleeps_[0], std::chrono::milliseconds(100));
  for (size_t i = 1; i < sleeps_.size(); ++i) {
    EXPECT_GE(sleeps_[i], std::chrono::milliseconds(100));
    EXPECT_LE(sleeps_[i], std::chrono::milliseconds(100 << i));
  }
}

TEST_F(ClientTest, RateLimitResetTimeUsesTheClock) {
  server_.Enqueue(CannedResponse{429, {{"RateLimit-ResetTime", "Wed, 21 Oct 2015 07:28:30 GMT"}, {"Retry-After", "1"}}});
  server_.Enqueue(CannedResponse{204});
  auto c = MakeClient();
  c->RequestJob("tok", "s", "", Info());
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_EQ(sleeps_[0], std::chrono::seconds(30));
}

TEST_F(ClientTest, InterruptedWaitStopsRetrying) {
  sleeper_result_ = false;
  server_.Enqueue(CannedResponse{429, {{"Retry-After", "60"}}});
  auto c = MakeClient();
  auto r = c->RequestJob("tok", "s", "", Info());
  EXPECT_EQ(r.kind, RequestJobResult::Kind::kFailed);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(server_.requests().size(), 1u);
}

// ---- PUT /jobs/:id ----------------------------------------------------------------------

TEST_F(ClientTest, UpdateJobSendsExactRequest) {
  server_.Enqueue(CannedResponse{200, {{"Job-Status", "running"}}, "200"});
  auto c = MakeClient();
  JobUpdate u;
  u.state = JobState::kFailed;
  u.failure_reason = "script_failure";
  u.exit_code = 1;
  u.checksum = "crc32:1a2b3c4d";
  u.bytesize = 12345;
  u.info = Info();
  auto r = c->UpdateJob(42, "glcbt-job", u);
  EXPECT_EQ(r.kind, UpdateJobResult::Kind::kOk);
  EXPECT_EQ(r.job_status, "running");
  EXPECT_FALSE(r.update_interval.has_value());
  auto q = server_.requests().at(0);
  EXPECT_EQ(q.method, "PUT");
  EXPECT_EQ(q.path, "/api/v4/jobs/42");
  ExpectCommonHeaders(q);
  EXPECT_EQ(q.Header("JOB-TOKEN"), "glcbt-job");
  EXPECT_EQ(q.Header("Content-Type"), "application/json");
  EXPECT_FALSE(q.HasHeader("RUNNER-TOKEN"));
  EXPECT_EQ(Keys(q.body), (std::vector<std::string>{"info", "token", "state", "failure_reason", "checksum", "output",
                                                    "exit_code"}));
  json body = json::parse(q.body);
  EXPECT_EQ(body["token"], "glcbt-job");
  EXPECT_EQ(body["state"], "failed");
  EXPECT_EQ(body["failure_reason"], "script_failure");
  EXPECT_EQ(body["checksum"], "crc32:1a2b3c4d");
  EXPECT_EQ(body["output"], json::parse(R"({"checksum":"crc32:1a2b3c4d","bytesize":12345})"));
  EXPECT_EQ(body["exit_code"], 1);
}

TEST_F(ClientTest, UpdateJobRunningOmitsEmptyFields) {
  server_.Enqueue(CannedResponse{200});
  auto c = MakeClient();
  JobUpdate u;
  u.state = JobState::kRunning;
  c->UpdateJob(7, "jt", u);
  json body = json::parse(server_.requests().at(0).body);
  EXPECT_EQ(body["state"], "running");
  EXPECT_EQ(body["output"], json::object());
  EXPECT_FALSE(body.contains("exit_code"));
  EXPECT_FALSE(body.contains("failure_reason"));
  EXPECT_FALSE(body.contains("checksum"));
}

TEST_F(ClientTest, UpdateJobInterpretation) {
  using Kind = UpdateJobResult::Kind;
  struct Case {
    CannedResponse response;
    Kind kind;
  };
  std::vector<Case> cases = {
      {CannedResponse{202, {{"X-GitLab-Trace-Update-Interval", "4"}}}, Kind::kAccepted},
      {CannedResponse{412}, Kind::kTraceReset},
      {CannedResponse{404}, Kind::kNotFound},
      {CannedResponse{403, {{"Job-Status", "running"}}}, Kind::kAbort},
      {CannedResponse{200, {{"Job-Status", "canceled"}}}, Kind::kAbort},
      {CannedResponse{202, {{"Job-Status", "failed"}}}, Kind::kAbort},
      {CannedResponse{200, {{"Job-Status", "canceling"}}}, Kind::kOk},
      {CannedResponse{400}, Kind::kFailed},
      {CannedResponse{409}, Kind::kFailed},
  };
  for (const auto& tc : cases) {
    FakeGitLabServer s;
    s.Enqueue(tc.response);
    auto r = MakeClient(s.url())->UpdateJob(1, "jt", JobUpdate{});
    EXPECT_EQ(r.kind, tc.kind) << "status " << tc.response.status;
    EXPECT_EQ(r.status, tc.response.status);
  }
}

TEST_F(ClientTest, UpdateJobAcceptedCarriesInterval) {
  server_.Enqueue(CannedResponse{202, {{"X-GitLab-Trace-Update-Interval", "4"}}});
  auto r = MakeClient()->UpdateJob(1, "jt", JobUpdate{});
  EXPECT_EQ(r.kind, UpdateJobResult::Kind::kAccepted);
  ASSERT_TRUE(r.update_interval.has_value());
  EXPECT_EQ(*r.update_interval, std::chrono::seconds(4));
}

TEST_F(ClientTest, GracefulCancelAndIntervalCap) {
  server_.Enqueue(CannedResponse{200, {{"Job-Status", "canceling"}, {"X-GitLab-Trace-Update-Interval", "3600"}}});
  auto r = MakeClient()->UpdateJob(1, "jt", JobUpdate{});
  EXPECT_EQ(r.kind, UpdateJobResult::Kind::kOk);
  EXPECT_TRUE(r.cancel_requested);
  ASSERT_TRUE(r.update_interval.has_value());
  EXPECT_EQ(*r.update_interval, std::chrono::minutes(15));
}

// ---- PATCH /jobs/:id/trace --------------------------------------------------------------

TEST_F(ClientTest, PatchTraceSendsInclusiveContentRange) {
  server_.Enqueue(CannedResponse{202, {{"Range", "0-4"}, {"X-GitLab-Trace-Update-Interval", "3"}}});
  auto c = MakeClient();
  auto first = c->PatchTrace(9, "jt", 0, "abcd", false);
  EXPECT_EQ(first.kind, PatchTraceResult::Kind::kOk);
  EXPECT_EQ(first.new_offset, 4);
  EXPECT_EQ(*first.update_interval, std::chrono::seconds(3));
  auto second = c->PatchTrace(9, "jt", 4, "e", true);
  EXPECT_EQ(second.new_offset, 5);
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].path, "/api/v4/jobs/9/trace");
  EXPECT_EQ(reqs[0].query.at("debug_trace"), "false");
  EXPECT_EQ(reqs[1].query.at("debug_trace"), "true");
  EXPECT_EQ(reqs[0].Header("Content-Range"), "0-3");
  EXPECT_EQ(reqs[1].Header("Content-Range"), "4-4");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "text/plain");
  EXPECT_EQ(reqs[0].Header("JOB-TOKEN"), "jt");
  EXPECT_FALSE(reqs[0].HasHeader("RUNNER-TOKEN"));
  ExpectCommonHeaders(reqs[0]);
  EXPECT_EQ(reqs[0].body, "abcd");
  EXPECT_EQ(reqs[1].body, "e");
}

TEST_F(ClientTest, PatchTraceRangeMismatchRecovers) {
  server_.Enqueue(CannedResponse{416, {{"Range", "0-2"}}});
  auto r = MakeClient()->PatchTrace(9, "jt", 5, "xyz", false);
  EXPECT_EQ(r.kind, PatchTraceResult::Kind::kRangeMismatch);
  EXPECT_EQ(r.new_offset, 2);
}

TEST_F(ClientTest, PatchTraceOutcomes) {
  using Kind = PatchTraceResult::Kind;
  struct Case {
    CannedResponse response;
    Kind kind;
  };
  std::vector<Case> cases = {
      {CannedResponse{200}, Kind::kFailed},  // only 202 is success
      {CannedResponse{404}, Kind::kNotFound},
      {CannedResponse{403}, Kind::kAbort},
      {CannedResponse{202, {{"Job-Status", "canceled"}}}, Kind::kAbort},
      {CannedResponse{416}, Kind::kFailed},  // no Range to recover from
      {CannedResponse{400}, Kind::kFailed},
  };
  for (const auto& tc : cases) {
    FakeGitLabServer s;
    s.Enqueue(tc.response);
    auto r = MakeClient(s.url())->PatchTrace(1, "jt", 10, "abc", false);
    EXPECT_EQ(r.kind, tc.kind) << "status " << tc.response.status;
    EXPECT_EQ(r.new_offset, 10);
  }
}

TEST_F(ClientTest, PatchTraceGracefulCancel) {
  server_.Enqueue(CannedResponse{202, {{"Job-Status", "canceling"}}});
  auto r = MakeClient()->PatchTrace(1, "jt", 0, "abc", false);
  EXPECT_EQ(r.kind, PatchTraceResult::Kind::kOk);
  EXPECT_TRUE(r.cancel_requested);
}

TEST_F(ClientTest, EmptyPatchIsNotSent) {
  auto r = MakeClient()->PatchTrace(1, "jt", 10, "", false);
  EXPECT_EQ(r.kind, PatchTraceResult::Kind::kOk);
  EXPECT_EQ(r.new_offset, 10);
  EXPECT_TRUE(server_.requests().empty());
}

// ---- runner-level calls -----------------------------------------------------------------

TEST_F(ClientTest, RegisterRunner) {
  server_.Enqueue(Json(201, Fixture("runners_register_response.json")));
  auto c = MakeClient(server_.url() + "/ci/");
  RegisterParams p;
  p.registration_token = "GR1348941secret";
  p.description = "my runner";
  p.tags = {"docker", "linux"};
  p.run_untagged = false;
  p.locked = true;
  p.access_level = "not_protected";
  p.maximum_timeout = 3600;
  p.info = Info();
  auto r = c->RegisterRunner(p);
  ASSERT_OK(r);
  EXPECT_EQ(r->id, 12345);
  EXPECT_EQ(r->token, "6337ff461c94fd3fa32ba3b1ff4125");
  EXPECT_EQ(r->token_expires_at, "2021-09-27T21:05:03.203Z");
  EXPECT_EQ(r->token_obtained_at, clock_.Now());
  auto q = server_.requests().at(0);
  EXPECT_EQ(q.method, "POST");
  EXPECT_EQ(q.path, "/api/v4/runners");
  ExpectCommonHeaders(q);
  EXPECT_EQ(q.Header("RUNNER-TOKEN"), "GR1348941secret");
  EXPECT_EQ(q.Header("Accept"), "application/json");
  EXPECT_EQ(Keys(q.body), (std::vector<std::string>{"token", "description", "tag_list", "run_untagged", "locked",
                                                    "paused", "access_level", "maximum_timeout", "info"}));
  json body = json::parse(q.body);
  EXPECT_EQ(body["tag_list"], "docker,linux");
  EXPECT_EQ(body["run_untagged"], false);
  EXPECT_EQ(body["locked"], true);
  EXPECT_EQ(body["paused"], false);
  EXPECT_EQ(body["maximum_timeout"], 3600);
}

TEST_F(ClientTest, RegisterRunnerErrors) {
  server_.Enqueue(Json(403, R"({"message":"403 Forbidden"})"));
  RegisterParams p;
  p.registration_token = "bad-secret";
  auto r = MakeClient()->RegisterRunner(p);
  EXPECT_EQ(r.status().code(), util::Status::Code::kPermissionDenied);
  EXPECT_NE(r.status().message().find("check registration token"), std::string::npos);
  EXPECT_EQ(r.status().message().find("bad-secret"), std::string::npos);

  FakeGitLabServer s;
  s.Enqueue(Json(410, R"({"message":"410 Gone"})"));
  EXPECT_EQ(MakeClient(s.url())->RegisterRunner(p).status().code(), util::Status::Code::kFailedPrecondition);
}

TEST_F(ClientTest, VerifyRunnerJsonAndLegacyText) {
  server_.Enqueue(Json(200, Fixture("runners_verify_response.json")));
  auto c = MakeClient();
  auto r = c->VerifyRunner("glrt-6337ff461c94fd3fa32ba3b1ff4125", "s_0123456789ab", Info());
  ASSERT_OK(r);
  EXPECT_EQ(r->id, 12345);
  EXPECT_EQ(r->token, "glrt-6337ff461c94fd3fa32ba3b1ff4125");
  auto q = server_.requests().at(0);
  EXPECT_EQ(q.path, "/api/v4/runners/verify");
  EXPECT_EQ(q.Header("RUNNER-TOKEN"), "glrt-6337ff461c94fd3fa32ba3b1ff4125");
  EXPECT_EQ(Keys(q.body), (std::vector<std::string>{"token", "system_id", "info"}));

  FakeGitLabServer legacy;
  legacy.Enqueue(CannedResponse{200, {}, "200"});
  auto l = MakeClient(legacy.url())->VerifyRunner("oldtoken", "s_1", Info());
  ASSERT_OK(l);
  EXPECT_EQ(l->id, 0);
  EXPECT_EQ(l->token, "oldtoken");

  FakeGitLabServer bad;
  bad.Enqueue(Json(403, R"({"message":"403 Forbidden"})"));
  EXPECT_EQ(MakeClient(bad.url())->VerifyRunner("x", "s", Info()).status().code(),
            util::Status::Code::kPermissionDenied);
}

TEST_F(ClientTest, UnregisterRunnerAndManager) {
  server_.Enqueue(CannedResponse{204});
  auto c = MakeClient();
  EXPECT_TRUE(c->UnregisterRunner("tok").ok());
  EXPECT_TRUE(c->UnregisterManager("glrt-tok", "s_1").ok());
  auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(reqs[0].path, "/api/v4/runners");
  EXPECT_EQ(reqs[0].body, R"({"token":"tok"})");
  EXPECT_EQ(reqs[0].Header("RUNNER-TOKEN"), "tok");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[1].method, "DELETE");
  EXPECT_EQ(reqs[1].path, "/api/v4/runners/managers");
  EXPECT_EQ(reqs[1].body, R"({"token":"glrt-tok","system_id":"s_1"})");

  FakeGitLabServer s;
  s.Enqueue(Json(404, R"({"message":"404 Runner manager not found"})"));
  EXPECT_EQ(MakeClient(s.url())->UnregisterManager("glrt-tok", "s_1").code(), util::Status::Code::kNotFound);
  FakeGitLabServer s2;
  s2.Enqueue(CannedResponse{200});
  EXPECT_FALSE(MakeClient(s2.url())->UnregisterRunner("tok").ok());
}

TEST_F(ClientTest, ResetToken) {
  server_.Enqueue(Json(201, Fixture("runners_reset_authentication_token_response.json")));
  auto r = MakeClient()->ResetToken("old");
  ASSERT_OK(r);
  EXPECT_EQ(r->token, "6337ff461c94fd3fa32ba3b1ff4125");
  EXPECT_EQ(r->token_expires_at, "2021-09-27T21:05:03.203Z");
  auto q = server_.requests().at(0);
  EXPECT_EQ(q.path, "/api/v4/runners/reset_authentication_token");
  EXPECT_EQ(q.body, R"({"token":"old"})");
}

TEST_F(ClientTest, ReusesConnections) {
  server_.Enqueue(CannedResponse{204});
  auto c = MakeClient();
  for (int i = 0; i < 3; ++i) c->RequestJob("tok", "s", "", Info());
  auto ports = server_.remote_ports();
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0], ports[1]);
  EXPECT_EQ(ports[1], ports[2]);
}

}  // namespace
}  // namespace gitlab

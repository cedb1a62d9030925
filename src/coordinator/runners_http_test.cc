#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

using RunnersHttpTest = CoordinatorHttpTest;

TEST_F(RunnersHttpTest, RegisterAnswers201WithLegacyToken) {
  auto r = Post("/api/v4/runners", {{"token", kRegistrationToken}, {"tag_list", "docker, linux"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  json b = json::parse(r->body);
  EXPECT_GT(b["id"].get<int64_t>(), 0);
  EXPECT_EQ(b["token"].get<std::string>().rfind("glrtr-", 0), 0u);
  EXPECT_TRUE(b["token_expires_at"].is_null());
  auto runners = coord_->ListRunners();
  ASSERT_EQ(runners.size(), 1u);
  EXPECT_EQ(runners[0].tags, (std::vector<std::string>{"docker", "linux"}));
}

TEST_F(RunnersHttpTest, RegisterRejectsBadAndMissingTokens) {
  auto bad = Post("/api/v4/runners", {{"token", "nope"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_EQ(json::parse(bad->body)["message"], "403 Forbidden");
  auto missing = Post("/api/v4/runners", {{"description", "x"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(json::parse(missing->body)["error"], "token is missing");
  auto both = Post("/api/v4/runners", {{"token", kRegistrationToken}, {"paused", true}, {"active", true}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
}

TEST_F(RunnersHttpTest, RegisterAcceptsFormEncoding) {
  auto r = Client()->Post("/api/v4/runners", RunnerHeaders(),
                          std::string("token=") + kRegistrationToken +
                              "&description=form&run_untagged=false&tag_list=a,b&maximum_timeout=600",
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  auto runners = coord_->ListRunners();
  ASSERT_EQ(runners.size(), 1u);
  EXPECT_FALSE(runners[0].run_untagged);
  EXPECT_EQ(runners[0].maximum_timeout, 600);
  EXPECT_EQ(runners[0].tags.size(), 2u);
  auto bad = Client()->Post("/api/v4/runners", RunnerHeaders(),
                            std::string("token=") + kRegistrationToken + "&locked=maybe",
                            "application/x-www-form-urlencoded");
  EXPECT_EQ(bad->status, 400);
}

TEST_F(RunnersHttpTest, RegisterIsGoneWithoutAnyRegistrationToken) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.registration_token.clear();
  Start(o);
  auto r = Post("/api/v4/runners", {{"token", "anything"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  const std::string made = coord_->CreateRegistrationToken();
  auto ok = Post("/api/v4/runners", {{"token", made}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

TEST_F(RunnersHttpTest, VerifyLegacyAndCreatedTokens) {
  const std::string legacy = RegisterRunner();
  auto v = Post("/api/v4/runners/verify", {{"token", legacy}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->status, 200);
  EXPECT_EQ(json::parse(v->body)["token"], legacy);

  json created = coord_->CreateRunner({{"description", "ui"}}).JsonBody();
  const std::string glrt = created["token"];
  ASSERT_EQ(glrt.rfind("glrt-", 0), 0u);
  auto no_system = Post("/api/v4/runners/verify", {{"token", glrt}});
  ASSERT_TRUE(no_system);
  EXPECT_EQ(no_system->status, 400);
  auto ok = Post("/api/v4/runners/verify", {{"token", glrt}, {"system_id", "s_0123456789ab"},
                                            {"info", {{"features", Features()}}}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  json b = json::parse(ok->body);
  EXPECT_EQ(b["id"], created["id"]);
  EXPECT_TRUE(b.contains("token_expires_at"));

  auto bad = Post("/api/v4/runners/verify", {{"token", "glrt-unknown"}, {"system_id", "s_1"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
}

TEST_F(RunnersHttpTest, DeleteRunner) {
  const std::string token = RegisterRunner();
  auto missing = Delete("/api/v4/runners", json::object());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  auto ok = Delete("/api/v4/runners", {{"token", token}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  auto again = Delete("/api/v4/runners", {{"token", token}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 403);
}

TEST_F(RunnersHttpTest, DeleteRunnerManager) {
  const std::string glrt = coord_->CreateRunner(json::object()).JsonBody()["token"];
  ASSERT_EQ(Post("/api/v4/runners/verify", {{"token", glrt}, {"system_id", "s_aaaaaaaaaaaa"}})->status, 200);
  auto no_sid = Delete("/api/v4/runners/managers", {{"token", glrt}});
  ASSERT_TRUE(no_sid);
  EXPECT_EQ(no_sid->status, 400);
  auto unknown = Delete("/api/v4/runners/managers", {{"token", glrt}, {"system_id", "s_bbbbbbbbbbbb"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  auto bad = Delete("/api/v4/runners/managers", {{"token", "glrt-x"}, {"system_id", "s_aaaaaaaaaaaa"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  auto ok = Delete("/api/v4/runners/managers", {{"token", glrt}, {"system_id", "s_aaaaaaaaaaaa"}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
  EXPECT_EQ(coord_->ListRunners().size(), 1u);  // the runner itself survives
}

TEST_F(RunnersHttpTest, ResetAuthenticationToken) {
  const std::string old = RegisterRunner();
  auto r = Post("/api/v4/runners/reset_authentication_token", {{"token", old}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  json b = json::parse(r->body);
  const std::string fresh = b["token"];
  EXPECT_NE(fresh, old);
  EXPECT_EQ(fresh.rfind("glrtr-", 0), 0u);
  EXPECT_TRUE(b["token_expires_at"].is_null());
  EXPECT_EQ(Post("/api/v4/runners/verify", {{"token", old}})->status, 403);
  EXPECT_EQ(Post("/api/v4/runners/verify", {{"token", fresh}})->status, 200);
  EXPECT_EQ(Post("/api/v4/runners/reset_authentication_token", {{"token", old}})->status, 403);
}

TEST_F(RunnersHttpTest, RequestsAreLoggedWithRunnerHeaders) {
  RegisterRunner();
  auto log = coord_->request_log().Entries("runners_register");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(log[0].request_id_ok);
  EXPECT_EQ(log[0].Header("user-agent"), kUserAgent);
  EXPECT_EQ(log[0].status, 201);
  EXPECT_FALSE(IsValidRequestId("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(IsValidRequestId("0123456789abcdef"));
}

}  // namespace
}  // namespace coordinator::testing

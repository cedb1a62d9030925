#include <future>

#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

using AdminHttpTest = CoordinatorHttpTest;

TEST_F(AdminHttpTest, EnqueueInspectAndCancel) {
  auto created = Client()->Post("/admin/jobs", json({{"name", "lint"}, {"script", {"make lint"}}}).dump(),
                                "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  const int64_t id = json::parse(created->body)["id"];
  auto got = Client()->Get(("/admin/jobs/" + std::to_string(id)).c_str());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  json j = json::parse(got->body);
  EXPECT_EQ(j["state"], "pending");
  EXPECT_EQ(j["name"], "lint");
  EXPECT_TRUE(j["failure_reason"].is_null());
  EXPECT_TRUE(j["checksum_ok"].is_null());
  EXPECT_EQ(j["checksum"], "crc32:00000000");
  auto cancel = Client()->Post(("/admin/jobs/" + std::to_string(id) + "/cancel").c_str());
  ASSERT_TRUE(cancel);
  EXPECT_EQ(json::parse(cancel->body)["state"], "canceled");
  EXPECT_EQ(Client()->Post(("/admin/jobs/" + std::to_string(id) + "/cancel?force=true").c_str())->status, 409);
  EXPECT_EQ(Client()->Get("/admin/jobs/999")->status, 404);
  auto list = Client()->Get("/admin/jobs");
  EXPECT_EQ(json::parse(list->body).size(), 1u);
}

TEST_F(AdminHttpTest, BadSpecIs400) {
  auto r = Client()->Post("/admin/jobs", json({{"name", "x"}}).dump(), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("script"), std::string::npos);
  EXPECT_EQ(Client()->Post("/admin/jobs", "{", "application/json")->status, 400);
  EXPECT_EQ(Client()->Post("/admin/jobs", json({{"script", "x"}, {"timeout", "5 fortnights"}}).dump(),
                           "application/json")
                ->status,
            400);
}

TEST_F(AdminHttpTest, RunnersAndRegistrationTokens) {
  auto tok = Client()->Post("/admin/runners/registration_tokens");
  ASSERT_EQ(tok->status, 201);
  const std::string reg = json::parse(tok->body)["token"];
  EXPECT_EQ(reg.rfind("GR1348941", 0), 0u);
  EXPECT_EQ(Post("/api/v4/runners", {{"token", reg}})->status, 201);
  auto ui = Client()->Post("/admin/runners", json({{"tag_list", {"docker"}}, {"run_untagged", false}}).dump(),
                           "application/json");
  ASSERT_EQ(ui->status, 201);
  EXPECT_EQ(json::parse(ui->body)["token"].get<std::string>().rfind("glrt-", 0), 0u);
  auto list = json::parse(Client()->Get("/admin/runners")->body);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["tags"], json({"docker"}));
  EXPECT_FALSE(list[1]["run_untagged"].get<bool>());
}

TEST_F(AdminHttpTest, RequestLogAndWait) {
  const std::string runner = RegisterRunner();
  const int64_t id = Enqueue({{"script", {"true"}}});
  const std::string token = TakeJob(runner)["token"];
  auto log = json::parse(Client()->Get("/admin/requests?endpoint=jobs_request")->body);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["status"], 201);
  EXPECT_TRUE(log[0]["request_id_ok"].get<bool>());
  EXPECT_EQ(log[0]["headers"]["runner-token"], runner);

  auto waiter = std::async(std::launch::async, [&] {
    return Client()->Get(("/admin/jobs/" + std::to_string(id) + "?wait=20&payload=true").c_str());
  });
  Patch(id, token, "0-5", "hello\n");
  Put(id, token, {{"state", "success"}});
  auto done = waiter.get();
  ASSERT_TRUE(done);
  json j = json::parse(done->body);
  EXPECT_EQ(j["state"], "success");
  EXPECT_EQ(j["trace"], "hello\n");
  EXPECT_EQ(j["payload"]["id"], id);
  EXPECT_EQ(j["updates"], 1);
  EXPECT_EQ(Client()->Delete("/admin/requests")->status, 204);
  EXPECT_TRUE(coord_->request_log().Entries().empty());
}

TEST_F(AdminHttpTest, AdminTokenIsEnforced) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.admin_token = "sekrit";
  Start(o);
  EXPECT_EQ(Client()->Get("/admin/jobs")->status, 401);
  EXPECT_EQ(Client()->Get("/admin/jobs", {{"PRIVATE-TOKEN", "sekrit"}})->status, 200);
  EXPECT_EQ(Client()->Get("/admin/jobs", {{"Authorization", "Bearer sekrit"}})->status, 200);
  EXPECT_EQ(Client()->Get("/admin/jobs", {{"Authorization", "Bearer nope"}})->status, 401);
}

TEST_F(AdminHttpTest, UnknownPathsAre404Json) {
  auto r = Client()->Get("/api/v4/nothing");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["message"], "404 Not Found");
}

}  // namespace
}  // namespace coordinator::testing

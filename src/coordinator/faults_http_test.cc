#include <chrono>

#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

using FaultsHttpTest = CoordinatorHttpTest;

TEST_F(FaultsHttpTest, StatusWithRetryAfterForNextNRequests) {
  const std::string token = RegisterRunner();
  Fault f;
  f.status = 429;
  f.retry_after_seconds = 7;
  f.count = 2;
  coord_->faults().Add("jobs_request", f);
  for (int i = 0; i < 2; ++i) {
    auto r = RequestJob(token);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->get_header_value("Retry-After"), "7");
    EXPECT_EQ(json::parse(r->body)["message"], "429 Too Many Requests");
  }
  EXPECT_EQ(RequestJob(token)->status, 204);
  auto log = coord_->request_log().Entries("jobs_request");
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].fault, "status");
  EXPECT_EQ(log[2].fault, "");
}

TEST_F(FaultsHttpTest, WildcardAppliesToAnyRunnerEndpoint) {
  coord_->faults().Add("*", Fault{});
  EXPECT_EQ(Post("/api/v4/runners", {{"token", kRegistrationToken}})->status, 503);
  EXPECT_EQ(Post("/api/v4/runners", {{"token", kRegistrationToken}})->status, 201);
}

TEST_F(FaultsHttpTest, DropClosesTheConnection) {
  const std::string token = RegisterRunner();
  Fault f;
  f.kind = FaultKind::kDrop;
  f.status = 201;
  coord_->faults().Add("jobs_request", f);
  auto r = RequestJob(token);
  EXPECT_FALSE(r);  // headers then EOF before the announced body
  EXPECT_EQ(RequestJob(token)->status, 204);
}

TEST_F(FaultsHttpTest, GarbageBody) {
  const std::string token = RegisterRunner();
  Enqueue({{"script", {"true"}}});
  Fault f;
  f.kind = FaultKind::kGarbage;
  f.status = 201;
  coord_->faults().Add("jobs_request", f);
  auto r = RequestJob(token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_TRUE(json::parse(r->body, nullptr, false).is_discarded());
  EXPECT_EQ(RequestJob(token)->status, 201);  // the job was not consumed by the garbage answer
}

TEST_F(FaultsHttpTest, StallDelaysThenAnswers) {
  const std::string token = RegisterRunner();
  Fault f;
  f.kind = FaultKind::kStall;
  f.stall = std::chrono::milliseconds(300);
  coord_->faults().Add("jobs_request", f);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(RequestJob(token)->status, 204);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST_F(FaultsHttpTest, ArmedThroughAdminApi) {
  auto r = Client()->Post("/admin/faults",
                          json({{"endpoint", "jobs_update"}, {"kind", "status"}, {"status", 502}}).dump(),
                          "application/json");
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(Client()->Post("/admin/faults", json({{"endpoint", "x"}, {"kind", "boom"}}).dump(), "application/json")
                ->status,
            400);
  const std::string runner = RegisterRunner();
  const int64_t id = Enqueue({{"script", {"true"}}});
  const std::string token = TakeJob(runner)["token"];
  EXPECT_EQ(Put(id, token, {{"state", "running"}})->status, 502);
  EXPECT_EQ(Client()->Delete("/admin/faults")->status, 204);
  EXPECT_EQ(Put(id, token, {{"state", "running"}})->status, 200);
}

}  // namespace
}  // namespace coordinator::testing

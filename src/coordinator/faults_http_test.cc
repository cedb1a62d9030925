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

// A coordinator that answers every job request at once with 204, whatever the queue holds:
// bare (as if a long poll had ended) or with a new queue cursor each time.
TEST_F(FaultsHttpTest, NoContentAnswersAtOnceBareOrWithAFreshCursor) {
  const std::string token = RegisterRunner();
  Enqueue({{"script", {"true"}}});
  auto parsed = FaultInjector::FromJson({{"endpoint", "jobs_request"}, {"kind", "no_content"}, {"count", 2}});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  coord_->faults().Add(parsed->first, parsed->second);
  auto bare = RequestJob(token);
  EXPECT_EQ(bare->status, 204);
  EXPECT_FALSE(bare->has_header("X-GitLab-Last-Update"));
  Fault fresh;
  fresh.kind = FaultKind::kNoContent;
  fresh.fresh_cursor = true;
  fresh.count = 2;
  coord_->faults().Clear();
  coord_->faults().Add("jobs_request", fresh);
  const std::string a = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  const std::string b = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  EXPECT_FALSE(a.empty());
  EXPECT_NE(a, b);
  EXPECT_EQ(RequestJob(token)->status, 201);  // the job was there all along
  EXPECT_EQ(coord_->request_log().Entries("jobs_request")[0].fault, "no_content");
}

// kDrop with a stall: the connection dies during what looks like a hold.
TEST_F(FaultsHttpTest, DropAfterAHold) {
  const std::string token = RegisterRunner();
  Fault f;
  f.kind = FaultKind::kDrop;
  f.stall = std::chrono::milliseconds(300);
  coord_->faults().Add("jobs_request", f);
  const auto start = std::chrono::steady_clock::now();
  auto r = RequestJob(token);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
  EXPECT_FALSE(r);  // headers then EOF before the announced body
  EXPECT_EQ(RequestJob(token)->status, 204);
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

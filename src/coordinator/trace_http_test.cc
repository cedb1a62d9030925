#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

class TraceHttpTest : public CoordinatorHttpTest {
 protected:
  std::pair<int64_t, std::string> Running() {
    const std::string runner = RegisterRunner();
    const int64_t id = Enqueue({{"script", {"true"}}});
    return {id, TakeJob(runner).value("token", "")};
  }
};

TEST_F(TraceHttpTest, AppendsChunksWithInclusiveRanges) {
  auto [id, token] = Running();
  auto r = Patch(id, token, "0-3", "abcd");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->get_header_value("Range"), "0-4");
  EXPECT_EQ(r->get_header_value("Job-Status"), "running");
  EXPECT_EQ(r->get_header_value("X-GitLab-Trace-Update-Interval"), "60");
  EXPECT_EQ(Patch(id, token, "4-4", "e")->get_header_value("Range"), "0-5");
  JobRecord j = Job(id);
  EXPECT_EQ(j.trace, "abcde");
  EXPECT_EQ(j.trace_patch_count, 2);
  EXPECT_TRUE(j.validation_errors.empty());
}

TEST_F(TraceHttpTest, WrongStartIs416WithCurrentLength) {
  auto [id, token] = Running();
  Patch(id, token, "0-2", "abc");
  for (const char* range : {"0-2", "5-6"}) {
    auto r = Patch(id, token, range, "xy");
    EXPECT_EQ(r->status, 416) << range;
    EXPECT_EQ(r->get_header_value("Range"), "0-3");
  }
  EXPECT_EQ(Job(id).trace, "abc");
}

TEST_F(TraceHttpTest, MissingOrMalformedContentRangeIs400) {
  auto [id, token] = Running();
  EXPECT_EQ(Patch(id, token, "", "abc")->status, 400);
  EXPECT_EQ(Patch(id, token, "abc", "abc")->status, 400);
  EXPECT_EQ(Patch(id, token, "-1-2", "abc")->status, 400);
}

TEST_F(TraceHttpTest, ExclusiveEndIsAcceptedButRecorded) {
  auto [id, token] = Running();
  EXPECT_EQ(Patch(id, token, "0-3", "abc")->status, 202);
  JobRecord j = Job(id);
  ASSERT_EQ(j.validation_errors.size(), 1u);
  EXPECT_NE(j.validation_errors[0].find("exclusive end"), std::string::npos);
}

TEST_F(TraceHttpTest, AuthAndJobState) {
  auto [id, token] = Running();
  EXPECT_EQ(Patch(999, token, "0-0", "a")->status, 404);
  EXPECT_EQ(Patch(id, "glcbt-wrong", "0-0", "a")->status, 403);
  Put(id, token, {{"state", "success"}});
  auto r = Patch(id, token, "0-0", "a");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("Job-Status"), "success");
}

TEST_F(TraceHttpTest, DebugTraceIsRecorded) {
  auto [id, token] = Running();
  Patch(id, token, "0-0", "a", "?debug_trace=false");
  EXPECT_FALSE(Job(id).debug_trace);
  Patch(id, token, "1-1", "b", "?debug_trace=true");
  EXPECT_TRUE(Job(id).debug_trace);
  auto log = coord_->request_log().Entries("jobs_trace");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].query, "debug_trace=true");
  EXPECT_EQ(log[1].Header("job-token"), token);
}

TEST_F(TraceHttpTest, SizeLimitFailsTheJob) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.trace_size_limit_bytes = 4;
  o.trace_update_interval_seconds = 3;
  Start(o);
  auto [id, token] = Running();
  auto ok = Patch(id, token, "0-2", "abc");
  EXPECT_EQ(ok->status, 202);
  EXPECT_EQ(ok->get_header_value("X-GitLab-Trace-Update-Interval"), "3");
  auto over = Patch(id, token, "3-4", "de");
  EXPECT_EQ(over->status, 403);
  EXPECT_EQ(over->get_header_value("Job-Status"), "failed");
  JobRecord j = Job(id);
  EXPECT_EQ(j.state, JobState::kFailed);
  EXPECT_EQ(j.failure_reason, "trace_size_exceeded");
  EXPECT_EQ(j.trace, "abc");
}

}  // namespace
}  // namespace coordinator::testing

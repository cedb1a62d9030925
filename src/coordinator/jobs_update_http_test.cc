#include "coordinator/test_support.h"
#include "coordinator/trace_checksum.h"

namespace coordinator::testing {
namespace {

class JobsUpdateHttpTest : public CoordinatorHttpTest {
 protected:
  // Queues a job, gives it to a fresh runner; returns {id, job token}.
  std::pair<int64_t, std::string> Running(const json& features = Features()) {
    const std::string runner = RegisterRunner();
    const int64_t id = Enqueue({{"script", {"true"}}});
    json p = TakeJob(runner, features);
    return {id, p.value("token", "")};
  }
  json Output(const std::string& trace) {
    return {{"checksum", TraceChecksum(trace)}, {"bytesize", trace.size()}};
  }
};

TEST_F(JobsUpdateHttpTest, KeepAliveAndSuccess) {
  auto [id, token] = Running();
  auto alive = Put(id, token, {{"state", "running"}, {"output", json::object()}});
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200);
  EXPECT_EQ(alive->get_header_value("Job-Status"), "running");
  ASSERT_EQ(Patch(id, token, "0-4", "hello")->status, 202);
  auto done = Put(id, token, {{"state", "success"}, {"output", Output("hello")}, {"checksum", TraceChecksum("hello")}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->get_header_value("Job-Status"), "success");
  JobRecord j = Job(id);
  EXPECT_EQ(j.state, JobState::kSuccess);
  EXPECT_EQ(j.checksum_ok, true);
  EXPECT_EQ(j.bytesize_ok, true);
  EXPECT_EQ(j.update_count, 2);
  EXPECT_TRUE(j.validation_errors.empty()) << j.validation_errors[0];
  // Finished: further updates are refused with the status.
  auto late = Put(id, token, {{"state", "running"}});
  EXPECT_EQ(late->status, 403);
  EXPECT_EQ(late->get_header_value("Job-Status"), "success");
}

TEST_F(JobsUpdateHttpTest, FailedWithReasonAndExitCode) {
  auto [id, token] = Running();
  auto r = Put(id, token, {{"state", "failed"}, {"failure_reason", "script_failure"}, {"exit_code", 42},
                           {"output", Output("")}});
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Job-Status"), "failed");
  JobRecord j = Job(id);
  EXPECT_EQ(j.failure_reason, "script_failure");
  EXPECT_EQ(j.exit_code, 42);
}

TEST_F(JobsUpdateHttpTest, UnknownFailureReasonIsStoredAsUnknown) {
  auto [id, token] = Running();
  Put(id, token, {{"state", "failed"}, {"failure_reason", "image_pull_failure"}, {"output", Output("")}});
  JobRecord j = Job(id);
  EXPECT_EQ(j.failure_reason, "unknown_failure");
  EXPECT_EQ(j.validation_errors.size(), 1u);
}

TEST_F(JobsUpdateHttpTest, AuthAndValidation) {
  auto [id, token] = Running();
  EXPECT_EQ(Put(999, token, {{"state", "running"}})->status, 404);
  EXPECT_EQ(Put(id, "glcbt-wrong", {{"state", "running"}})->status, 403);
  auto header_only = Client()->Put(("/api/v4/jobs/" + std::to_string(id)).c_str(), JobHeaders(token),
                                   json({{"state", "running"}}).dump(), "application/json");
  EXPECT_EQ(header_only->status, 200);
  auto bad_state = Put(id, token, {{"state", "done"}});
  EXPECT_EQ(bad_state->status, 400);
  EXPECT_EQ(bad_state->get_header_value("Job-Status"), "running");
  EXPECT_EQ(Put(id, token, json::object())->status, 400);
  Put(id, token, {{"state", "running"}, {"failure_reason", "script_failure"}});
  EXPECT_GE(Job(id).validation_errors.size(), 2u);  // header-only token, failure_reason on running
}

TEST_F(JobsUpdateHttpTest, ChecksumMismatchIsRecorded) {
  auto [id, token] = Running();
  ASSERT_EQ(Patch(id, token, "0-2", "abc")->status, 202);
  auto r = Put(id, token, {{"state", "success"}, {"output", {{"checksum", "crc32:00000000"}, {"bytesize", 4}}}});
  EXPECT_EQ(r->status, 200);
  JobRecord j = Job(id);
  EXPECT_EQ(j.checksum_ok, false);
  EXPECT_EQ(j.bytesize_ok, false);
  EXPECT_EQ(j.validation_errors.size(), 2u);
}

TEST_F(JobsUpdateHttpTest, FinalUpdateAnswered202ThenAccepted) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.final_update_accept_after = 2;
  o.final_update_retry_interval_seconds = 1;
  Start(o);
  auto [id, token] = Running();
  for (int i = 0; i < 2; ++i) {
    auto r = Put(id, token, {{"state", "success"}, {"output", Output("")}});
    EXPECT_EQ(r->status, 202);
    EXPECT_EQ(r->get_header_value("X-GitLab-Trace-Update-Interval"), "1");
    EXPECT_EQ(r->get_header_value("Job-Status"), "running");
  }
  EXPECT_EQ(Put(id, token, {{"state", "success"}, {"output", Output("")}})->status, 200);
  EXPECT_EQ(Job(id).final_update_count, 3);
  EXPECT_EQ(Job(id).state, JobState::kSuccess);
}

TEST_F(JobsUpdateHttpTest, ChecksumMismatchCanAsk412AndTraceReset) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.reset_trace_on_mismatch = true;
  Start(o);
  auto [id, token] = Running();
  ASSERT_EQ(Patch(id, token, "0-2", "abX")->status, 202);
  auto r = Put(id, token, {{"state", "success"}, {"output", Output("abc")}});
  EXPECT_EQ(r->status, 412);
  EXPECT_EQ(Job(id).trace, "");
  ASSERT_EQ(Patch(id, token, "0-2", "abc")->status, 202);
  EXPECT_EQ(Put(id, token, {{"state", "success"}, {"output", Output("abc")}})->status, 200);
  EXPECT_EQ(Job(id).checksum_ok, true);
}

TEST_F(JobsUpdateHttpTest, TwoPhaseCommit) {
  auto [id, token] = Running(Features({{"two_phase_job_commit", true}}));
  JobRecord j = Job(id);
  EXPECT_EQ(j.state, JobState::kPending);
  EXPECT_TRUE(j.awaiting_ack);
  EXPECT_EQ(Patch(id, token, "0-0", "x")->status, 403);
  auto keep = Put(id, token, {{"state", "pending"}});
  EXPECT_EQ(keep->status, 200);
  EXPECT_EQ(keep->get_header_value("Job-Status"), "pending");
  EXPECT_EQ(Put(id, token, {{"state", "success"}})->status, 400);
  auto ack = Put(id, token, {{"state", "running"}});
  EXPECT_EQ(ack->status, 200);
  EXPECT_EQ(ack->get_header_value("Job-Status"), "running");
  EXPECT_EQ(Job(id).state, JobState::kRunning);
  EXPECT_EQ(Put(id, token, {{"state", "pending"}})->status, 400);
}

TEST_F(JobsUpdateHttpTest, TwoPhaseJobIsRequeuedWithoutAck) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.two_phase_ack_timeout = std::chrono::seconds(0);
  Start(o);
  const std::string runner = RegisterRunner();
  const int64_t id = Enqueue({{"script", {"true"}}});
  json first = TakeJob(runner, Features({{"two_phase_job_commit", true}}));
  json second = TakeJob(runner);  // the ack window passed: the job is given out again
  EXPECT_EQ(second["id"], id);
  EXPECT_NE(second["token"], first["token"]);
  EXPECT_EQ(Put(id, first["token"], {{"state", "running"}})->status, 403);
}

}  // namespace
}  // namespace coordinator::testing

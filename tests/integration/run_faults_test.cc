// A coordinator that answers garbage, drops connections, stalls or fails: the runner
// retries by the protocol's rules, the job still ends right (trace checksum included),
// and the manager keeps serving the next jobs. Shell executor.
#include "tests/integration/harness.h"

namespace itest {
namespace {

using coordinator::Fault;
using coordinator::FaultKind;
using coordinator::JobState;

Fault Make(FaultKind kind, int status, int count) {
  Fault f;
  f.kind = kind;
  f.status = status;
  f.count = count;
  f.retry_after_seconds = kind == FaultKind::kStatus ? 1 : -1;
  return f;
}

TEST(RunFaultsTest, JobRequestAnsweredWithGarbageDropsAndErrors) {
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  h.coord().faults().Add("jobs_request", Make(FaultKind::kGarbage, 201, 1));
  h.coord().faults().Add("jobs_request", Make(FaultKind::kDrop, 201, 1));
  h.coord().faults().Add("jobs_request", Make(FaultKind::kStatus, 500, 1));
  int64_t id = h.Enqueue(RunnerHarness::Spec({"echo survived-the-faults"}));
  h.StartManager();
  auto job = h.Wait(id, 60);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("survived-the-faults"), std::string::npos);
  EXPECT_TRUE(job.checksum_ok.value_or(false));
  auto log = h.coord().request_log().Entries("jobs_request");
  int faulted = 0;
  for (const auto& e : log) faulted += e.fault.empty() ? 0 : 1;
  EXPECT_EQ(faulted, 3);

  int64_t next = h.Enqueue(RunnerHarness::Spec({"echo next-job"}));
  EXPECT_EQ(h.Wait(next, 60).state, JobState::kSuccess);
}

// The first update is the two-phase acknowledgement: a dropped answer is retried.
TEST(RunFaultsTest, TraceAndUpdateFaultsDoNotLoseOutput) {
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  h.StartManager();
  h.coord().faults().Add("jobs_trace", Make(FaultKind::kDrop, 202, 2));
  h.coord().faults().Add("jobs_trace", Make(FaultKind::kStatus, 503, 2));
  h.coord().faults().Add("jobs_update", Make(FaultKind::kDrop, 200, 1));
  Fault stall = Make(FaultKind::kStall, 200, 1);
  stall.stall = std::chrono::milliseconds(1500);
  h.coord().faults().Add("jobs_update", stall);
  h.coord().faults().Add("jobs_update", Make(FaultKind::kStatus, 502, 1));
  int64_t id = h.Enqueue(RunnerHarness::Spec({"for i in 1 2 3 4 5; do echo line-$i; sleep 0.5; done"}));
  auto job = h.Wait(id, 90);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  for (int i = 1; i <= 5; ++i) EXPECT_NE(job.trace.find("line-" + std::to_string(i)), std::string::npos) << job.trace;
  EXPECT_TRUE(job.checksum_ok.value_or(false)) << job.trace;
  EXPECT_TRUE(job.bytesize_ok.value_or(false));
  EXPECT_TRUE(job.validation_errors.empty()) << job.validation_errors.front();

  int64_t next = h.Enqueue(RunnerHarness::Spec({"echo next-job"}));
  EXPECT_EQ(h.Wait(next, 60).state, JobState::kSuccess);
}

}  // namespace
}  // namespace itest

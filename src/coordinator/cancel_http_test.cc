#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

class CancelHttpTest : public CoordinatorHttpTest {
 protected:
  std::pair<int64_t, std::string> Running(const json& features) {
    const std::string runner = RegisterRunner();
    const int64_t id = Enqueue({{"script", {"sleep 100"}}});
    return {id, TakeJob(runner, features).value("token", "")};
  }
};

TEST_F(CancelHttpTest, GracefulCancelGoesThroughCanceling) {
  auto [id, token] = Running(Features({{"cancel_gracefully", true}}));
  auto state = coord_->CancelJob(id, /*force=*/false);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(*state, JobState::kCanceling);
  auto patch = Patch(id, token, "0-0", "x");
  EXPECT_EQ(patch->status, 202);
  EXPECT_EQ(patch->get_header_value("Job-Status"), "canceling");
  auto alive = Put(id, token, {{"state", "running"}});
  EXPECT_EQ(alive->status, 200);
  EXPECT_EQ(alive->get_header_value("Job-Status"), "canceling");
  // The runner ran after_script and reports failed; GitLab records canceled.
  auto done = Put(id, token, {{"state", "failed"}, {"failure_reason", "unknown_failure"}});
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->get_header_value("Job-Status"), "canceled");
  EXPECT_EQ(Job(id).state, JobState::kCanceled);
}

TEST_F(CancelHttpTest, RunnerWithoutGracefulCancelIsCanceledAtOnce) {
  auto [id, token] = Running(Features({{"cancel_gracefully", false}}));
  EXPECT_EQ(*coord_->CancelJob(id, false), JobState::kCanceled);
  auto patch = Patch(id, token, "0-0", "x");
  EXPECT_EQ(patch->status, 403);
  EXPECT_EQ(patch->get_header_value("Job-Status"), "canceled");
  auto put = Put(id, token, {{"state", "failed"}});
  EXPECT_EQ(put->status, 403);
  EXPECT_EQ(put->get_header_value("Job-Status"), "canceled");
}

TEST_F(CancelHttpTest, ForceCancelsACancelingJob) {
  auto [id, token] = Running(Features({{"cancel_gracefully", true}}));
  EXPECT_EQ(*coord_->CancelJob(id, false), JobState::kCanceling);
  EXPECT_EQ(coord_->CancelJob(id, false).status().code(), util::Status::Code::kFailedPrecondition);
  EXPECT_EQ(*coord_->CancelJob(id, true), JobState::kCanceled);
  EXPECT_EQ(Put(id, token, {{"state", "running"}})->get_header_value("Job-Status"), "canceled");
  EXPECT_EQ(coord_->CancelJob(id, true).status().code(), util::Status::Code::kFailedPrecondition);
}

TEST_F(CancelHttpTest, PendingJobIsCanceledAndNotHandedOut) {
  const std::string runner = RegisterRunner();
  const int64_t id = Enqueue({{"script", {"true"}}});
  EXPECT_EQ(*coord_->CancelJob(id, false), JobState::kCanceled);
  EXPECT_EQ(RequestJob(runner)->status, 204);
  EXPECT_EQ(coord_->CancelJob(12345, false).status().code(), util::Status::Code::kNotFound);
}

}  // namespace
}  // namespace coordinator::testing

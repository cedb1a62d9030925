#include <chrono>
#include <future>
#include <thread>

#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

using Clock = std::chrono::steady_clock;

class LongPollHttpTest : public CoordinatorHttpTest {
 protected:
  void SetUp() override {
    CoordinatorOptions o = DefaultOptions();
    o.long_poll_duration = std::chrono::milliseconds(400);
    Start(o);
  }
};

TEST_F(LongPollHttpTest, UnchangedQueueWaitsThenAnswers204WithoutHeader) {
  const std::string token = RegisterRunner();
  auto first = RequestJob(token);  // no last_update: straight to "Rails"
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 204);
  EXPECT_EQ(first->get_header_value("Gitlab-Ci-Builds-Polling"), "yes");
  const std::string version = first->get_header_value("X-GitLab-Last-Update");
  ASSERT_FALSE(version.empty());

  const auto start = Clock::now();
  auto polled = RequestJob(token, Features(), version);
  const auto waited = Clock::now() - start;
  ASSERT_TRUE(polled);
  EXPECT_EQ(polled->status, 204);
  EXPECT_FALSE(polled->has_header("X-GitLab-Last-Update"));
  EXPECT_GE(waited, std::chrono::milliseconds(350));
}

TEST_F(LongPollHttpTest, NewJobEndsTheWaitEarly) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.long_poll_duration = std::chrono::seconds(20);
  Start(o);
  const std::string token = RegisterRunner();
  const std::string version = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  const auto start = Clock::now();
  auto fut = std::async(std::launch::async, [&] { return RequestJob(token, Features(), version); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Enqueue({{"script", {"true"}}});
  auto polled = fut.get();
  ASSERT_TRUE(polled);
  EXPECT_EQ(polled->status, 204);  // Workhorse answers the change itself...
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  // ...and the runner, still holding the old version, is proxied to Rails and gets the job.
  EXPECT_EQ(RequestJob(token, Features(), version)->status, 201);
}

TEST_F(LongPollHttpTest, OtherRunnersJobsDoNotWake) {
  const std::string docker = RegisterRunner("docker", false);
  const std::string version = RequestJob(docker)->get_header_value("X-GitLab-Last-Update");
  const auto start = Clock::now();
  auto fut = std::async(std::launch::async, [&] { return RequestJob(docker, Features(), version); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Enqueue({{"script", {"true"}}, {"tags", {"windows"}}});
  EXPECT_EQ(fut.get()->status, 204);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(350));
  EXPECT_EQ(RequestJob(docker)->get_header_value("X-GitLab-Last-Update"), version);
}

TEST_F(LongPollHttpTest, StopWakesPollers) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.long_poll_duration = std::chrono::seconds(30);
  Start(o);
  const std::string token = RegisterRunner();
  const std::string version = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  auto fut = std::async(std::launch::async, [&] { return RequestJob(token, Features(), version); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = Clock::now();
  server_->Stop();
  fut.get();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace coordinator::testing

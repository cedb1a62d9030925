// The embedded coordinator answers POST /jobs/request as GitLab Workhorse in front of
// Rails does. What Workhorse and Rails do, and where it is written:
//
// Workhorse, workhorse/internal/builds/register.go (RegisterHandler), with the polling
// duration apiCiLongPollingDuration (GitLab docs: doc/ci/runners/long_polling.md):
//  1. Every answer it handles carries "Gitlab-Ci-Builds-Polling: yes".
//  2. It reads the JSON body (at most 32 KiB) for `token` and `last_update`. If the body is
//     not JSON, or either field is empty (a runner's first request has no cursor), it
//     proxies the request to Rails at once: no hold.
//  3. Otherwise it watches the Redis key runner:build_queue:<token>
//     (workhorse/internal/redis/keywatcher.go, WatchKey): if the stored value already
//     differs from last_update ("already changed"), it proxies to Rails at once.
//  4. If the value equals last_update, it holds the request until a notification for the
//     key carries a different value ("seen change") or the polling duration ends
//     ("timeout"), and answers 204 itself, WITHOUT X-GitLab-Last-Update: it does not
//     proxy after a hold ("we don't really know whether ResponseWriter is still in a sane
//     state"). The runner keeps its old last_update, so its next request is "already
//     changed" and goes to Rails. (The sequence diagram in long_polling.md shows the
//     released request going on to Rails; the source answers 204, and so do we.)
// Rails, lib/api/ci/runner.rb (post '/request'):
//  5. last_update equal to the runner's queue value (runner_queue_value_latest?): 204 with
//     X-GitLab-Last-Update echoing it, at once.
//  6. Otherwise the current value (ensure_runner_queue_value) is read, the queue searched
//     (Ci::RegisterJobService): a job -> 201 (no X-GitLab-Last-Update); none -> 204 with
//     X-GitLab-Last-Update = that value.
// The value changes (Ci::Runner#tick_runner_queue) for every runner that could take a job
// when the job becomes pending (BuildQueueWorker -> Ci::UpdateBuildQueueService#tick);
// taking a job off the queue does not tick.
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

// 2 and 6: no cursor is never held, even with a long polling duration.
TEST_F(LongPollHttpTest, RequestWithoutCursorIsAnsweredAtOnceWithTheQueueValue) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.long_poll_duration = std::chrono::seconds(20);
  Start(o);
  const std::string token = RegisterRunner();
  const auto start = Clock::now();
  auto first = RequestJob(token);
  ASSERT_TRUE(first);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));  // a hold would take 20 s
  EXPECT_EQ(first->status, 204);
  EXPECT_EQ(first->get_header_value("Gitlab-Ci-Builds-Polling"), "yes");
  EXPECT_EQ(first->get_header_value("X-GitLab-Last-Update").size(), 32u);
  // With a job waiting, the request without a cursor gets it at once.
  Enqueue({{"script", {"true"}}});
  auto job = RequestJob(token);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, 201);
  EXPECT_EQ(job->get_header_value("Gitlab-Ci-Builds-Polling"), "yes");
}

// 3 and 6: an outdated cursor goes to Rails at once, which hands out the new value.
TEST_F(LongPollHttpTest, OutdatedCursorIsAnsweredAtOnceWithTheNewValue) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.long_poll_duration = std::chrono::seconds(20);
  Start(o);
  const std::string token = RegisterRunner();
  const std::string v1 = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  Enqueue({{"script", {"true"}}});
  EXPECT_EQ(RequestJob(token, Features(), v1)->status, 201);  // the job, at once
  const auto start = Clock::now();
  auto next = RequestJob(token, Features(), v1);  // v1 is outdated: the queue ticked
  ASSERT_TRUE(next);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(next->status, 204);
  const std::string v2 = next->get_header_value("X-GitLab-Last-Update");
  EXPECT_EQ(v2.size(), 32u);
  EXPECT_NE(v2, v1);
}

// 4: the hold ends on a change; a job queued before the request (while the runner was
// away) is never waited for.
TEST_F(LongPollHttpTest, JobQueuedBetweenRequestsIsNotHeld) {
  server_->Stop();
  CoordinatorOptions o = DefaultOptions();
  o.long_poll_duration = std::chrono::seconds(20);
  Start(o);
  const std::string token = RegisterRunner();
  const std::string version = RequestJob(token)->get_header_value("X-GitLab-Last-Update");
  Enqueue({{"script", {"true"}}});
  const auto start = Clock::now();
  EXPECT_EQ(RequestJob(token, Features(), version)->status, 201);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
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

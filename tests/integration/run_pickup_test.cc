// A free slot takes the next job at once: `spotrunner run` against the embedded
// coordinator answering as GitLab Workhorse does (long polls held while the runner's
// last_update is current; see src/coordinator/long_poll_http_test.cc for the rules), with
// check_interval set far above every wait this test allows, so any pickup that waited for
// the timer fails. Then coordinators that misbehave: 204 at once forever (bare, or with a
// new cursor each time), every request held to the end, the connection dropped during a
// hold: the request rate stays bounded, the job queued meanwhile is taken, the manager
// goes on. And a held long poll is abandoned at once when the manager stops.
// Shell executor.
#include <cstdio>
#include <thread>
#include <vector>

#include "tests/integration/harness.h"

namespace itest {
namespace {

using coordinator::Fault;
using coordinator::FaultKind;
using coordinator::JobState;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

void SetGlobal(const std::string& path, const std::string& key, const std::string& value) {
  std::string text = testutil::ReadFile(path);
  std::string line = key + " = " + value + "\n";
  auto pos = text.find("\n" + key + " = ");
  if (text.rfind(key + " = ", 0) == 0) {
    text.replace(0, text.find('\n') + 1, line);
  } else if (pos != std::string::npos) {
    auto end = text.find('\n', pos + 1);
    text.replace(pos + 1, end - pos, line);
  } else {
    text = line + text;  // top-level keys come before every table
  }
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
}

// Workhorse long polling, held far longer than any test waits.
void Workhorse(coordinator::CoordinatorOptions& o) { o.long_poll_duration = seconds(60); }

size_t Requests(RunnerHarness& h) { return h.coord().request_log().Entries("jobs_request").size(); }

// How long the job waited in the queue: enqueue to assignment, on the coordinator's clock.
milliseconds Pickup(const coordinator::JobRecord& j) {
  return std::chrono::duration_cast<milliseconds>(j.started_at - j.queued_at);
}

TEST(RunPickupTest, EveryPointOfTheRequestCycleTakesTheJobAtOnce) {
  RunnerHarness h("shell", "", Workhorse);
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  SetGlobal(h.config_path(), "check_interval", "60");
  h.StartManager();
  std::this_thread::sleep_for(milliseconds(300));
  // Gaps after the previous job ended: the next job lands at every point of the cycle
  // that follows a job (the request right after it, the 204 with a new cursor, the
  // request that Workhorse holds).
  for (int gap_ms : {0, 1, 3, 8, 15, 30, 60, 100, 150, 220, 300, 450, 700, 1000}) {
    std::this_thread::sleep_for(milliseconds(gap_ms));
    int64_t id = h.Enqueue(RunnerHarness::Spec({"echo pickup"}));
    auto job = h.Wait(id, 90);
    ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
    EXPECT_LT(Pickup(job), seconds(5)) << "job queued " << gap_ms << " ms after the previous one ended";
  }
  // A burst with one slot: each job is taken as soon as the one before it ends.
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(h.Enqueue(RunnerHarness::Spec({"sleep 0.3"})));
  coordinator::JobRecord previous;
  for (int64_t id : ids) {
    auto job = h.Wait(id, 90);
    ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
    if (previous.id != 0) {
      EXPECT_LT(job.started_at - previous.finished_at, seconds(5));
    }
    previous = job;
  }
}

TEST(RunPickupTest, SlotFreedWhileAPollIsHeldTakesTheNextJobAtOnce) {
  RunnerHarness h("shell", "", Workhorse);
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  SetGlobal(h.config_path(), "check_interval", "60");
  SetGlobal(h.config_path(), "concurrent", "2");
  h.StartManager();
  // One long job; the other slot polls (held). Two more jobs queued while it runs: the
  // first is taken at once, the second when a slot frees.
  int64_t long_job = h.Enqueue(RunnerHarness::Spec({"sleep 2"}));
  std::this_thread::sleep_for(milliseconds(500));
  int64_t a = h.Enqueue(RunnerHarness::Spec({"sleep 0.5"}));
  int64_t b = h.Enqueue(RunnerHarness::Spec({"echo b"}));
  auto ja = h.Wait(a, 90);
  auto jb = h.Wait(b, 90);
  auto jl = h.Wait(long_job, 90);
  ASSERT_EQ(ja.state, JobState::kSuccess);
  ASSERT_EQ(jb.state, JobState::kSuccess);
  ASSERT_EQ(jl.state, JobState::kSuccess);
  EXPECT_LT(Pickup(ja), seconds(5));
  EXPECT_LT(jb.started_at - std::min(ja.finished_at, jl.finished_at), seconds(5));
}

// Bad input: the request rate over `window` with `fault` armed on every job request.
// check_interval is 2 s, so a bounded runner sends a few quick follow-ups and then about
// one request per 2 s; a busy loop sends thousands.
void ExpectBoundedThenRecovers(Fault fault, const std::string& what, size_t max_requests) {
  RunnerHarness h("shell", "", Workhorse);
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  SetGlobal(h.config_path(), "check_interval", "2");
  fault.count = 1000000;
  h.coord().faults().Add("jobs_request", fault);
  h.StartManager();
  std::this_thread::sleep_for(milliseconds(500));
  size_t before = Requests(h);
  // A job queued while the coordinator misbehaves.
  int64_t id = h.Enqueue(RunnerHarness::Spec({"echo queued-during-" + what}));
  std::this_thread::sleep_for(seconds(6));
  size_t sent = Requests(h) - before;
  EXPECT_LE(sent, max_requests) << what << ": " << sent << " job requests in 6 s";
  EXPECT_GE(sent, 2u) << what << ": the manager stopped asking";
  std::printf("[ bad input ] %s: %zu job requests in 6 s (check_interval 2 s)\n", what.c_str(), sent);
  // The coordinator behaves again: the job is not lost, and the next one runs too.
  h.coord().faults().Clear();
  auto job = h.Wait(id, 30);
  EXPECT_EQ(job.state, JobState::kSuccess) << what << ": " << job.trace;
  int64_t next = h.Enqueue(RunnerHarness::Spec({"echo next"}));
  EXPECT_EQ(h.Wait(next, 30).state, JobState::kSuccess) << what;
}

TEST(RunPickupTest, Bare204AtOnceForeverIsRateBounded) {
  Fault f;
  f.kind = FaultKind::kNoContent;  // looks like the end of a hold, every time
  ExpectBoundedThenRecovers(f, "bare 204 at once", 12);
}

TEST(RunPickupTest, NewCursorAtOnceForeverIsRateBounded) {
  Fault f;
  f.kind = FaultKind::kNoContent;
  f.fresh_cursor = true;  // looks like a queue change, every time
  ExpectBoundedThenRecovers(f, "new cursor at once", 12);
}

TEST(RunPickupTest, DroppedDuringAHoldIsRateBounded) {
  Fault f;
  f.kind = FaultKind::kDrop;
  f.status = 200;
  f.stall = milliseconds(800);
  ExpectBoundedThenRecovers(f, "dropped during a hold", 8);
}

TEST(RunPickupTest, EveryRequestHeldToTheEndStillTakesTheJob) {
  RunnerHarness h("shell", "", Workhorse);
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  SetGlobal(h.config_path(), "check_interval", "2");
  // Held 1.5 s whatever the queue holds, then answered by Rails (a job if there is one).
  Fault f;
  f.kind = FaultKind::kStall;
  f.stall = milliseconds(1500);
  f.count = 1000000;
  h.coord().faults().Add("jobs_request", f);
  h.StartManager();
  std::this_thread::sleep_for(milliseconds(500));
  size_t before = Requests(h);
  int64_t id = h.Enqueue(RunnerHarness::Spec({"echo held"}));
  auto job = h.Wait(id, 30);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_LT(Pickup(job), seconds(5));
  std::this_thread::sleep_for(seconds(3));
  size_t sent = Requests(h) - before;
  EXPECT_LE(sent, 10u) << sent << " job requests";
  std::printf("[ bad input ] every request held 1.5 s: %zu job requests\n", sent);
}

TEST(RunPickupTest, StopAbandonsAHeldPollAtOnce) {
  RunnerHarness h("shell", "", Workhorse);
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  h.StartManager();
  // Wait until a request is held (the first gets a cursor, the second is held 60 s).
  auto deadline = SteadyClock::now() + seconds(10);
  while (Requests(h) < 1 && SteadyClock::now() < deadline) std::this_thread::sleep_for(milliseconds(20));
  std::this_thread::sleep_for(milliseconds(500));
  auto start = SteadyClock::now();
  h.manager().StopGraceful();
  h.manager().Wait();
  auto took = SteadyClock::now() - start;
  EXPECT_LT(took, seconds(5)) << "the held long poll was waited for";
  std::printf("[ shutdown ] stopped %lld ms after SIGQUIT with a long poll held\n",
              static_cast<long long>(std::chrono::duration_cast<milliseconds>(took).count()));
}

}  // namespace
}  // namespace itest

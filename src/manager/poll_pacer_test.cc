#include "manager/poll_pacer.h"

#include <gtest/gtest.h>

namespace manager {
namespace {

using gitlab::RequestJobResult;
using std::chrono::milliseconds;
using std::chrono::seconds;

RequestJobResult Job() {
  RequestJobResult r;
  r.kind = RequestJobResult::Kind::kJob;
  return r;
}

// Rails' 204: always carries the queue version.
RequestJobResult Rails204(const std::string& version) {
  RequestJobResult r;
  r.kind = RequestJobResult::Kind::kNoJob;
  r.status = 204;
  r.last_update = version;
  return r;
}

// Workhorse's 204 at the end of a hold: no header, so the client keeps what it sent.
RequestJobResult HoldEnded(const std::string& sent) {
  RequestJobResult r = Rails204(sent);
  r.hold_ended = true;
  return r;
}

RequestJobResult Failed() {
  RequestJobResult r;
  r.kind = RequestJobResult::Kind::kFailed;
  return r;
}

TEST(PollPacerTest, WorkhorseCycleNeverWaitsForTheTimer) {
  PollPacer p(seconds(3));
  // No cursor yet: Rails answers with one; ask again at once so that Workhorse holds it.
  EXPECT_EQ(p.Next(Rails204("v1"), "", milliseconds(2)), util::Duration::zero());
  // Held 1.5 s, then the queue changed: ask again at once.
  EXPECT_EQ(p.Next(HoldEnded("v1"), "v1", milliseconds(1500)), util::Duration::zero());
  // Rails gives the job; there may be more.
  EXPECT_EQ(p.Next(Job(), "v1", milliseconds(3)), util::Duration::zero());
  // Nothing more: a new cursor, asked with at once (held again).
  EXPECT_EQ(p.Next(Rails204("v2"), "v1", milliseconds(3)), util::Duration::zero());
  // A job queued a few milliseconds after the hold began: the quick end of the hold is news.
  EXPECT_EQ(p.Next(HoldEnded("v2"), "v2", milliseconds(5)), util::Duration::zero());
  // Another runner took it: Rails answers at once with the new cursor; still at once.
  EXPECT_EQ(p.Next(Rails204("v3"), "v2", milliseconds(2)), util::Duration::zero());
  // A hold that timed out (no change) is followed at once by the next hold.
  EXPECT_EQ(p.Next(HoldEnded("v3"), "v3", seconds(50)), util::Duration::zero());
}

TEST(PollPacerTest, NothingNewWaitsForTheRestOfCheckInterval) {
  PollPacer p(seconds(3));
  // Rails without Workhorse: the same cursor comes back; waiting is all there is to do.
  EXPECT_EQ(p.Next(Rails204("v1"), "v1", milliseconds(500)), milliseconds(2500));
  // A request that took longer than check_interval is followed at once.
  EXPECT_EQ(p.Next(Rails204("v1"), "v1", seconds(4)), util::Duration::zero());
  // Failures (transport, 5xx, a connection dropped during a hold) wait too.
  EXPECT_EQ(p.Next(Failed(), "v1", milliseconds(1000)), milliseconds(2000));
}

TEST(PollPacerTest, ImmediateNewsForeverIsRateBounded) {
  for (bool bare : {true, false}) {
    PollPacer p(seconds(3));
    int immediate = 0;
    int waited = 0;
    for (int i = 0; i < 100; ++i) {
      // Every answer instant, and each looks like news: a bare 204 or a fresh cursor.
      auto d = p.Next(bare ? HoldEnded("v") : Rails204("v" + std::to_string(i + 1)), "v" + std::to_string(i),
                      milliseconds(1));
      if (d == util::Duration::zero()) {
        ++immediate;
      } else {
        ++waited;
        EXPECT_GE(d, milliseconds(2999));
      }
    }
    EXPECT_EQ(immediate, PollPacer::kMaxQuickInARow) << "bare=" << bare;
    EXPECT_EQ(waited, 100 - PollPacer::kMaxQuickInARow);
  }
}

TEST(PollPacerTest, AHeldRequestOrAJobEndsTheStreak) {
  PollPacer p(seconds(3));
  for (int i = 0; i < 10; ++i) p.Next(HoldEnded("v"), "v", milliseconds(1));
  EXPECT_GT(p.Next(HoldEnded("v"), "v", milliseconds(1)), util::Duration::zero());
  EXPECT_EQ(p.Next(HoldEnded("v"), "v", milliseconds(800)), util::Duration::zero());  // held
  EXPECT_EQ(p.Next(HoldEnded("v"), "v", milliseconds(1)), util::Duration::zero());
  for (int i = 0; i < 10; ++i) p.Next(HoldEnded("v"), "v", milliseconds(1));
  EXPECT_EQ(p.Next(Job(), "v", milliseconds(1)), util::Duration::zero());
  EXPECT_EQ(p.Next(Rails204("w"), "v", milliseconds(1)), util::Duration::zero());
}

}  // namespace
}  // namespace manager

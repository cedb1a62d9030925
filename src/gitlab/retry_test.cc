#include "gitlab/retry.h"

#include <gtest/gtest.h>

namespace gitlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryTest, RetriableStatuses) {
  for (int s : {408, 429, 500, 502, 503, 504, 512, 599}) EXPECT_TRUE(IsRetriableStatus(s)) << s;
  for (int s : {200, 201, 204, 400, 403, 404, 409, 412, 416, 422, 501, 505, 511}) {
    EXPECT_FALSE(IsRetriableStatus(s)) << s;
  }
}

TEST(RetryTest, ParsesHttpDate) {
  auto t = ParseHttpDate("Wed, 21 Oct 2015 07:28:00 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(util::UnixSeconds(*t), 1445412480);
  EXPECT_FALSE(ParseHttpDate("Wed, 21 Foo 2015 07:28:00 GMT"));
  EXPECT_FALSE(ParseHttpDate("2015-10-21T07:28:00Z"));
  EXPECT_FALSE(ParseHttpDate("Wed, 31 Feb 2015 07:28:00 GMT"));
}

TEST(RetryTest, ResetTimeWinsOverRetryAfter) {
  std::mt19937_64 rng(1);
  Backoff backoff(rng);
  util::Time now = *ParseHttpDate("Wed, 21 Oct 2015 07:27:50 GMT");
  util::HttpHeaders h{{"RateLimit-ResetTime", "Wed, 21 Oct 2015 07:28:00 GMT"}, {"Retry-After", "3"}};
  EXPECT_EQ(RetryWait(h, now, backoff), seconds(10));
  // A reset time in the past falls through to Retry-After.
  EXPECT_EQ(RetryWait(h, now + seconds(20), backoff), seconds(3));
}

TEST(RetryTest, RetryAfterSeconds) {
  std::mt19937_64 rng(1);
  Backoff backoff(rng);
  EXPECT_EQ(RetryWait(util::HttpHeaders{{"retry-after", "60"}}, util::Time{}, backoff), seconds(60));
}

TEST(RetryTest, BackoffDoublesWithJitterAndCaps) {
  std::mt19937_64 rng(42);
  Backoff backoff(rng);
  EXPECT_EQ(RetryWait(util::HttpHeaders{{"Retry-After", "soon"}}, util::Time{}, backoff), milliseconds(100));
  util::Duration step = milliseconds(200);
  for (int i = 0; i < 15; ++i) {
    util::Duration d = backoff.Next();
    EXPECT_GE(d, milliseconds(100));
    EXPECT_LE(d, std::min<util::Duration>(step, seconds(60)));
    step *= 2;
  }
}

TEST(RetryTest, BackoffIsDeterministicForASeed) {
  std::mt19937_64 a(7), b(7);
  Backoff x(a), y(b);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(x.Next(), y.Next());
}

}  // namespace
}  // namespace gitlab

#pragma once
// The generic retry rules every runner API request goes through (protocol reference §4.1):
// which statuses are retried and how long to wait before the next attempt.
#include <optional>
#include <random>
#include <string_view>

#include "util/clock.h"
#include "util/http_client.h"

namespace gitlab {

inline constexpr int kMaxAttempts = 5;

// 408, 429, 500, 502, 503, 504 and every status >= 512.
bool IsRetriableStatus(int status);

// Exponential backoff: 100 ms, doubling, at most 60 s; with jitter each wait is drawn
// uniformly between 100 ms and the current step. Not thread-safe.
class Backoff {
 public:
  explicit Backoff(std::mt19937_64& rng) : rng_(rng) {}
  util::Duration Next();

 private:
  std::mt19937_64& rng_;
  int attempt_ = 0;
};

// The wait before retrying after `response`: until RateLimit-ResetTime (RFC 1123 date) when
// that is in the future, else Retry-After (integer seconds) when positive, else
// backoff.Next().
util::Duration RetryWait(const util::HttpHeaders& headers, util::Time now, Backoff& backoff);

// Parses an RFC 1123 date such as "Wed, 21 Oct 2015 07:28:00 GMT"; nullopt when malformed.
std::optional<util::Time> ParseHttpDate(std::string_view text);

}  // namespace gitlab

#pragma once
// manager::PollPacer: how long a poller waits before its next POST /jobs/request, so that
// a runner with a free slot sees a queued job at once without ever asking in a busy loop.
//
// GitLab answers a job request in one of three ways (protocol reference §1.6):
//  - Rails finds a job: 201. There may be more: ask again at once.
//  - Rails finds none: 204 with X-GitLab-Last-Update, the runner's queue version. When it
//    differs from the last_update that was sent, the queue changed since the runner last
//    looked; asking again at once with the new value lets Workhorse hold the request
//    until the next change, so no job queued from now on waits for a timer.
//  - Workhorse held a request whose last_update was current, and ends the hold with a 204
//    without X-GitLab-Last-Update when the queue changed (or the hold timed out): the
//    change is likely a job for this runner, so ask again at once (with the old value,
//    which Workhorse then proxies to Rails).
// Everything else (a 204 that brings nothing new, a failure) waits for check_interval,
// less the time the request itself took (a long poll counts towards the interval).
//
// Bound: a coordinator that answers every request at once with a "news" answer (a fresh
// cursor each time, or a bare 204 as if a hold had ended) gets at most kMaxQuickInARow
// immediate re-requests; then one request per check_interval until a request is held
// (Workhorse waited: the answer took kHeld or more) or a job arrives.
//
// Pure logic, one per poller thread; not thread-safe.
#include <string>

#include "gitlab/client.h"
#include "util/clock.h"

namespace manager {

class PollPacer {
 public:
  static constexpr util::Duration kHeld = std::chrono::milliseconds(200);
  static constexpr int kMaxQuickInARow = 3;

  explicit PollPacer(util::Duration check_interval) : check_interval_(check_interval) {}

  // The wait before the next request, after `r` answered a request that sent
  // `sent_last_update` and took `took`.
  util::Duration Next(const gitlab::RequestJobResult& r, const std::string& sent_last_update, util::Duration took);

  void set_check_interval(util::Duration d) { check_interval_ = d; }

 private:
  util::Duration check_interval_;
  int quick_in_a_row_ = 0;  // answers without a job that came back in less than kHeld
};

}  // namespace manager

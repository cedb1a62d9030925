#pragma once
// Sends a job's trace to GitLab while it runs, and performs the final update.
// A background thread PATCHes new bytes every update interval (3 s, or what GitLab
// says), recovers from 416 by resending from GitLab's length, sends a keep-alive PUT
// after 30 s without a successful call, and reports what GitLab's Job-Status asks for
// (graceful cancel, abort). Finish() is gitlab-runner's final-update algorithm (§3.6).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "job/job_channel.h"
#include "job/trace_buffer.h"

namespace job {

struct TraceSenderOptions {
  std::chrono::milliseconds update_interval{3000};
  std::chrono::milliseconds force_send_interval{30000};
  size_t max_chunk = 1 << 20;  // bytes per PATCH, as the real runner
  int final_update_retry_limit = 10;
  std::chrono::milliseconds final_retry_backoff{1000};
  // Called (from the sender thread) when GitLab says Job-Status: canceling.
  std::function<void()> on_canceling;
  // Called (from the sender thread) when GitLab says the job is over for us (403,
  // Job-Status canceled/failed).
  std::function<void(const std::string& why)> on_abort;
};

class TraceSender {
 public:
  TraceSender(JobChannel& channel, TraceBuffer& trace, TraceSenderOptions options);
  ~TraceSender();
  TraceSender(const TraceSender&) = delete;
  TraceSender& operator=(const TraceSender&) = delete;

  // Starts the periodic thread. REQUIRES: not started.
  void Start();
  // Stops the periodic thread (idempotent). Bytes not yet sent stay for Finish().
  void Stop();

  // Flushes the remaining trace and sends the final state, repeating on 202 and 412
  // and retrying failures with backoff. Returns true when GitLab took the final state
  // (200), or said the job is gone (403/404), false when every try failed.
  // REQUIRES: Stop() was called. The trace must be finished (no more appends).
  bool Finish(const JobState& final_state);

  // Offset up to which GitLab acknowledged the trace (for tests and logs).
  int64_t sent_offset() const { return sent_.load(); }

 private:
  void Loop();
  // Sends one chunk if there is one and says what happened.
  enum class Flush { kIdle, kProgress, kRange, kStop, kError };
  Flush SendChunk();
  void Observe(const std::string& job_status, int interval_s);
  void Sleep(std::chrono::milliseconds d);

  JobChannel& channel_;
  TraceBuffer& trace_;
  TraceSenderOptions opt_;
  std::atomic<int64_t> sent_{0};
  std::atomic<int64_t> interval_ms_;
  std::chrono::steady_clock::time_point last_success_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool aborted_ = false;
  bool canceling_reported_ = false;
  std::thread thread_;
};

}  // namespace job

#include "job/trace_sender.h"

#include <algorithm>

namespace job {

namespace {
constexpr int64_t kMaxIntervalMs = 15 * 60 * 1000;  // GitLab's interval is capped at 15 min
}

TraceSender::TraceSender(JobChannel& channel, TraceBuffer& trace, TraceSenderOptions options)
    : channel_(channel), trace_(trace), opt_(std::move(options)), interval_ms_(opt_.update_interval.count()) {
  last_success_ = std::chrono::steady_clock::now();
}

TraceSender::~TraceSender() { Stop(); }

void TraceSender::Start() { thread_ = std::thread([this] { Loop(); }); }

void TraceSender::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TraceSender::Observe(const std::string& job_status, int interval_s) {
  if (interval_s > 0) interval_ms_ = std::min<int64_t>(int64_t{interval_s} * 1000, kMaxIntervalMs);
  if (job_status == "canceling" && !canceling_reported_) {
    canceling_reported_ = true;
    if (opt_.on_canceling) opt_.on_canceling();
  }
  if ((job_status == "canceled" || job_status == "failed") && !aborted_) {
    aborted_ = true;
    if (opt_.on_abort) opt_.on_abort("job " + job_status + " on GitLab");
  }
}

TraceSender::Flush TraceSender::SendChunk() {
  int64_t size = trace_.Size();
  int64_t offset = sent_.load();
  if (offset >= size) return Flush::kIdle;
  std::string chunk = trace_.Read(offset, opt_.max_chunk);
  if (chunk.empty()) return Flush::kIdle;
  TraceAck ack = channel_.PatchTrace(offset, chunk);
  Observe(ack.job_status, ack.update_interval_s);
  switch (ack.kind) {
    case TraceAck::Kind::kOk:
      sent_ = offset + static_cast<int64_t>(chunk.size());
      last_success_ = std::chrono::steady_clock::now();
      return Flush::kProgress;
    case TraceAck::Kind::kRangeMismatch:
      // GitLab's copy must stay a prefix of ours: continue from its length.
      sent_ = std::clamp<int64_t>(ack.offset, 0, size);
      return Flush::kRange;
    case TraceAck::Kind::kAbort:
      if (!aborted_) {
        aborted_ = true;
        if (opt_.on_abort) opt_.on_abort("GitLab refused the trace (403)");
      }
      return Flush::kStop;
    case TraceAck::Kind::kNotFound:
      return Flush::kStop;
    case TraceAck::Kind::kFailed:
      return Flush::kError;
  }
  return Flush::kError;
}

void TraceSender::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, d, [&] { return stopping_; });
}

void TraceSender::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (cv_.wait_for(l, std::chrono::milliseconds(interval_ms_.load()), [&] { return stopping_; })) return;
    }
    while (SendChunk() == Flush::kProgress) {
    }
    if (std::chrono::steady_clock::now() - last_success_ >= opt_.force_send_interval) {
      JobState keepalive{"running", "", 0, trace_.Checksum(), trace_.Size()};
      UpdateAck ack = channel_.UpdateState(keepalive);
      Observe(ack.job_status, ack.update_interval_s);
      if (ack.kind == UpdateAck::Kind::kOk) last_success_ = std::chrono::steady_clock::now();
      if (ack.kind == UpdateAck::Kind::kAbort && !aborted_) {
        aborted_ = true;
        if (opt_.on_abort) opt_.on_abort("GitLab refused the job update (403)");
      }
    }
  }
}

bool TraceSender::Finish(const JobState& final_state) {
  interval_ms_ = opt_.update_interval.count();
  auto backoff = opt_.final_retry_backoff;
  auto pause = [&] { std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms_.load())); };
  for (int attempt = 0; attempt < std::max(1, opt_.final_update_retry_limit); ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::minutes(60));
    }
    bool try_failed = false;
    while (!try_failed) {
      // Flush the trace: GitLab must hold all of it before the final state.
      bool flushing = true;
      while (flushing && sent_.load() < trace_.Size()) {
        switch (SendChunk()) {
          case Flush::kProgress:
            break;
          case Flush::kRange:
            pause();
            break;
          case Flush::kStop:
          case Flush::kIdle:
            flushing = false;
            break;
          case Flush::kError:
            pause();
            try_failed = true;
            flushing = false;
            break;
        }
      }
      if (try_failed) break;
      UpdateAck ack = channel_.UpdateState(final_state);
      if (ack.update_interval_s > 0) {
        interval_ms_ = std::min<int64_t>(int64_t{ack.update_interval_s} * 1000, kMaxIntervalMs);
      }
      switch (ack.kind) {
        case UpdateAck::Kind::kOk:
        case UpdateAck::Kind::kAbort:
        case UpdateAck::Kind::kNotFound:
          return true;
        case UpdateAck::Kind::kAccepted:
          pause();
          break;
        case UpdateAck::Kind::kTraceReset:
          sent_ = 0;
          pause();
          break;
        case UpdateAck::Kind::kFailed:
          pause();
          try_failed = true;
          break;
      }
    }
  }
  return false;
}

}  // namespace job

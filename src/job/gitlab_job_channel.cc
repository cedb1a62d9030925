#include "job/gitlab_job_channel.h"

#include <chrono>

namespace job {

namespace {

int IntervalSeconds(const gitlab::JobCallMeta& meta) {
  if (!meta.update_interval) return 0;
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(*meta.update_interval).count());
}

gitlab::JobState ParseState(const std::string& s) {
  if (s == "pending") return gitlab::JobState::kPending;
  if (s == "success") return gitlab::JobState::kSuccess;
  if (s == "failed") return gitlab::JobState::kFailed;
  return gitlab::JobState::kRunning;
}

}  // namespace

GitlabJobChannel::GitlabJobChannel(gitlab::Client& client, int64_t job_id, std::string job_token,
                                   gitlab::VersionInfo info, bool debug_trace)
    : client_(client), job_id_(job_id), job_token_(std::move(job_token)), info_(std::move(info)),
      debug_trace_(debug_trace) {}

TraceAck GitlabJobChannel::PatchTrace(int64_t offset, std::string_view bytes) {
  gitlab::PatchTraceResult r = client_.PatchTrace(job_id_, job_token_, offset, bytes, debug_trace_);
  TraceAck ack;
  ack.job_status = r.job_status;
  ack.update_interval_s = IntervalSeconds(r);
  ack.offset = r.new_offset;
  using K = gitlab::PatchTraceResult::Kind;
  switch (r.kind) {
    case K::kOk: ack.kind = TraceAck::Kind::kOk; break;
    case K::kRangeMismatch: ack.kind = TraceAck::Kind::kRangeMismatch; break;
    case K::kNotFound: ack.kind = TraceAck::Kind::kNotFound; break;
    case K::kAbort: ack.kind = TraceAck::Kind::kAbort; break;
    case K::kFailed: ack.kind = TraceAck::Kind::kFailed; break;
  }
  return ack;
}

UpdateAck GitlabJobChannel::UpdateState(const JobState& state) {
  gitlab::JobUpdate u;
  u.state = ParseState(state.state);
  u.failure_reason = state.failure_reason;
  u.exit_code = state.exit_code;
  u.checksum = state.checksum;
  u.bytesize = state.bytesize;
  u.info = info_;
  gitlab::UpdateJobResult r = client_.UpdateJob(job_id_, job_token_, u);
  UpdateAck ack;
  ack.job_status = r.job_status;
  ack.update_interval_s = IntervalSeconds(r);
  using K = gitlab::UpdateJobResult::Kind;
  switch (r.kind) {
    case K::kOk: ack.kind = UpdateAck::Kind::kOk; break;
    case K::kAccepted: ack.kind = UpdateAck::Kind::kAccepted; break;
    case K::kAbort: ack.kind = UpdateAck::Kind::kAbort; break;
    case K::kTraceReset: ack.kind = UpdateAck::Kind::kTraceReset; break;
    case K::kNotFound: ack.kind = UpdateAck::Kind::kNotFound; break;
    case K::kFailed: ack.kind = UpdateAck::Kind::kFailed; break;
  }
  return ack;
}

}  // namespace job

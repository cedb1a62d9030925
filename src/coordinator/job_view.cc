#include "coordinator/job_view.h"

#include "coordinator/trace_checksum.h"

namespace coordinator {

nlohmann::json JobJson(const JobRecord& job, bool with_payload) {
  using nlohmann::json;
  auto opt_bool = [](const std::optional<bool>& b) { return b ? json(*b) : json(); };
  // Microseconds since the epoch (0: not yet), for latency measurements.
  auto micros = [](util::Time t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  };
  json j = {{"id", job.id},
            {"name", job.spec.name},
            {"stage", job.spec.stage},
            {"state", JobStateName(job.state)},
            {"failure_reason", job.failure_reason.empty() ? json() : json(job.failure_reason)},
            {"exit_code", job.exit_code ? json(*job.exit_code) : json()},
            {"trace", job.trace},
            {"trace_bytes", job.trace.size()},
            {"checksum", TraceChecksum(job.trace)},
            {"checksum_ok", opt_bool(job.checksum_ok)},
            {"bytesize_ok", opt_bool(job.bytesize_ok)},
            {"updates", job.update_count},
            {"final_updates", job.final_update_count},
            {"trace_patches", job.trace_patch_count},
            {"debug_trace", job.debug_trace},
            {"validation_errors", job.validation_errors},
            {"runner_id", job.runner_id},
            {"system_id", job.system_id},
            {"token", job.token},
            {"pipeline_id", job.pipeline_id},
            {"awaiting_ack", job.awaiting_ack},
            {"queued_at_us", micros(job.queued_at)},
            {"started_at_us", micros(job.started_at)},
            {"finished_at_us", micros(job.finished_at)}};
  if (with_payload) j["payload"] = job.payload;
  return j;
}

}  // namespace coordinator

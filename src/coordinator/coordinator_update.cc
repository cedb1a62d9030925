// PUT /jobs/:id: keep-alives, two-phase acknowledgement and the final state, as
// Ci::UpdateBuildStateService answers them.
#include "coordinator/coordinator.h"
#include "coordinator/failure_reasons.h"
#include "coordinator/trace_checksum.h"

namespace coordinator {
namespace {

using nlohmann::json;

std::string Str(const json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || !p[key].is_string()) return "";
  return p[key].get<std::string>();
}

ApiResponse WithStatus(ApiResponse r, JobState s) {
  r.SetHeader("Job-Status", JobStateName(s));
  return r;
}

bool Feature(const json& features, const char* name) {
  return features.is_object() && features.value(name, false);
}

}  // namespace

ApiResponse Coordinator::UpdateJob(int64_t job_id, const std::string& header_token, const json& p) {
  std::lock_guard<std::mutex> l(mu_);
  ExpireAcksLocked();
  JobRecord* job = FindJobLocked(job_id);
  if (job == nullptr) return ApiResponse::Message(404, "404 Not Found");
  const std::string body_token = Str(p, "token");
  const std::string token = body_token.empty() ? header_token : body_token;
  if (token.empty() || job->token.empty() || token != job->token) return ApiResponse::Message(403, "403 Forbidden");
  if (body_token.empty()) job->validation_errors.push_back("PUT without the token field (GitLab requires it)");
  if (!header_token.empty() && header_token != job->token) {
    job->validation_errors.push_back("PUT JOB-TOKEN header differs from the job token");
  }

  const std::string state = Str(p, "state");
  if (state != "pending" && state != "running" && state != "success" && state != "failed") {
    job->validation_errors.push_back("PUT with invalid state \"" + state + "\"");
    return WithStatus(ApiResponse::ParamError("state does not have a valid value"), job->state);
  }
  if (p.contains("failure_reason") && state != "failed") {
    job->validation_errors.push_back("PUT state=" + state + " carries failure_reason");
  }

  if (job->awaiting_ack) {
    if (state == "pending") {
      job->ack_deadline = clock_.Now() + options_.two_phase_ack_timeout;
      ++job->update_count;
      return WithStatus(ApiResponse::Text(200, "200"), job->state);
    }
    if (state == "running") {
      job->awaiting_ack = false;
      job->state = JobState::kRunning;
      ++job->update_count;
      cv_.notify_all();
      return WithStatus(ApiResponse::Text(200, "200"), job->state);
    }
    job->validation_errors.push_back("PUT state=" + state + " before acknowledging the job (two-phase commit)");
    return WithStatus(ApiResponse::Message(400, "400 Bad request - job is not running"), job->state);
  }
  if (job->state != JobState::kRunning && job->state != JobState::kCanceling) {
    return WithStatus(ApiResponse::Message(403, "403 Forbidden  - Job is not running"), job->state);
  }
  if (state == "pending") {
    job->validation_errors.push_back("PUT state=pending for a job that is not waiting for acknowledgement");
    return WithStatus(ApiResponse::Message(400, "400 Bad request - job is not pending"), job->state);
  }
  if (state == "running") {
    ++job->update_count;
    return WithStatus(ApiResponse::Text(200, "200"), job->state);
  }
  return UpdateFinalLocked(*job, p, state == "success" ? JobState::kSuccess : JobState::kFailed);
}

ApiResponse Coordinator::UpdateFinalLocked(JobRecord& job, const json& p, JobState wanted) {
  ++job.update_count;
  ++job.final_update_count;
  const json output = p.value("output", json::object());
  const std::string stored_crc = TraceChecksum(job.trace);
  bool mismatch = false;

  std::string checksum = output.is_object() ? Str(output, "checksum") : "";
  const std::string legacy = Str(p, "checksum");
  if (checksum.empty()) checksum = legacy;
  if (!legacy.empty() && legacy != checksum) job.validation_errors.push_back("checksum differs from output.checksum");
  if (!checksum.empty()) {
    job.checksum_ok = checksum == stored_crc;
    if (!*job.checksum_ok) {
      mismatch = true;
      job.validation_errors.push_back("output.checksum " + checksum + " != stored trace " + stored_crc);
    }
  } else if (Feature(job.runner_features, "trace_checksum")) {
    job.validation_errors.push_back("final PUT without output.checksum although trace_checksum is advertised");
  }
  if (output.is_object() && output.contains("bytesize")) {
    const json& b = output["bytesize"];
    job.bytesize_ok = b.is_number_integer() && b.get<int64_t>() == static_cast<int64_t>(job.trace.size());
    if (!*job.bytesize_ok) {
      mismatch = true;
      job.validation_errors.push_back("output.bytesize " + b.dump() + " != stored trace length " +
                                      std::to_string(job.trace.size()));
    }
  } else if (Feature(job.runner_features, "trace_size")) {
    job.validation_errors.push_back("final PUT without output.bytesize although trace_size is advertised");
  }

  if (mismatch && options_.reset_trace_on_mismatch && Feature(job.runner_features, "trace_reset") &&
      job.trace_reset_count == 0) {
    ++job.trace_reset_count;
    job.trace.clear();
    return WithStatus(ApiResponse::Message(412, "412 Precondition Failed"), job.state);
  }
  if (job.final_update_count <= options_.final_update_accept_after) {
    ApiResponse r = WithStatus(ApiResponse::Text(202, "202"), job.state);
    r.SetHeader("X-GitLab-Trace-Update-Interval", std::to_string(options_.final_update_retry_interval_seconds));
    return r;
  }

  if (p.contains("exit_code")) {
    if (p["exit_code"].is_number_integer()) job.exit_code = p["exit_code"].get<int>();
    else job.validation_errors.push_back("exit_code is not an integer");
  }
  std::string reason;
  if (wanted == JobState::kFailed) {
    reason = Str(p, "failure_reason");
    if (reason.empty()) {
      reason = "unknown_failure";
    } else if (!IsKnownFailureReason(reason)) {
      job.validation_errors.push_back("unknown failure_reason \"" + reason + "\" stored as unknown_failure");
      reason = "unknown_failure";
    }
  } else if (job.exit_code.value_or(0) != 0) {
    job.validation_errors.push_back("state=success with a non-zero exit_code");
  }
  FinishLocked(job, job.state == JobState::kCanceling ? JobState::kCanceled : wanted, reason);
  return WithStatus(ApiResponse::Text(200, "200"), job.state);
}

}  // namespace coordinator

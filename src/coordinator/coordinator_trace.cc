// PATCH /jobs/:id/trace, as lib/api/ci/runner.rb + Ci::AppendBuildTraceService answer it.
#include <cstdlib>

#include "coordinator/coordinator.h"

namespace coordinator {
namespace {

ApiResponse WithStatus(ApiResponse r, JobState s) {
  r.SetHeader("Job-Status", JobStateName(s));
  return r;
}

// "<digits>" → value; false for anything else (no sign, no spaces).
bool ParseOffset(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

ApiResponse Coordinator::AppendTrace(const TraceChunk& c) {
  std::lock_guard<std::mutex> l(mu_);
  JobRecord* job = FindJobLocked(c.job_id);
  if (job == nullptr) return ApiResponse::Message(404, "404 Not Found");
  if (c.token.empty() || job->token.empty() || c.token != job->token) return ApiResponse::Message(403, "403 Forbidden");
  if (job->state != JobState::kRunning && job->state != JobState::kCanceling) {
    return WithStatus(ApiResponse::Message(403, "403 Forbidden  - Job is not running"), job->state);
  }
  if (!c.content_range) return WithStatus(ApiResponse::Message(400, "400 Missing header Content-Range"), job->state);

  std::string range = *c.content_range;
  if (range.rfind("bytes ", 0) == 0) {
    job->validation_errors.push_back("Content-Range \"" + range + "\" has a \"bytes \" prefix");
    range = range.substr(6);
  }
  const auto dash = range.find('-');
  int64_t start = 0, end = 0;
  if (dash == std::string::npos || !ParseOffset(range.substr(0, dash), &start) ||
      !ParseOffset(range.substr(dash + 1), &end)) {
    job->validation_errors.push_back("malformed Content-Range \"" + *c.content_range + "\"");
    return WithStatus(ApiResponse::Message(400, "400 Bad request - malformed Content-Range"), job->state);
  }
  const int64_t stored = static_cast<int64_t>(job->trace.size());
  if (start != stored) {
    ApiResponse r = WithStatus(ApiResponse::Message(416, "416 Range Not Satisfiable"), job->state);
    r.SetHeader("Range", "0-" + std::to_string(stored));
    return r;
  }
  const int64_t len = static_cast<int64_t>(c.body.size());
  if (len == 0) {
    job->validation_errors.push_back("empty trace PATCH at offset " + std::to_string(start));
  } else if (end == start + len) {
    job->validation_errors.push_back("Content-Range " + *c.content_range + " has an exclusive end (expected " +
                                     std::to_string(start) + "-" + std::to_string(start + len - 1) + ")");
  } else if (end != start + len - 1) {
    job->validation_errors.push_back("Content-Range " + *c.content_range + " does not match the body length " +
                                     std::to_string(len));
  }
  if (!c.content_type.empty() && c.content_type.rfind("text/plain", 0) != 0) {
    job->validation_errors.push_back("trace PATCH with Content-Type " + c.content_type);
  }
  if (c.debug_trace) {
    if (*c.debug_trace == "true") job->debug_trace = true;
    else if (*c.debug_trace != "false") job->validation_errors.push_back("debug_trace=" + *c.debug_trace);
  }
  if (options_.trace_size_limit_bytes > 0 && stored + len > options_.trace_size_limit_bytes) {
    job->validation_errors.push_back("trace size limit of " + std::to_string(options_.trace_size_limit_bytes) +
                                     " bytes exceeded");
    FinishLocked(*job, JobState::kFailed, "trace_size_exceeded");
    return WithStatus(ApiResponse::Message(403, "403 Forbidden - trace size exceeded"), job->state);
  }

  job->trace += c.body;
  ++job->trace_patch_count;
  cv_.notify_all();
  ApiResponse r = WithStatus(ApiResponse::Empty(202), job->state);
  r.SetHeader("Range", "0-" + std::to_string(job->trace.size()));
  r.SetHeader("X-GitLab-Trace-Update-Interval", std::to_string(options_.trace_update_interval_seconds));
  return r;
}

}  // namespace coordinator

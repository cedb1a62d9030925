// Job-level calls: request a job, update it, append to its trace (protocol reference
// §2.7-2.9).
#include <charconv>

#include <nlohmann/json.hpp>

#include "gitlab/client.h"
#include "gitlab/http_answer.h"
#include "gitlab/job_payload_parse.h"

namespace gitlab {
namespace {

using nlohmann::ordered_json;

constexpr util::Duration kMaxUpdateInterval = std::chrono::minutes(15);

bool ParseInt64(std::string_view s, int64_t& out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Job-Status, graceful cancel and X-GitLab-Trace-Update-Interval, common to PUT and PATCH.
void ReadMeta(const util::HttpResponse& r, JobCallMeta& meta) {
  meta.status = r.status;
  meta.job_status = r.headers.GetOr("Job-Status");
  meta.cancel_requested = meta.job_status == "canceling";
  int64_t seconds = 0;
  if (ParseInt64(r.headers.GetOr("X-GitLab-Trace-Update-Interval"), seconds) && seconds > 0) {
    meta.update_interval = seconds >= std::chrono::duration_cast<std::chrono::seconds>(kMaxUpdateInterval).count()
                               ? kMaxUpdateInterval
                               : util::Duration(std::chrono::seconds(seconds));
  }
}

// §2.8 step 1: the remote job is over, or the token no longer works.
bool IsAbort(const util::HttpResponse& r, const JobCallMeta& meta) {
  return meta.job_status == "canceled" || meta.job_status == "failed" || r.status == 403;
}

util::HttpHeaders JobHeaders(const std::string& job_token, const char* content_type) {
  return util::HttpHeaders{{"JOB-TOKEN", job_token}, {"Content-Type", content_type}};
}

}  // namespace

RequestJobResult Client::RequestJob(const std::string& token, const std::string& system_id,
                                    const std::string& last_update, const VersionInfo& info,
                                    util::HttpAbort* abort) {
  RequestJobResult out;
  out.last_update = last_update;
  if (!url_status_.ok()) {
    out.kind = RequestJobResult::Kind::kClientError;
    out.message = url_status_.message();
    return out;
  }
  ordered_json body = ordered_json::object();
  body["info"] = VersionInfoJson(info);
  body["token"] = token;
  if (!system_id.empty()) body["system_id"] = system_id;
  if (!last_update.empty()) body["last_update"] = last_update;

  util::HttpHeaders headers{{"RUNNER-TOKEN", token},
                            {"Content-Type", "application/json"},
                            {"Accept", "application/json"}};
  auto r = Send({"POST", "jobs/request", std::move(headers), body.dump(), abort});
  out.status = r.status;
  std::string queue_version = r.headers.GetOr("X-GitLab-Last-Update");
  if (!queue_version.empty()) out.last_update = queue_version;
  out.long_polling = r.headers.GetOr("Gitlab-Ci-Builds-Polling") == "yes";
  out.hold_ended = r.status == 204 && queue_version.empty() && !last_update.empty();

  switch (r.status) {
    case 201: {
      if (!IsJsonResponse(r)) {
        out.message = "POST /jobs/request: 201 without Content-Type application/json";
        return out;
      }
      auto payload = ParseJobPayload(r.body);
      if (!payload.ok()) {
        out.message = "POST /jobs/request: " + payload.status().message();
        return out;
      }
      out.kind = RequestJobResult::Kind::kJob;
      out.payload = std::move(payload).value();
      out.payload_json = std::move(r.body);
      out.correlation_id = r.headers.GetOr("X-Request-Id");
      return out;
    }
    case 204:
      out.kind = RequestJobResult::Kind::kNoJob;
      return out;
    case 403:
      out.kind = RequestJobResult::Kind::kForbidden;
      out.message = StatusFromResponse("POST /jobs/request", r).message();
      return out;
    default:
      out.message = StatusFromResponse("POST /jobs/request", r).message();
      return out;
  }
}

UpdateJobResult Client::UpdateJob(int64_t job_id, const std::string& job_token, const JobUpdate& u) {
  UpdateJobResult out;
  if (!url_status_.ok()) {
    out.message = url_status_.message();
    return out;
  }
  ordered_json body = ordered_json::object();
  body["info"] = VersionInfoJson(u.info);
  body["token"] = job_token;
  body["state"] = JobStateName(u.state);
  if (!u.failure_reason.empty()) body["failure_reason"] = u.failure_reason;
  if (!u.checksum.empty()) body["checksum"] = u.checksum;
  ordered_json output = ordered_json::object();
  if (!u.checksum.empty()) output["checksum"] = u.checksum;
  if (u.bytesize != 0) output["bytesize"] = u.bytesize;
  body["output"] = std::move(output);
  if (u.exit_code != 0) body["exit_code"] = u.exit_code;

  std::string what = "PUT /jobs/" + std::to_string(job_id);
  auto r = Send({"PUT", "jobs/" + std::to_string(job_id), JobHeaders(job_token, "application/json"), body.dump()});
  ReadMeta(r, out);
  using Kind = UpdateJobResult::Kind;
  if (IsAbort(r, out)) {
    out.kind = Kind::kAbort;
  } else if (r.status == 200) {
    out.kind = Kind::kOk;
  } else if (r.status == 202) {
    out.kind = Kind::kAccepted;
  } else if (r.status == 412) {
    out.kind = Kind::kTraceReset;
  } else if (r.status == 404) {
    out.kind = Kind::kNotFound;
  } else {
    out.kind = Kind::kFailed;
    out.message = StatusFromResponse(what, r).message();
  }
  return out;
}

PatchTraceResult Client::PatchTrace(int64_t job_id, const std::string& job_token, int64_t offset,
                                    std::string_view bytes, bool debug_trace) {
  using Kind = PatchTraceResult::Kind;
  PatchTraceResult out;
  out.new_offset = offset;
  if (!url_status_.ok()) {
    out.message = url_status_.message();
    return out;
  }
  if (bytes.empty()) {
    out.kind = Kind::kOk;
    return out;
  }
  int64_t end = offset + static_cast<int64_t>(bytes.size()) - 1;  // inclusive
  util::HttpHeaders headers = JobHeaders(job_token, "text/plain");
  headers.Add("Content-Range", std::to_string(offset) + "-" + std::to_string(end));
  std::string path = "jobs/" + std::to_string(job_id) + "/trace?debug_trace=" + (debug_trace ? "true" : "false");
  std::string what = "PATCH /jobs/" + std::to_string(job_id) + "/trace";
  auto r = Send({"PATCH", std::move(path), std::move(headers), std::string(bytes)});
  ReadMeta(r, out);
  if (IsAbort(r, out)) {
    out.kind = Kind::kAbort;
  } else if (r.status == 202) {
    out.kind = Kind::kOk;
    out.new_offset = end + 1;
  } else if (r.status == 404) {
    out.kind = Kind::kNotFound;
  } else if (r.status == 416) {
    // Range: 0-<GitLab's stored length>; the next chunk starts there.
    std::string range = r.headers.GetOr("Range");
    size_t dash = range.find('-');
    int64_t length = 0;
    if (dash != std::string::npos && ParseInt64(std::string_view(range).substr(dash + 1), length) && length >= 0) {
      out.kind = Kind::kRangeMismatch;
      out.new_offset = length;
    } else {
      out.kind = Kind::kFailed;
      out.message = what + ": HTTP 416 without a usable Range header";
    }
  } else {
    out.kind = Kind::kFailed;
    out.message = StatusFromResponse(what, r).message();
  }
  return out;
}

}  // namespace gitlab

#pragma once
// gitlab::Client: the runner side of the GitLab runner API (protocol reference §1, §2, §4.1).
// Every call goes through the generic retry layer (retry.h): 408/429/5xx are retried up to
// 5 attempts in total, waiting as the response says; transport errors are not retried. The
// final answer is then read as §2 says for that endpoint.
//
// Every request carries User-Agent "gitlab-runner <version> (spotrunner; c++; linux/<arch>)",
// a fresh X-Request-Id, and RUNNER-TOKEN or JOB-TOKEN. Tokens are never logged and never put
// into returned messages.
//
// Thread: all methods may be called concurrently; the client keeps a pool of HTTP
// connections (one util::HttpClient per concurrent caller), so keep-alive is reused.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gitlab/job_payload.h"
#include "gitlab/runner_info.h"
#include "util/clock.h"
#include "util/http_client.h"
#include "util/status.h"

namespace gitlab {

// Waits `d` before a retry; returns false when the wait was interrupted (shutdown, job
// cancelled): the client then stops retrying and answers with the last response.
using Sleeper = std::function<bool(util::Duration d)>;

// A Sleeper that really sleeps (std::this_thread::sleep_for) and always returns true.
Sleeper RealSleeper();

struct ClientOptions {
  // TLS: CA bundle added to verify GitLab, client certificate and key (all optional).
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;

  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  // Whole-request deadline for every call. Must stay well above the ~50 s long poll of
  // POST /jobs/request (the real runner waits 10 min for response headers).
  std::chrono::milliseconds request_timeout{std::chrono::minutes(10)};
  std::chrono::seconds connection_max_age{std::chrono::minutes(15)};

  int max_attempts = 5;  // per request, first attempt included (§4.1)
  uint64_t seed = 0;     // drives jitter and request ids; 0: seeded from std::random_device
  Sleeper sleeper;       // retry waits; empty: RealSleeper()
  // Replaces the pooled libcurl clients (tests, fault injection). Not owned; must outlive
  // the Client and be safe to call concurrently if the Client is.
  util::HttpTransport* transport = nullptr;
};

// What POST /runners (register), /runners/verify and reset return.
struct RunnerCredentials {
  int64_t id = 0;                // 0 when GitLab did not say (legacy verify, reset)
  std::string token;             // runner authentication token: never log it
  std::string token_expires_at;  // as GitLab sent it ("2021-09-27T21:05:03.203Z"), "" for null
  util::Time token_obtained_at;  // the Clock's now when the answer arrived
};

struct RegisterParams {
  std::string registration_token;  // never logged
  std::string description;
  std::string maintenance_note;     // omitted when empty
  std::vector<std::string> tags;    // sent as a comma-separated tag_list (omitted when empty)
  bool run_untagged = true;
  bool locked = false;
  bool paused = false;
  std::string access_level;         // "not_protected" | "ref_protected"; omitted when empty
  int64_t maximum_timeout = 0;      // seconds; omitted when 0
  VersionInfo info;
};

struct RequestJobResult {
  enum class Kind {
    kJob,          // 201 with a valid payload
    kNoJob,        // 204: nothing to do, poll again
    kFailed,       // anything else (4xx/5xx, transport, unusable 201 body); runner stays healthy
    kForbidden,    // 403: the runner token is invalid; counts toward "unhealthy" (§4.3)
    kClientError,  // the runner URL is unusable; counts toward "unhealthy"
  };
  Kind kind = Kind::kFailed;
  int status = 0;            // HTTP status, 0 for transport/client errors
  std::string payload_json;  // the 201 body as received (contains secrets: never log it)
  std::optional<JobPayload> payload;  // set exactly when kind == kJob
  // The queue version to send as last_update next time: X-GitLab-Last-Update when the
  // response carried a non-empty one, otherwise the value passed in (Workhorse's own 204s
  // carry none).
  std::string last_update;
  // Workhorse long-polls this runner's requests (Gitlab-Ci-Builds-Polling: yes).
  bool long_polling = false;
  // A 204 without X-GitLab-Last-Update: Workhorse ended a held request because the
  // runner's queue changed or the hold timed out (Rails always sends the header).
  bool hold_ended = false;
  std::string correlation_id;  // X-Request-Id of the 201 response
  std::string message;         // why, for kFailed/kForbidden/kClientError (no secrets)
};

enum class JobState { kPending, kRunning, kSuccess, kFailed };
const char* JobStateName(JobState s);  // "pending", "running", "success", "failed"

struct JobUpdate {
  JobState state = JobState::kRunning;
  std::string failure_reason;  // only with kFailed (map it with MapFailureReason); omitted when empty
  int exit_code = 0;           // omitted when 0
  std::string checksum;        // "crc32:<8 hex>"; omitted when empty
  int64_t bytesize = 0;        // omitted when 0
  VersionInfo info;
};

// How GitLab answered a job-level call, after §2.8's interpretation order.
struct JobCallMeta {
  int status = 0;          // HTTP status, 0 for transport/client errors
  std::string job_status;  // the Job-Status header ("running", "canceling", "canceled", ...)
  bool cancel_requested = false;  // Job-Status: canceling -> cancel gracefully (§3.4)
  // A positive X-GitLab-Trace-Update-Interval, capped at 15 min; nullopt when absent.
  std::optional<util::Duration> update_interval;
  std::string message;  // for kFailed (no secrets)
};

struct UpdateJobResult : JobCallMeta {
  enum class Kind {
    kOk,          // 200
    kAccepted,    // 202: final state received, not completed: repeat after update_interval
    kAbort,       // Job-Status canceled/failed, or 403: stop the job, no after_script
    kTraceReset,  // 412: resend the whole trace from offset 0, then repeat
    kNotFound,    // 404: the job is gone; treat like kAbort
    kFailed,      // transport error or any other status: retry later
  };
  Kind kind = Kind::kFailed;
};

struct PatchTraceResult : JobCallMeta {
  enum class Kind {
    kOk,             // 202 only (or nothing to send)
    kRangeMismatch,  // 416: continue from new_offset (GitLab's stored length)
    kNotFound,       // 404
    kAbort,          // Job-Status canceled/failed, or 403
    kFailed,         // transport error or any other status (200 included)
  };
  Kind kind = Kind::kFailed;
  // Where the next chunk starts: offset + bytes for kOk, GitLab's length for
  // kRangeMismatch, the given offset otherwise.
  int64_t new_offset = 0;
};

class Client {
 public:
  // `base_url` is the configured GitLab URL (see NormalizeApiUrl). A bad URL does not fail
  // here: every call then fails (RequestJob with kClientError). `clock` must outlive this.
  Client(std::string_view base_url, ClientOptions options, util::Clock& clock);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // OK, or why the configured URL is unusable.
  const util::Status& url_status() const { return url_status_; }
  // The normalised API base, e.g. "https://gitlab.example.com/api/v4/" ("" when invalid).
  const std::string& api_url() const { return api_url_; }

  // POST /runners with a legacy registration token. 201 -> credentials (id, token,
  // expiry). 403 -> kPermissionDenied ("check registration token"), 410 ->
  // kFailedPrecondition (registration tokens disabled), transport/5xx -> kUnavailable,
  // others -> kInvalidArgument / kInternal.
  util::Result<RunnerCredentials> RegisterRunner(const RegisterParams& params);

  // POST /runners/verify. 200 + JSON -> credentials; 200 with a non-JSON (legacy) body ->
  // id 0 and `token` echoed. 403 -> kPermissionDenied; 422 -> kFailedPrecondition.
  util::Result<RunnerCredentials> VerifyRunner(const std::string& token, const std::string& system_id,
                                               const VersionInfo& info);

  // DELETE /runners (legacy tokens). OK only on 204.
  util::Status UnregisterRunner(const std::string& token);
  // DELETE /runners/managers (glrt- tokens). OK only on 204; 404 -> kNotFound.
  util::Status UnregisterManager(const std::string& token, const std::string& system_id);

  // POST /runners/reset_authentication_token. 201 -> the new token and its expiry (id 0).
  util::Result<RunnerCredentials> ResetToken(const std::string& token);

  // POST /jobs/request. `last_update` is omitted from the body when empty, `system_id`
  // too. May block for the whole long poll (~50 s); never retried beyond §4.1.
  // `abort` (optional, not owned) ends a held request at once (kFailed, "aborted"); the
  // runner fires it when it stops asking for jobs (shutdown, entry removed).
  RequestJobResult RequestJob(const std::string& token, const std::string& system_id,
                              const std::string& last_update, const VersionInfo& info,
                              util::HttpAbort* abort = nullptr);

  // PUT /jobs/:id with JOB-TOKEN; the body carries info, token, state, failure_reason,
  // checksum, output {checksum, bytesize}, exit_code (§2.8).
  UpdateJobResult UpdateJob(int64_t job_id, const std::string& job_token, const JobUpdate& update);

  // PATCH /jobs/:id/trace?debug_trace=<bool> with Content-Range "<offset>-<offset+len-1>"
  // and Content-Type text/plain (§2.9). Empty `bytes` are not sent (kOk, offset kept).
  PatchTraceResult PatchTrace(int64_t job_id, const std::string& job_token, int64_t offset,
                              std::string_view bytes, bool debug_trace);

 private:
  struct Call {
    std::string method;
    std::string path;  // relative to api_url_, may carry a query
    util::HttpHeaders headers;
    std::string body;
    util::HttpAbort* abort = nullptr;
  };
  // Sends with the common headers and the §4.1 retry loop; returns the final response.
  util::HttpResponse Send(Call call);
  util::HttpResponse SendOnce(const util::HttpRequest& request);
  std::string NextRequestId();
  util::Result<RunnerCredentials> ReadCredentials(const util::HttpResponse& r, std::string_view what,
                                                  const std::string& fallback_token) const;

  std::string api_url_;
  util::Status url_status_;
  ClientOptions options_;
  util::Clock& clock_;
  std::string user_agent_;

  std::mutex mu_;  // guards rng_ and idle_
  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<util::HttpClient>> idle_;
};

}  // namespace gitlab

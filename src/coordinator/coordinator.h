#pragma once
// Coordinator: the GitLab side of the runner protocol over an in-memory job queue.
// It behaves as GitLab Rails + Workhorse do (status codes, headers, payload shapes,
// queue versions, long polling, cancellation, two-phase commit) and records every
// deviation a runner makes from the protocol in the job's validation_errors.
//
// Runner-API methods take the request's parsed JSON parameters and return the exact
// answer (ApiResponse); the HTTP layer (server.h) only moves bytes. Admin methods
// return util::Result.
//
// Thread-safe: every method may be called from any thread. RequestJob and WaitForJob
// block (long polling); Shutdown() wakes them.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coordinator/api_response.h"
#include "coordinator/artifact_store.h"
#include "coordinator/faults.h"
#include "coordinator/git_mirror.h"
#include "coordinator/options.h"
#include "coordinator/records.h"
#include "coordinator/request_log.h"
#include "coordinator/tokens.h"
#include "util/clock.h"
#include "util/status.h"

namespace coordinator {

// One PATCH /jobs/:id/trace request.
struct TraceChunk {
  int64_t job_id = 0;
  std::string token;                         // JOB-TOKEN header, else ?token=
  std::optional<std::string> content_range;  // raw header; nullopt when missing
  std::string content_type;
  std::string body;
  std::optional<std::string> debug_trace;  // raw ?debug_trace= value
};

class Coordinator {
 public:
  explicit Coordinator(CoordinatorOptions options, util::Clock& clock = util::SystemClock::Get());
  ~Coordinator();
  Coordinator(const Coordinator&) = delete;
  Coordinator& operator=(const Coordinator&) = delete;

  const CoordinatorOptions& options() const { return options_; }
  // The advertised URL (no trailing "/"). Server::Start sets it when options left it empty.
  void SetBaseUrl(const std::string& url);
  std::string base_url() const;

  // ---- Runner API (/api/v4). See README.md for every status code.
  ApiResponse RegisterRunner(const nlohmann::json& params);        // POST /runners
  ApiResponse VerifyRunner(const nlohmann::json& params);          // POST /runners/verify
  ApiResponse DeleteRunner(const nlohmann::json& params);          // DELETE /runners
  ApiResponse DeleteRunnerManager(const nlohmann::json& params);   // DELETE /runners/managers
  ApiResponse ResetRunnerToken(const nlohmann::json& params);      // POST /runners/reset_authentication_token
  // POST /jobs/request after Workhorse's size/type checks. May block for
  // options().long_poll_duration when params.last_update is the runner's current version.
  ApiResponse RequestJob(const nlohmann::json& params);
  // PUT /jobs/:id. `header_token` is JOB-TOKEN ("" when absent).
  ApiResponse UpdateJob(int64_t job_id, const std::string& header_token, const nlohmann::json& params);
  // PATCH /jobs/:id/trace.
  ApiResponse AppendTrace(const TraceChunk& chunk);

  // ---- Admin API.
  // Queues a job; for a local repository also prepares the mirror served over HTTP and
  // resolves the sha. On failure: InvalidArgument (bad spec or repository).
  util::Result<int64_t> EnqueueJob(JobSpec spec);
  // A copy of the job record. NotFound if no such job.
  util::Result<JobRecord> GetJob(int64_t id) const;
  std::vector<JobRecord> ListJobs() const;
  // Blocks until the job is final (success/failed/canceled) or `timeout` passes, then
  // returns its record (final or not). NotFound if no such job.
  util::Result<JobRecord> WaitForJob(int64_t id, std::chrono::milliseconds timeout) const;
  // Cancels a job: pending → canceled; running → canceling when its runner advertised
  // cancel_gracefully and !force, else canceled; canceling → canceled with force.
  // Returns the new state. NotFound; FailedPrecondition when already final.
  util::Result<JobState> CancelJob(int64_t id, bool force);
  // A new registration token accepted by POST /runners.
  std::string CreateRegistrationToken();
  // Creates a runner as the GitLab UI does (glrt- token): 201 {id, token, token_expires_at}.
  // Accepts the same settings as POST /runners except `token`.
  ApiResponse CreateRunner(const nlohmann::json& params);
  std::vector<RunnerRecord> ListRunners() const;

  RequestLog& request_log() { return request_log_; }
  FaultInjector& faults() { return faults_; }
  // Serves git smart-HTTP for local repositories (used by the HTTP layer).
  GitMirrors& git_mirrors() { return *git_; }
  // Checks a job token for clone access to `project_path` (gitlab-ci-token:<token>): the
  // job's own project and its spec's git.projects, while the job runs.
  bool JobTokenCanRead(const std::string& project_path, const std::string& token) const;

  // ---- Git LFS (coordinator_lfs.cc; HTTP in http_lfs.cc), as GitLab's LFS API answers a
  // job token that may read `project_path` (the HTTP layer checked that).
  // POST <project>.git/info/lfs/objects/batch. `request`: the body when it was JSON
  // (application/vnd.git-lfs+json or application/json), else null. `authorization`: the
  // request's Authorization header, which GitLab hands back for the downloads.
  // operation download: 200 {"objects": [...]}, each object as sent plus a download action
  // (href <base_url>/<project>.git/gitlab-lfs/objects/<oid>) when stored, else an error
  // 404; no objects: 404. upload (a job token cannot push) or another operation: 403.
  ApiResponse LfsBatch(const std::string& project_path, const nlohmann::json& request,
                       const std::string& authorization) const;
  // GET <project>.git/gitlab-lfs/objects/<oid>: nullopt = 404 (LfsNotFound()).
  std::optional<std::filesystem::path> LfsObjectFile(const std::string& project_path, const std::string& oid) const;
  // GitLab's LFS errors (application/vnd.git-lfs+json): 404 "Not found." and 403
  // "Access forbidden. Check your access level.".
  ApiResponse LfsNotFound() const;
  ApiResponse LfsForbidden() const;

  // ---- Job artifacts (coordinator_artifacts.cc; HTTP in http_artifacts.cc).
  // Where uploads are kept (created on first use).
  ArtifactStore& artifact_store();
  // May `token` upload artifacts for job `job_id`? nullopt = yes; else the answer:
  // 404 unknown job, 403 wrong token or job not running.
  std::optional<ApiResponse> CheckArtifactsUpload(int64_t job_id, const std::string& token);
  // Records a finished upload (the archive also becomes the job's artifacts_file): 201.
  ApiResponse FinishArtifactsUpload(int64_t job_id, StoredArtifact artifact);
  // GET /jobs/:id/artifacts: 401 no token, 403 token of no running job of that project,
  // 404 no such job or no archive; 200 with `*out` set.
  ApiResponse FindArtifactsArchive(int64_t job_id, const std::string& token, StoredArtifact* out);

  // Wakes every blocked RequestJob/WaitForJob/Sleep; later long polls return at once.
  void Shutdown();
  bool shutting_down() const;
  // Sleeps up to `d`; returns early on Shutdown.
  void Sleep(std::chrono::milliseconds d) const;

 private:
  RunnerRecord* FindRunnerLocked(const std::string& token);
  JobRecord* FindJobLocked(int64_t id);
  bool MatchesLocked(const RunnerRecord& runner, const JobSpec& spec) const;
  // Gives every runner that could take `spec` (all runners when null) a new queue version.
  void TickLocked(const JobSpec* spec);
  void ExpireAcksLocked();
  ManagerRecord& TouchManagerLocked(RunnerRecord& runner, const nlohmann::json& params);
  RunnerRecord& NewRunnerLocked(const nlohmann::json& params, bool created_in_ui);
  ApiResponse AssignLocked(RunnerRecord& runner, const ManagerRecord& manager, JobRecord& job);
  ApiResponse NoJobLocked(RunnerRecord& runner);
  void FinishLocked(JobRecord& job, JobState state, const std::string& reason);
  std::string RepoUrlLocked(const JobSpec& spec) const;
  nlohmann::json DependenciesLocked(const JobRecord& job) const;
  ApiResponse UpdateFinalLocked(JobRecord& job, const nlohmann::json& params, JobState wanted);

  const CoordinatorOptions options_;
  util::Clock& clock_;
  RequestLog request_log_;
  FaultInjector faults_;
  std::unique_ptr<GitMirrors> git_;
  std::shared_ptr<ArtifactStore> artifacts_;  // made on first use, under mu_

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;  // any queue/job change, and shutdown
  bool shutdown_ = false;
  std::string base_url_;
  TokenGenerator tokens_;
  std::vector<std::string> registration_tokens_;
  std::map<int64_t, RunnerRecord> runners_;
  std::map<int64_t, JobRecord> jobs_;  // ordered by id = queue order
  int64_t next_runner_id_ = 1;
  int64_t next_job_id_ = 1;
  int64_t next_pipeline_id_ = 1;
};

}  // namespace coordinator

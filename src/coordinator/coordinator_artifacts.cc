// Coordinator: job artifacts (POST/GET /jobs/:id/artifacts), as GitLab answers them.
#include "coordinator/coordinator.h"

namespace coordinator {

ArtifactStore& Coordinator::artifact_store() {
  std::lock_guard<std::mutex> l(mu_);
  if (!artifacts_) artifacts_ = std::make_shared<ArtifactStore>();
  return *artifacts_;
}

std::optional<ApiResponse> Coordinator::CheckArtifactsUpload(int64_t job_id, const std::string& token) {
  std::lock_guard<std::mutex> l(mu_);
  JobRecord* job = FindJobLocked(job_id);
  if (job == nullptr) return ApiResponse::Message(404, "404 Not Found");
  if (token.empty() || job->token.empty() || token != job->token) return ApiResponse::Message(403, "403 Forbidden");
  if (job->state != JobState::kRunning && job->state != JobState::kCanceling) {
    return ApiResponse::Message(403, "403 Forbidden  - Job is not running");
  }
  return std::nullopt;
}

ApiResponse Coordinator::FinishArtifactsUpload(int64_t job_id, StoredArtifact artifact) {
  bool archive = artifact.artifact_type == "archive";
  ArtifactsFile file{artifact.filename, artifact.size};
  artifact_store().Add(job_id, std::move(artifact));
  if (archive) {
    std::lock_guard<std::mutex> l(mu_);
    if (JobRecord* job = FindJobLocked(job_id)) job->artifacts_file = file;
  }
  return ApiResponse::Text(201, "201");
}

ApiResponse Coordinator::FindArtifactsArchive(int64_t job_id, const std::string& token, StoredArtifact* out) {
  if (token.empty()) return ApiResponse::Message(401, "401 Unauthorized");
  {
    std::lock_guard<std::mutex> l(mu_);
    JobRecord* job = FindJobLocked(job_id);
    if (job == nullptr) return ApiResponse::Message(404, "404 Not Found");
    bool allowed = false;
    for (const auto& [id, j] : jobs_) {
      if (j.token.empty() || j.token != token) continue;
      allowed = j.spec.project_path == job->spec.project_path &&
                (j.state == JobState::kRunning || j.state == JobState::kCanceling || id == job_id);
      break;
    }
    if (!allowed) return ApiResponse::Message(403, "403 Forbidden");
  }
  auto a = artifact_store().Archive(job_id);
  if (!a.ok()) return ApiResponse::Message(404, "404 Not Found");
  *out = *a;
  return ApiResponse::Empty(200);
}

}  // namespace coordinator

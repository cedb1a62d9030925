// Admin side of the coordinator: queueing, inspecting and cancelling jobs.
#include "coordinator/coordinator.h"

namespace coordinator {
namespace {

bool IsHttpUrl(const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; }

}  // namespace

util::Result<int64_t> Coordinator::EnqueueJob(JobSpec spec) {
  if (spec.script.empty()) return util::Status::InvalidArgument("job spec: script is required");
  if (spec.timeout_seconds <= 0) spec.timeout_seconds = options_.default_job_timeout_seconds;
  int64_t pipeline_id = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (spec.pipeline_id > 0) {
      next_pipeline_id_ = std::max(next_pipeline_id_, spec.pipeline_id + 1);
      pipeline_id = spec.pipeline_id;
    } else {
      pipeline_id = next_pipeline_id_++;
    }
  }
  if (!spec.git.repo_url.empty() && !IsHttpUrl(spec.git.repo_url)) {
    auto sha = git_->Prepare(spec.project_path, spec.git.repo_url, spec.git.ref, spec.git.ref_type, spec.git.sha,
                             pipeline_id);
    if (!sha.ok()) return sha.status();
    spec.git.sha = *sha;
  }
  for (const auto& [path, source] : spec.git.projects) {
    auto head = git_->Prepare(path, source, "", "branch", "HEAD", pipeline_id);
    if (!head.ok()) return util::Status::InvalidArgument("git.projects." + path + ": " + head.status().message());
  }
  if (spec.git.sha.empty()) spec.git.sha = std::string(40, '0');

  std::lock_guard<std::mutex> l(mu_);
  JobRecord job;
  job.id = next_job_id_++;
  job.spec = std::move(spec);
  job.pipeline_id = pipeline_id;
  job.queued_at = clock_.Now();
  const int64_t id = job.id;
  auto [it, inserted] = jobs_.emplace(id, std::move(job));
  TickLocked(&it->second.spec);
  return id;
}

util::Result<JobRecord> Coordinator::GetJob(int64_t id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return util::Status::NotFound("job " + std::to_string(id) + " not found");
  return it->second;
}

std::vector<JobRecord> Coordinator::ListJobs() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<JobRecord> out;
  for (const auto& [id, j] : jobs_) out.push_back(j);
  return out;
}

util::Result<JobRecord> Coordinator::WaitForJob(int64_t id, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(mu_);
  auto final_or_gone = [&] {
    auto it = jobs_.find(id);
    return shutdown_ || it == jobs_.end() || IsFinal(it->second.state);
  };
  cv_.wait_for(l, timeout, final_or_gone);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return util::Status::NotFound("job " + std::to_string(id) + " not found");
  return it->second;
}

util::Result<JobState> Coordinator::CancelJob(int64_t id, bool force) {
  std::lock_guard<std::mutex> l(mu_);
  JobRecord* job = FindJobLocked(id);
  if (job == nullptr) return util::Status::NotFound("job " + std::to_string(id) + " not found");
  if (IsFinal(job->state)) {
    return util::Status::FailedPrecondition("job " + std::to_string(id) + " is already " + JobStateName(job->state));
  }
  if (job->state == JobState::kPending) {
    FinishLocked(*job, JobState::kCanceled, "");
    TickLocked(&job->spec);
    return job->state;
  }
  const bool graceful = job->runner_features.is_object() && job->runner_features.value("cancel_gracefully", false);
  if (job->state == JobState::kRunning && graceful && !force) {
    job->state = JobState::kCanceling;
    cv_.notify_all();
    return job->state;
  }
  if (job->state == JobState::kCanceling && !force) {
    return util::Status::FailedPrecondition("job " + std::to_string(id) + " is already canceling; use force");
  }
  FinishLocked(*job, JobState::kCanceled, "");
  return job->state;
}

}  // namespace coordinator

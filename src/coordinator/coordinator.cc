#include "coordinator/coordinator.h"

#include <algorithm>

namespace coordinator {

Coordinator::Coordinator(CoordinatorOptions options, util::Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      git_(std::make_unique<GitMirrors>(options_.git_work_dir)),
      tokens_(options_.seed) {
  base_url_ = options_.base_url;
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  if (!options_.registration_token.empty()) registration_tokens_.push_back(options_.registration_token);
}

Coordinator::~Coordinator() { Shutdown(); }

void Coordinator::SetBaseUrl(const std::string& url) {
  std::lock_guard<std::mutex> l(mu_);
  base_url_ = url;
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string Coordinator::base_url() const {
  std::lock_guard<std::mutex> l(mu_);
  return base_url_;
}

void Coordinator::Shutdown() {
  std::lock_guard<std::mutex> l(mu_);
  shutdown_ = true;
  cv_.notify_all();
}

bool Coordinator::shutting_down() const {
  std::lock_guard<std::mutex> l(mu_);
  return shutdown_;
}

void Coordinator::Sleep(std::chrono::milliseconds d) const {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, d, [&] { return shutdown_; });
}

RunnerRecord* Coordinator::FindRunnerLocked(const std::string& token) {
  if (token.empty()) return nullptr;
  for (auto& [id, r] : runners_) {
    if (r.token == token) return &r;
  }
  return nullptr;
}

JobRecord* Coordinator::FindJobLocked(int64_t id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

bool Coordinator::MatchesLocked(const RunnerRecord& runner, const JobSpec& spec) const {
  if (spec.tags.empty()) return runner.run_untagged;
  return std::all_of(spec.tags.begin(), spec.tags.end(), [&](const std::string& t) {
    return std::find(runner.tags.begin(), runner.tags.end(), t) != runner.tags.end();
  });
}

void Coordinator::TickLocked(const JobSpec* spec) {
  for (auto& [id, r] : runners_) {
    if (spec == nullptr || MatchesLocked(r, *spec)) r.queue_version = tokens_.Hex32();
  }
  cv_.notify_all();
}

void Coordinator::ExpireAcksLocked() {
  const util::Time now = clock_.Now();
  for (auto& [id, job] : jobs_) {
    if (!job.awaiting_ack || now < job.ack_deadline) continue;
    job.awaiting_ack = false;
    job.token.clear();
    job.runner_id = 0;
    job.system_id.clear();
    job.payload = nullptr;
    job.validation_errors.push_back("two-phase commit: no PUT state=running within the ack timeout; job re-queued");
    TickLocked(&job.spec);
  }
}

void Coordinator::FinishLocked(JobRecord& job, JobState state, const std::string& reason) {
  job.state = state;
  job.failure_reason = state == JobState::kFailed ? reason : "";
  job.finished_at = clock_.Now();
  job.awaiting_ack = false;
  cv_.notify_all();
}

std::string Coordinator::RepoUrlLocked(const JobSpec& spec) const {
  const std::string& u = spec.git.repo_url;
  if (u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0) return u;
  return base_url_ + "/" + spec.project_path + ".git";
}

bool Coordinator::JobTokenCanRead(const std::string& project_path, const std::string& token) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [id, job] : jobs_) {
    if (job.token.empty() || job.token != token) continue;
    if (job.spec.project_path != project_path && !job.spec.git.projects.count(project_path)) continue;
    return job.state == JobState::kRunning || job.state == JobState::kCanceling ||
           (job.state == JobState::kPending && job.awaiting_ack);
  }
  return false;
}

nlohmann::json Coordinator::DependenciesLocked(const JobRecord& job) const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : job.spec.dependencies) {
    if (d.is_number_integer()) {
      auto it = jobs_.find(d.get<int64_t>());
      if (it == jobs_.end()) continue;
      nlohmann::json e = {{"id", it->first}, {"name", it->second.spec.name}, {"token", job.token}};
      if (it->second.artifacts_file) {
        e["artifacts_file"] = {{"filename", it->second.artifacts_file->filename},
                               {"size", it->second.artifacts_file->size}};
      }
      out.push_back(e);
    } else if (d.is_object()) {
      nlohmann::json e = d;
      if (!e.contains("token")) e["token"] = job.token;
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace coordinator

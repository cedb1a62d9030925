// POST /jobs/request: Workhorse's long poll, then Rails' Ci::RegisterJobService.
#include <algorithm>

#include "coordinator/coordinator.h"
#include "coordinator/payload.h"

namespace coordinator {
namespace {

using nlohmann::json;

std::string Str(const json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || !p[key].is_string()) return "";
  return p[key].get<std::string>();
}

bool HasFeature(const json& params, const std::string& name) {
  if (!params.contains("info") || !params["info"].is_object()) return false;
  const json& f = params["info"].value("features", json());
  return f.is_object() && f.contains(name) && f[name].is_boolean() && f[name].get<bool>();
}

ApiResponse WorkhorseNoContent() {
  ApiResponse r = ApiResponse::Empty(204);
  r.SetHeader("Gitlab-Ci-Builds-Polling", "yes");
  return r;
}

}  // namespace

ApiResponse Coordinator::NoJobLocked(RunnerRecord& runner) {
  ApiResponse r = ApiResponse::Empty(204);
  r.SetHeader("X-GitLab-Last-Update", runner.queue_version);
  return r;
}

ApiResponse Coordinator::RequestJob(const json& params) {
  const std::string token = Str(params, "token");
  const std::string last_update = Str(params, "last_update");
  const bool long_poll = options_.long_poll_duration.count() > 0;
  std::unique_lock<std::mutex> l(mu_);

  // Workhorse: with a token and a last_update equal to the queue version, wait for a change.
  if (long_poll && !token.empty() && !last_update.empty()) {
    RunnerRecord* r = FindRunnerLocked(token);
    if (r != nullptr && r->queue_version == last_update) {
      const int64_t runner_id = r->id;
      auto unchanged = [&] {
        auto it = runners_.find(runner_id);
        return it != runners_.end() && it->second.queue_version == last_update;
      };
      cv_.wait_for(l, options_.long_poll_duration, [&] { return shutdown_ || !unchanged(); });
      return WorkhorseNoContent();  // changed or timed out: 204 without X-GitLab-Last-Update
    }
  }

  // Rails.
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  RunnerRecord* runner = FindRunnerLocked(token);
  if (runner == nullptr) return ApiResponse::Message(403, "403 Forbidden");
  const ManagerRecord& manager = TouchManagerLocked(*runner, params);
  ApiResponse answer = NoJobLocked(*runner);
  if (!last_update.empty() && last_update == runner->queue_version) {
    // queue unchanged since the runner last looked
  } else if (runner->paused) {
    // paused runners get nothing
  } else {
    ExpireAcksLocked();
    for (auto& [id, job] : jobs_) {
      if (job.state != JobState::kPending || job.awaiting_ack || !MatchesLocked(*runner, job.spec)) continue;
      std::vector<std::string> missing;
      for (const auto& f : RequiredRunnerFeatures(job.spec)) {
        if (!HasFeature(params, f)) missing.push_back(f);
      }
      if (!missing.empty()) {
        std::string list;
        for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
        job.validation_errors.push_back("runner " + std::to_string(runner->id) + " lacks features: " + list);
        FinishLocked(job, JobState::kFailed, "runner_unsupported");
        TickLocked(&job.spec);
        answer = NoJobLocked(*runner);
        break;
      }
      answer = AssignLocked(*runner, manager, job);
      break;
    }
  }
  if (long_poll) answer.SetHeader("Gitlab-Ci-Builds-Polling", "yes");
  return answer;
}

ApiResponse Coordinator::AssignLocked(RunnerRecord& runner, const ManagerRecord& manager, JobRecord& job) {
  const util::Time now = clock_.Now();
  job.token = tokens_.JobToken();
  job.runner_id = runner.id;
  job.system_id = manager.system_id;
  job.runner_features = manager.info.is_object() ? manager.info.value("features", json::object()) : json::object();
  job.started_at = now;

  int64_t timeout = job.spec.timeout_seconds > 0 ? job.spec.timeout_seconds : options_.default_job_timeout_seconds;
  if (runner.maximum_timeout > 0) timeout = std::min(timeout, runner.maximum_timeout);
  int64_t queued = 0;
  for (const auto& [id, j] : jobs_) {
    if (j.state == JobState::kPending && !j.awaiting_ack) ++queued;
  }

  PayloadContext ctx;
  ctx.job = &job;
  ctx.runner = &runner;
  ctx.base_url = base_url_;
  ctx.repo_url = RepoUrlLocked(job.spec);
  ctx.server_version = options_.server_version;
  ctx.timeout_seconds = timeout;
  ctx.dependencies = DependenciesLocked(job);
  ctx.token_mask_prefixes = options_.token_mask_prefixes;
  ctx.time_in_queue_seconds = util::ToSeconds(now - job.queued_at);
  ctx.queue_size = queued - 1;
  ctx.now = now;
  job.payload = BuildJobPayload(ctx);

  if (manager.Feature("two_phase_job_commit")) {
    job.awaiting_ack = true;
    job.ack_deadline = now + options_.two_phase_ack_timeout;
  } else {
    job.state = JobState::kRunning;
  }
  // GitLab ticks runner queues when a job becomes pending (BuildQueueWorker), not when
  // one is taken: the other runners' holds go on. Waiters on the job's state wake.
  cv_.notify_all();
  return ApiResponse::Json(201, job.payload);
}

}  // namespace coordinator

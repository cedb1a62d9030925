#pragma once
// Runs one job that the manager received: picks the executor for the runner entry and
// drives job::JobRunner to the end (final update included). A seam so manager tests can
// count and hold jobs without running real ones.
#include <memory>
#include <string>

#include "config/config.h"
#include "gitlab/client.h"
#include "gitlab/job_payload.h"
#include "util/cancel.h"

namespace manager {

struct JobTicket {
  gitlab::JobPayload payload;
  config::RunnerConfig runner;  // the entry's settings when the job started
  std::string system_id;
  int concurrent_id = 0;
  gitlab::Client* client = nullptr;  // outlives the job
  std::string working_dir;
};

class JobLauncher {
 public:
  virtual ~JobLauncher() = default;
  // Blocks until the job has ended and GitLab was told. `interrupt` fires on a forceful
  // shutdown: the job must then end at once as runner_system_failure.
  virtual void RunJob(const JobTicket& ticket, const util::CancelToken& interrupt) = 0;
};

// The real launcher: shell and docker executors, job::JobRunner.
std::shared_ptr<JobLauncher> NewDefaultJobLauncher();

// True for the executors this build runs jobs with (shell, docker).
bool CanRunExecutor(const std::string& executor);

// The features a runner entry truly supports with its executor (sent in info.features).
gitlab::VersionInfo RunnerVersionInfo(const config::RunnerConfig& runner);

}  // namespace manager

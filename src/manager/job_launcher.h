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

namespace executor::docker {
class HelperImageSource;
}  // namespace executor::docker

namespace manager {

class FleetRunner;

struct JobTicket {
  gitlab::JobPayload payload;
  config::RunnerConfig runner;  // the entry's settings when the job started
  std::string system_id;
  int concurrent_id = 0;
  gitlab::Client* client = nullptr;  // outlives the job
  std::string working_dir;
  std::string job_user;  // shell executor: the user scripts run as ("" = the manager's)
  FleetRunner* fleet = nullptr;  // set for autoscaled entries; outlives the job
};

// How a job ended, for the metrics ("" state: GitLab refused it, nothing ran).
struct JobResult {
  std::string state;           // success | failed
  std::string failure_reason;  // as sent to GitLab
};

class JobLauncher {
 public:
  virtual ~JobLauncher() = default;
  // Blocks until the job has ended and GitLab was told. `interrupt` fires on a forceful
  // shutdown: the job must then end at once as runner_system_failure. With a fleet, the
  // job first waits for an instance lease, and releases it when it ends.
  virtual JobResult RunJob(const JobTicket& ticket, const util::CancelToken& interrupt) = 0;
};

// The real launcher: shell and docker executors on this host; instance (shell over the
// connection) and docker (Engine API through the connection) on fleet instances, whose
// Engines get the default helper image from `helper_source` (null: the package's archive,
// else this host's Engine; see executor/docker/helper_image_source.h).
std::shared_ptr<JobLauncher> NewDefaultJobLauncher(
    std::shared_ptr<executor::docker::HelperImageSource> helper_source = nullptr);

// True for the executors this build runs jobs with: shell, docker, and on fleet
// instances instance, docker-autoscaler and docker+machine.
bool CanRunExecutor(const std::string& executor);
// True for the executors that run jobs on autoscaled instances.
bool IsFleetExecutor(const std::string& executor);

// The features a runner entry truly supports with its executor (sent in info.features).
gitlab::VersionInfo RunnerVersionInfo(const config::RunnerConfig& runner);

}  // namespace manager

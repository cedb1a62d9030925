#pragma once
// The service containers a job asks for, as the docker executors get them: the runner's
// [[runners.docker.services]] first, then the job's `services:`, names and aliases expanded
// with the job's variables. Each service's environment is what gitlab-runner gives it: the
// job's public variables, then the service's own `variables` (a config service's
// `environment` entries), expanded with the job's variables and the service's.
#include <vector>

#include "config/config.h"
#include "executor/executor.h"
#include "gitlab/job_payload.h"
#include "job/variables.h"

namespace job {

std::vector<executor::ServiceSpec> ServiceSpecs(const gitlab::JobPayload& job, const config::RunnerConfig& runner,
                                                const JobVariables& vars);

}  // namespace job

#pragma once
// Where DOCKER_AUTH_CONFIG comes from, in gitlab-runner's order: the job's variable, else
// the [[runners]] `environment`, else the manager's own environment.
#include <optional>

#include "config/config.h"
#include "executor/executor.h"
#include "gitlab/job_payload.h"

namespace job {

std::optional<executor::DockerAuthSource> DockerAuthConfigSource(const gitlab::JobPayload& job,
                                                                 const config::RunnerConfig& runner);

}  // namespace job

#pragma once
// Which pull policies apply to a job's image, as gitlab-runner decides it: the job's
// image:pull_policy when set (each must be in allowed_pull_policies), else the runner's
// [runners.docker] pull_policy (default "always"); the list is a fallback chain.
#include <string>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace executor::docker {

enum class PullPolicy { kAlways, kIfNotPresent, kNever };

// "always", "if-not-present", "never".
const char* PullPolicyName(PullPolicy p);

// kInvalidArgument for an unknown policy name, or for a policy the runner does not allow:
// `pull_policy ([never]) defined in GitLab pipeline config is not one of the
// allowed_pull_policies ([always])` (the same wording with "Runner config" for the runner's
// own list). allowed_pull_policies defaults to the runner's pull_policy.
util::Result<std::vector<PullPolicy>> ResolvePullPolicies(const config::DockerConfig& docker,
                                                          const std::vector<std::string>& from_job);

}  // namespace executor::docker

#pragma once
// Parses the job payload GitLab returns from POST /jobs/request (protocol reference §5).
#include <string_view>

#include "gitlab/job_payload.h"
#include "util/status.h"

namespace gitlab {

// On success: the payload. Tolerant like the real runner: unknown keys are ignored, null is
// the same as absent (empty string, 0, false, empty list), null list entries are skipped,
// `executor_opts.*.user` may be an int or a string, numbers are accepted for ints whatever
// their JSON spelling. Unknown `executor_opts.docker` keys are listed in
// Image::unsupported_docker_opts (validating them is the job's business, not an error here).
// Required (present and not null): id, token, git_info.repo_url, git_info.sha, git_info.ref,
// variables, runner_info.timeout, and steps unless `run` is present.
// On failure: kInvalidArgument naming the field path, e.g.
//   job payload: field "git_info.sha": missing
//   job payload: field "variables[3].key": expected string, got number
// The message never contains field values (the payload carries secrets).
util::Result<JobPayload> ParseJobPayload(std::string_view json);

}  // namespace gitlab

#pragma once
// GIT_CLONE_PATH: a job's own project dir, allowed by [runners.custom_build_dir] enabled
// (default on for docker executors, off for shell, as in gitlab-runner) and only inside
// the builds dir.
#include <string>

#include "config/config.h"
#include "job/variables.h"
#include "util/status.h"

namespace job {

// Whether [runners.custom_build_dir] allows GIT_CLONE_PATH for `runner`.
bool CustomBuildDirEnabled(const config::RunnerConfig& runner);

// The project dir for `vars` (built with the default project dir): GIT_CLONE_PATH expanded
// with the job's variables when set, else `default_dir`. InvalidArgument with
// gitlab-runner's message when custom_build_dir is not enabled or the path is not inside
// `builds_dir` (after resolving "." and "..").
util::Result<std::string> ResolveProjectDir(const JobVariables& vars, const config::RunnerConfig& runner,
                                            const std::string& builds_dir, const std::string& default_dir);

}  // namespace job

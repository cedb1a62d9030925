#pragma once
// The last stage of every job, however it ended (success, failure, timeout, graceful or
// forced cancel, runner shutdown, executor failure): remove the file variables, the git
// credentials file and everything else in RUNNER_TEMP_PROJECT_DIR. Skipping it after an
// abort would leave secret file variables on disk for the next job on that host or
// instance, possibly another project's.
//
// It runs on a CancelToken of its own (the job's own tokens may have fired already),
// bounded by `limit`. When it could not run or failed, the caller must not give the
// environment another job (JobOutcome::cleanup_failed; the manager drops a fleet instance).
#include <chrono>
#include <string>

#include "executor/executor.h"

namespace job {

inline constexpr std::chrono::seconds kCleanupLimit{30};

// Runs `script` (ScriptBuilder::CleanupFileVariables) as stage cleanup_file_variables,
// output to `out`. Returns "" when it ran and exited 0, else what went wrong.
std::string RunJobCleanup(executor::Executor& exec, const std::string& script, executor::OutputSink& out,
                          std::chrono::milliseconds limit = kCleanupLimit);

}  // namespace job

#pragma once
// Runs one job from acknowledgement to final update (gitlab-runner's build lifecycle,
// protocol reference §3): acknowledge with PUT running, print the header, run the stages
// through the executor (prepare_executor, get_sources, step_<name>..., after_script,
// cleanup_file_variables), stream the masked trace, obey cancellation and the job
// timeout, then flush the trace and send the final state.
#include <string>

#include "config/config.h"
#include "executor/executor.h"
#include "gitlab/job_payload.h"
#include "job/job_channel.h"
#include "job/trace_buffer.h"
#include "job/trace_sender.h"
#include "util/cancel.h"
#include "util/clock.h"

namespace job {

struct JobRunnerParams {
  gitlab::JobPayload payload;
  config::RunnerConfig runner;
  std::string system_id;
  int concurrent_id = 0;
  // Trace timing (tests shorten it); the callbacks are set by the runner itself.
  TraceSenderOptions trace;
};

struct JobOutcome {
  bool reported = false;  // GitLab took the final state (or said the job is gone)
  bool dropped = false;   // GitLab refused the acknowledgement: nothing was run
  std::string state;      // success | failed
  std::string failure_reason;  // as sent (mapped to GitLab's list)
  int exit_code = 0;
  int64_t trace_bytes = 0;
  // The job's file variables and temp files could not be removed (job/job_cleanup.h):
  // its environment (a fleet instance) must not take another job.
  bool cleanup_failed = false;
};

class JobRunner {
 public:
  // `channel`, `executor` and `clock` must outlive Run.
  JobRunner(JobRunnerParams params, JobChannel& channel, executor::Executor& executor, const util::Clock& clock);
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Blocks until the job ended and GitLab was told. `interrupt` fires on a forceful
  // runner shutdown: the job then ends at once as runner_system_failure. Calls the
  // executor's Cleanup before returning.
  JobOutcome Run(const util::CancelToken& interrupt);

 private:
  JobRunnerParams p_;
  JobChannel& channel_;
  executor::Executor& executor_;
  const util::Clock& clock_;
};

// The project directory as the scripts see it: <builds root>/<project path>, with
// <short token>/<concurrent id>/ in between on shared executors (gitlab-runner's layout).
std::string ProjectDir(const gitlab::JobPayload& job, const std::string& builds_root, bool shared,
                       const std::string& short_token, int concurrent_id);

}  // namespace job

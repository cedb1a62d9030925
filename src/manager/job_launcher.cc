#include "manager/job_launcher.h"

#include <spdlog/spdlog.h>

#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_host.h"
#include "executor/shell/shell_executor.h"
#include "gitlab/failure_reason.h"
#include "job/gitlab_job_channel.h"
#include "job/job_runner.h"
#include "job/variables.h"

namespace manager {

namespace {

bool IsDocker(const std::string& e) { return e == "docker"; }

// Reports a job that could not even start (no executor) as a system failure, with a
// trace that says why, so GitLab can retry it elsewhere.
void FailWithoutExecutor(const JobTicket& t, const std::string& why) {
  gitlab::VersionInfo info = RunnerVersionInfo(t.runner);
  job::GitlabJobChannel channel(*t.client, t.payload.id, t.payload.token, info, false);
  std::string line = "\x1b[31;1mERROR: Job failed (system failure): " + why + "\x1b[0;m\n";
  channel.PatchTrace(0, line);
  job::JobState st;
  st.state = "failed";
  st.failure_reason = gitlab::MapFailureReason(gitlab::kRunnerSystemFailure, t.payload.features.failure_reasons);
  st.exit_code = 0;
  st.bytesize = static_cast<int64_t>(line.size());
  // The checksum is omitted: this short trace may not be all GitLab has if a PATCH failed.
  channel.UpdateState(st);
}

class DefaultJobLauncher final : public JobLauncher {
 public:
  void RunJob(const JobTicket& t, const util::CancelToken& interrupt) override {
    std::unique_ptr<executor::Executor> exec;
    if (t.runner.executor == "shell") {
      exec = std::make_unique<executor::ShellExecutor>(t.runner, t.working_dir);
    } else if (IsDocker(t.runner.executor)) {
      auto dialer = executor::docker::DialerForHost(t.runner.docker.host);
      if (!dialer.ok()) {
        FailWithoutExecutor(t, "docker host: " + dialer.status().message());
        return;
      }
      exec = std::make_unique<executor::docker::DockerExecutor>(t.runner, std::move(*dialer));
    } else {
      FailWithoutExecutor(t, "executor \"" + t.runner.executor + "\" is not available in this runner");
      return;
    }
    bool debug = false;
    for (const auto& v : t.payload.variables) {
      if (v.key == "CI_DEBUG_TRACE") debug = job::ParseGoBool(v.value).value_or(false);
    }
    job::GitlabJobChannel channel(*t.client, t.payload.id, t.payload.token, RunnerVersionInfo(t.runner), debug);
    job::JobRunnerParams p;
    p.payload = t.payload;
    p.runner = t.runner;
    p.system_id = t.system_id;
    p.concurrent_id = t.concurrent_id;
    job::JobRunner runner(std::move(p), channel, *exec, util::SystemClock::Get());
    job::JobOutcome o = runner.Run(interrupt);
    if (!o.dropped) {
      spdlog::info("Job {} {}{}{}", t.payload.id, o.state, o.failure_reason.empty() ? "" : " (" + o.failure_reason + ")",
                   o.reported ? "" : "; GitLab did not take the final state");
    }
  }
};

}  // namespace

bool CanRunExecutor(const std::string& executor) { return executor == "shell" || IsDocker(executor); }

std::shared_ptr<JobLauncher> NewDefaultJobLauncher() { return std::make_shared<DefaultJobLauncher>(); }

gitlab::VersionInfo RunnerVersionInfo(const config::RunnerConfig& runner) {
  gitlab::VersionInfo info = gitlab::DefaultVersionInfo();
  info.executor = runner.executor;
  info.shell = runner.shell.empty() ? "bash" : runner.shell;
  info.labels = runner.labels;
  info.gpus = runner.docker.gpus;
  gitlab::FeaturesInfo& f = info.features;
  // Only what this runner really does (GitLab withholds jobs needing a missing feature).
  f.variables = true;
  f.refspecs = true;
  f.masking = true;
  f.raw_variables = true;
  f.multi_build_steps = true;
  f.trace_reset = true;
  f.trace_checksum = true;
  f.trace_size = true;
  f.cancelable = true;
  f.return_exit_code = true;
  f.cancel_gracefully = true;
  f.two_phase_job_commit = true;
  if (runner.executor == "shell") f.shared = true;
  if (IsDocker(runner.executor)) {
    f.image = true;
    f.image_executor_opts = true;
  }
  return info;
}

}  // namespace manager

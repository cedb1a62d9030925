#include "manager/job_launcher.h"

#include <spdlog/spdlog.h>

#include "executor/docker/cancel_watcher.h"
#include "executor/docker/connection_dialer.h"
#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_host.h"
#include "executor/docker/helper_delivery.h"
#include "executor/docker/helper_image_source.h"
#include "executor/instance/instance_executor.h"
#include "executor/shell/shell_executor.h"
#include "gitlab/failure_reason.h"
#include "job/gitlab_job_channel.h"
#include "job/job_runner.h"
#include "job/variables.h"
#include "manager/fleet_runner.h"

namespace manager {

namespace {

bool IsDocker(const std::string& e) { return e == "docker" || e == "docker-autoscaler" || e == "docker+machine"; }

// Reports a job that could not even start (no executor) as a system failure, with a
// trace that says why, so GitLab can retry it elsewhere.
JobResult FailWithoutExecutor(const JobTicket& t, const std::string& why) {
  gitlab::VersionInfo info = RunnerVersionInfo(t.runner);
  job::GitlabJobChannel channel(*t.client, t.payload.id, t.payload.token, info, false);
  // Acknowledged first (two-phase commit): GitLab takes no trace and no final state for a
  // job it still holds as pending, and would hand it out again after its ack timeout.
  channel.UpdateState(job::JobState{"running", "", 0, "", 0});
  std::string line = "\x1b[31;1mERROR: Job failed (system failure): " + why + "\x1b[0;m\n";
  channel.PatchTrace(0, line);
  job::JobState st;
  st.state = "failed";
  st.failure_reason = gitlab::MapFailureReason(gitlab::kRunnerSystemFailure, t.payload.features.failure_reasons);
  st.exit_code = 0;
  st.bytesize = static_cast<int64_t>(line.size());
  // The checksum is omitted: this short trace may not be all GitLab has if a PATCH failed.
  channel.UpdateState(st);
  return {st.state, st.failure_reason};
}

// Frees the job's instance slot when the job ends, whatever happened.
struct LeaseReleaser {
  FleetRunner* fleet;
  int64_t job;
  bool suspect = false;  // a system failure or a failed cleanup: do not reuse the instance
  ~LeaseReleaser() {
    if (fleet) fleet->Release(job, suspect);
  }
};

class DefaultJobLauncher final : public JobLauncher {
 public:
  explicit DefaultJobLauncher(std::shared_ptr<executor::docker::HelperImageSource> helper_source)
      : helper_source_(std::move(helper_source)) {
    if (!helper_source_) helper_source_ = executor::docker::NewDefaultHelperImageSource(executor::docker::kDefaultHelperImage);
  }

  JobResult RunJob(const JobTicket& t, const util::CancelToken& interrupt) override {
    LeaseReleaser releaser{nullptr, t.payload.id};  // declared first: released after the executor is gone
    std::unique_ptr<executor::Executor> exec;
    if (t.fleet) {
      auto grant = t.fleet->Acquire(t.payload.id, interrupt);
      if (!grant.ok()) return FailWithoutExecutor(t, "no instance for the job: " + grant.status().message());
      releaser.fleet = t.fleet;
      spdlog::info("Job {} runs on instance {} (waited {} s)", t.payload.id, grant->instance,
                   std::chrono::duration_cast<std::chrono::seconds>(grant->waited).count());
      if (t.runner.executor == "instance") {
        auto e = executor::InstanceExecutor::Open(t.runner, grant->conn);
        if (!e.ok()) {
          releaser.suspect = true;
          return FailWithoutExecutor(t, "instance " + grant->instance + ": " + e.status().message());
        }
        exec = std::move(*e);
      } else {
        auto socket = executor::docker::InstanceDockerSocket(t.runner.docker.host);
        if (!socket.ok()) return FailWithoutExecutor(t, socket.status().message());
        if (t.runner.docker.helper_image.empty()) {  // a named helper_image is pulled as before
          util::Status s = EnsureHelperImage(t, *grant, *socket, interrupt);
          if (!s.ok()) {
            // kNotFound: this manager has no helper image to give; the instance is not to blame.
            releaser.suspect = s.code() != util::Status::Code::kNotFound;
            spdlog::error("Job {}: instance {}: {}", t.payload.id, grant->instance, s.message());
            return FailWithoutExecutor(t, "instance " + grant->instance + ": " + s.message());
          }
        }
        exec = std::make_unique<executor::docker::DockerExecutor>(
            t.runner, std::make_unique<executor::docker::ConnectionDialer>(grant->conn, *socket));
      }
    } else if (t.runner.executor == "shell") {
      exec = std::make_unique<executor::ShellExecutor>(t.runner, t.working_dir, t.job_user);
    } else if (t.runner.executor == "docker") {
      auto dialer = executor::docker::DialerForHost(t.runner.docker.host);
      if (!dialer.ok()) return FailWithoutExecutor(t, "docker host: " + dialer.status().message());
      exec = std::make_unique<executor::docker::DockerExecutor>(t.runner, std::move(*dialer));
    } else {
      return FailWithoutExecutor(t, "executor \"" + t.runner.executor + "\" is not available in this runner");
    }
    bool debug = false;
    for (const auto& v : t.payload.variables) {
      if (v.key == "CI_DEBUG_TRACE") debug = job::ParseGoBool(v.value).value_or(false);
    }
    if (t.runner.debug_trace_disabled) debug = false;  // refused, with a warning in the trace
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
    releaser.suspect = o.failure_reason == gitlab::kRunnerSystemFailure && !interrupt.cancelled();
    if (o.cleanup_failed && t.fleet) {
      // Its file variables may still be on it: the next job (maybe another project's) must
      // not find them. The instance takes no more jobs and is removed.
      spdlog::warn("Job {}: the job's files could not be removed from its instance; the instance takes no more jobs",
                   t.payload.id);
      releaser.suspect = true;
    }
    return {o.state, o.failure_reason};
  }

 private:
  // Puts the default helper image on the instance's Engine unless it has that image id
  // already; once per instance (InstanceOnce): later jobs there reuse the first result.
  util::Status EnsureHelperImage(const JobTicket& t, const LeaseGrant& grant, const std::string& socket,
                                 const util::CancelToken& interrupt) {
    if (!grant.once) return util::Status::Ok();
    return grant.once->Run("helper-image", [&] {
      executor::docker::ConnectionDialer dialer(grant.conn, socket);
      executor::docker::EngineClient engine(dialer);
      executor::docker::AbortHandle abort;
      executor::docker::CancelWatcher watcher(interrupt, [&abort] { abort.Abort(); });
      const util::Time start = util::SystemClock::Get().Now();
      auto d = executor::docker::DeliverHelperImage(engine, executor::docker::kDefaultHelperImage, *helper_source_, &abort);
      if (!d.ok()) return d.status();
      const double secs = std::chrono::duration<double>(util::SystemClock::Get().Now() - start).count();
      if (d->loaded) {
        spdlog::info("Job {}: helper image {} ({}) loaded onto instance {}: {} bytes in {:.2f} s", t.payload.id,
                     executor::docker::kDefaultHelperImage, d->image_id, grant.instance, d->bytes, secs);
      } else {
        spdlog::debug("Job {}: instance {} already has helper image {} ({})", t.payload.id, grant.instance,
                      executor::docker::kDefaultHelperImage, d->image_id);
      }
      return util::Status::Ok();
    });
  }

  std::shared_ptr<executor::docker::HelperImageSource> helper_source_;
};

}  // namespace

bool IsFleetExecutor(const std::string& executor) {
  return executor == "instance" || executor == "docker-autoscaler" || executor == "docker+machine";
}

bool CanRunExecutor(const std::string& executor) {
  return executor == "shell" || executor == "instance" || IsDocker(executor);
}

std::shared_ptr<JobLauncher> NewDefaultJobLauncher(std::shared_ptr<executor::docker::HelperImageSource> helper_source) {
  return std::make_shared<DefaultJobLauncher>(std::move(helper_source));
}

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
  // Cache and artifacts stages (job/transfer_stages): fallback keys, exclude, reports in
  // zip, gzip or raw format.
  f.artifacts = true;
  f.cache = true;
  f.fallback_cache_keys = true;
  f.upload_multiple_artifacts = true;
  f.upload_raw_artifacts = true;
  f.artifacts_exclude = true;
  // Shell jobs share their host (this one, or an instance with capacity_per_instance).
  if (runner.executor == "shell" || runner.executor == "instance") f.shared = true;
  if (IsDocker(runner.executor)) {
    f.image = true;
    f.image_executor_opts = true;
    // Service containers on a network of the job (executor/docker/services.cc): aliases,
    // variables, entrypoint/command, executor_opts (user, platform).
    f.services = true;
    f.service_variables = true;
    f.service_multiple_aliases = true;
    f.service_executor_opts = true;
  }
  return info;
}

}  // namespace manager
